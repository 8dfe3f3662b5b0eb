using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace ResNetGen.Benchmarks;

/// <summary>The element type a benchmark file stores its floating-point tensors in.</summary>
public enum FileDType
{
    Float32,
    Float16,
}

/// <summary>
/// Writes a state_dict with the exact keys and shapes of a generated network's <c>Parameters</c>, filled with seeded
/// random values, as <c>torch.save</c> (zip) and as <c>.safetensors</c>, without Python. Only the benchmarks use it:
/// the load benchmarks need full-size files, and committing a 100 MB file is not an option.
/// </summary>
/// <remarks>
/// The torch.save layout follows torch 1.13: a stored (uncompressed) zip holding <c>archive/data.pkl</c> (a protocol-2
/// pickle of an <c>OrderedDict</c> of <c>_rebuild_tensor_v2</c> calls), one record <c>archive/data/N</c> per storage
/// with its data aligned to 64 bytes, and <c>archive/version</c>. Batch-norm <c>num_batches_tracked</c> buffers are int64
/// scalars as in torchvision; every other tensor is float32 or float16.
/// </remarks>
public static class StateDictFiles
{
    private const int Alignment = 64;

    /// <summary>One tensor as it will be written: its key, shape, dtype and little-endian bytes.</summary>
    private sealed record Item(string Name, int[] Shape, bool IsInt64, byte[] Bytes);

    /// <summary>Writes <paramref name="entries"/> as a torch.save zip to <paramref name="file"/>, from its current position.</summary>
    public static void WriteTorchSave(Stream file, IReadOnlyList<StateDictEntry> entries, FileDType dtype, int seed) =>
        WriteTorchSave(file, Items(entries, dtype, seed), dtype);

    /// <summary>
    /// Writes the tensors of <paramref name="weights"/> under the keys of <paramref name="entries"/>, in that order, as a
    /// float32 torch.save zip: the file <c>torch.load</c> reads back into exactly these numbers.
    /// </summary>
    public static void WriteTorchSave(Stream file, StateDict weights, IReadOnlyList<StateDictEntry> entries) =>
        WriteTorchSave(file, entries.Select(entry => ItemOf(entry, weights.Get(entry.Name, entry.Shape.ToArray()).Data, FileDType.Float32)).ToList(), FileDType.Float32);

    private static void WriteTorchSave(Stream file, List<Item> items, FileDType dtype)
    {
        string floatStorage = dtype == FileDType.Float16 ? "HalfStorage" : "FloatStorage";
        byte[] pickle = Pickle(items, floatStorage);
        var zip = new StoredZipWriter(file);
        zip.Add("archive/data.pkl", pickle);
        for (int i = 0; i < items.Count; i++)
        {
            zip.Add("archive/data/" + i.ToString(CultureInfo.InvariantCulture), items[i].Bytes);
        }

        zip.Add("archive/version", "3\n"u8.ToArray());
        zip.Finish();
    }

    /// <summary>Writes <paramref name="entries"/> as a .safetensors file to <paramref name="file"/>.</summary>
    public static void WriteSafetensors(Stream file, IReadOnlyList<StateDictEntry> entries, FileDType dtype, int seed)
    {
        List<Item> items = Items(entries, dtype, seed);
        var json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (Item item in items)
        {
            string type = item.IsInt64 ? "I64" : dtype == FileDType.Float16 ? "F16" : "F32";
            json.Append(CultureInfo.InvariantCulture, $",\"{item.Name}\":{{\"dtype\":\"{type}\",\"shape\":[{string.Join(",", item.Shape)}],");
            json.Append(CultureInfo.InvariantCulture, $"\"data_offsets\":[{offset},{offset + item.Bytes.Length}]}}");
            offset += item.Bytes.Length;
        }

        json.Append('}');
        // The reference writer pads the header with spaces so the data starts 8-byte aligned.
        while ((json.Length + 8) % 8 != 0)
        {
            json.Append(' ');
        }

        byte[] header = Encoding.UTF8.GetBytes(json.ToString());
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        file.Write(header);
        foreach (Item item in items)
        {
            file.Write(item.Bytes);
        }
    }

    /// <summary>Seeded values for every entry: normal-ish weights, positive running variances, int64 batch counts.</summary>
    private static List<Item> Items(IReadOnlyList<StateDictEntry> entries, FileDType dtype, int seed)
    {
        var random = new Random(seed);
        var items = new List<Item>(entries.Count);
        foreach (StateDictEntry entry in entries)
        {
            var values = new float[entry.ElementCount];
            if (entry.Kind == StateDictEntryKind.BatchNormBatchesTracked)
            {
                Array.Fill(values, 1000f);
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    float v = (float)((random.NextDouble() * 2) - 1) * 0.1f;
                    values[i] = entry.Kind == StateDictEntryKind.BatchNormRunningVar ? 1 + v : v;
                }
            }

            items.Add(ItemOf(entry, values, dtype));
        }

        return items;
    }

    /// <summary>One entry's bytes: int64 for a batch-norm batch count, otherwise <paramref name="dtype"/>.</summary>
    private static Item ItemOf(StateDictEntry entry, float[] values, FileDType dtype)
    {
        int[] shape = entry.Shape.ToArray();
        if (entry.Kind == StateDictEntryKind.BatchNormBatchesTracked)
        {
            long[] counts = values.Select(v => (long)v).ToArray();
            return new Item(entry.Name, shape, true, MemoryMarshal.AsBytes(counts.AsSpan()).ToArray());
        }

        if (dtype == FileDType.Float16)
        {
            Half[] halves = values.Select(v => (Half)v).ToArray();
            return new Item(entry.Name, shape, false, MemoryMarshal.AsBytes(halves.AsSpan()).ToArray());
        }

        return new Item(entry.Name, shape, false, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>The data.pkl torch.save writes for a state_dict, memoizing globals and strings as pickle does.</summary>
    private static byte[] Pickle(List<Item> items, string floatStorage)
    {
        var p = new PickleBuilder();
        p.Op(0x80, 2); // PROTO 2
        p.Global("collections", "OrderedDict");
        p.Op((byte)')', (byte)'R'); // OrderedDict()
        p.Put();
        p.Op((byte)'('); // MARK
        for (int i = 0; i < items.Count; i++)
        {
            Item item = items[i];
            p.String(item.Name);
            p.Global("torch._utils", "_rebuild_tensor_v2");
            p.Op((byte)'(');
            p.Op((byte)'(');
            p.String("storage");
            p.Global("torch", item.IsInt64 ? "LongStorage" : floatStorage);
            p.String(i.ToString(CultureInfo.InvariantCulture));
            p.String("cpu");
            long count = item.Shape.Aggregate(1L, (c, d) => c * d);
            p.Int(count);
            p.Op((byte)'t');
            p.Put();
            p.Op((byte)'Q'); // BINPERSID
            p.Int(0); // storage offset
            p.Tuple(item.Shape.Select(d => (long)d).ToArray());
            p.Tuple(Strides(item.Shape));
            p.Op(0x89); // requires_grad = False
            p.Global("collections", "OrderedDict");
            p.Op((byte)')', (byte)'R');
            p.Put();
            p.Op((byte)'t');
            p.Put();
            p.Op((byte)'R');
            p.Put();
        }

        p.Op((byte)'u', (byte)'.'); // SETITEMS, STOP
        return p.ToArray();
    }

    private static long[] Strides(int[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }

        return strides;
    }

    /// <summary>Just enough of a pickle writer for a state_dict: protocol-2 opcodes, a memo for globals and strings.</summary>
    private sealed class PickleBuilder
    {
        private readonly MemoryStream _bytes = new();
        private readonly Dictionary<string, int> _memo = new(StringComparer.Ordinal);
        private int _next;

        public void Op(params byte[] bytes) => _bytes.Write(bytes);

        /// <summary>BINPUT or LONG_BINPUT of the top of the stack under the next memo index.</summary>
        public int Put()
        {
            int index = _next++;
            if (index < 256)
            {
                Op((byte)'q', (byte)index);
            }
            else
            {
                Op((byte)'r');
                Span<byte> b = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(b, index);
                _bytes.Write(b);
            }

            return index;
        }

        public void Get(int index)
        {
            if (index < 256)
            {
                Op((byte)'h', (byte)index);
            }
            else
            {
                Op((byte)'j');
                Span<byte> b = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(b, index);
                _bytes.Write(b);
            }
        }

        public void Global(string module, string name)
        {
            string key = "global:" + module + "." + name;
            if (_memo.TryGetValue(key, out int index))
            {
                Get(index);
                return;
            }

            Op((byte)'c');
            _bytes.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
            _memo[key] = Put();
        }

        public void String(string value)
        {
            string key = "str:" + value;
            if (_memo.TryGetValue(key, out int index))
            {
                Get(index);
                return;
            }

            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            Op((byte)'X');
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, utf8.Length);
            _bytes.Write(b);
            _bytes.Write(utf8);
            _memo[key] = Put();
        }

        public void Int(long value)
        {
            if (value is >= 0 and < 256)
            {
                Op((byte)'K', (byte)value);
            }
            else if (value is >= 0 and < 65536)
            {
                Op((byte)'M', (byte)value, (byte)(value >> 8));
            }
            else if (value is >= int.MinValue and <= int.MaxValue)
            {
                Op((byte)'J');
                Span<byte> b = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
                _bytes.Write(b);
            }
            else
            {
                Op(0x8a, 8);
                Span<byte> b = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(b, value);
                _bytes.Write(b);
            }
        }

        public void Tuple(long[] values)
        {
            switch (values.Length)
            {
                case 0:
                    Op((byte)')');
                    return;
                case 1:
                    Int(values[0]);
                    Op(0x85);
                    break;
                case 2:
                    Int(values[0]);
                    Int(values[1]);
                    Op(0x86);
                    break;
                case 3:
                    Int(values[0]);
                    Int(values[1]);
                    Int(values[2]);
                    Op(0x87);
                    break;
                default:
                    Op((byte)'(');
                    foreach (long v in values)
                    {
                        Int(v);
                    }

                    Op((byte)'t');
                    break;
            }

            Put();
        }

        public byte[] ToArray() => _bytes.ToArray();
    }

    /// <summary>
    /// A zip writer for stored records, as torch's <c>PyTorchStreamWriter</c> lays them out: each record's data starts on a
    /// 64-byte boundary (padded with an extra field), sizes and CRC-32 in the local header, a plain central directory.
    /// </summary>
    private sealed class StoredZipWriter(Stream output)
    {
        private readonly List<(byte[] Name, uint Crc, uint Size, uint Offset)> _records = new();

        public void Add(string name, byte[] data)
        {
            byte[] nameBytes = Encoding.ASCII.GetBytes(name);
            long offset = output.Position;
            const int LocalHeader = 30;
            const int ExtraHeader = 4;
            int padding = (int)((Alignment - ((offset + LocalHeader + nameBytes.Length + ExtraHeader) % Alignment)) % Alignment);
            uint crc = Crc32(data);
            Span<byte> h = stackalloc byte[LocalHeader];
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(4), 20);   // version needed
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(6), 0);    // flags
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(8), 0);    // stored
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(10), 0);   // time, date
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(14), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(18), checked((uint)data.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(22), checked((uint)data.Length));
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(26), (ushort)nameBytes.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(28), (ushort)(ExtraHeader + padding));
            output.Write(h);
            output.Write(nameBytes);
            Span<byte> extra = stackalloc byte[ExtraHeader];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x4246);     // "FB", torch's padding field
            BinaryPrimitives.WriteUInt16LittleEndian(extra.Slice(2), (ushort)padding);
            output.Write(extra);
            output.Write(new byte[padding]);
            output.Write(data);
            _records.Add((nameBytes, crc, (uint)data.Length, checked((uint)offset)));
        }

        /// <summary>The zip CRC-32 (reflected polynomial 0xEDB88320), table-driven.</summary>
        private static uint Crc32(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in data)
            {
                crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return ~crc;
        }

        private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            return c;
        }).ToArray();

        public void Finish()
        {
            long start = output.Position;
            Span<byte> c = stackalloc byte[46];
            foreach ((byte[] name, uint crc, uint size, uint offset) in _records)
            {
                c.Clear();
                BinaryPrimitives.WriteUInt32LittleEndian(c, 0x02014b50);
                BinaryPrimitives.WriteUInt16LittleEndian(c.Slice(4), 20);  // version made by
                BinaryPrimitives.WriteUInt16LittleEndian(c.Slice(6), 20);  // version needed
                BinaryPrimitives.WriteUInt32LittleEndian(c.Slice(16), crc);
                BinaryPrimitives.WriteUInt32LittleEndian(c.Slice(20), size);
                BinaryPrimitives.WriteUInt32LittleEndian(c.Slice(24), size);
                BinaryPrimitives.WriteUInt16LittleEndian(c.Slice(28), (ushort)name.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(c.Slice(42), offset);
                output.Write(c);
                output.Write(name);
            }

            long directorySize = output.Position - start;
            Span<byte> end = stackalloc byte[22];
            end.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
            BinaryPrimitives.WriteUInt16LittleEndian(end.Slice(8), (ushort)_records.Count);
            BinaryPrimitives.WriteUInt16LittleEndian(end.Slice(10), (ushort)_records.Count);
            BinaryPrimitives.WriteUInt32LittleEndian(end.Slice(12), checked((uint)directorySize));
            BinaryPrimitives.WriteUInt32LittleEndian(end.Slice(16), checked((uint)start));
            output.Write(end);
        }
    }
}
