using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ResNetGen.Weights;

/// <summary>
/// Reads PyTorch's legacy serialization format: what <c>torch.save</c> wrote before PyTorch 1.6, and still writes with
/// <c>_use_new_zipfile_serialization=False</c> (the files the original torchvision <c>model_urls</c> name are in it).
/// </summary>
/// <remarks>
/// <para>The file is a sequence of pickles followed by raw storages: the magic number 0x1950a86a20f9469cfc6c, the
/// protocol version 1001, a dict of system information (byte order, type sizes), the object itself (whose tensors refer
/// to storages through persistent ids <c>('storage', type, key, location, numel, view)</c>), the list of storage keys, and
/// then, for each key in that list's order, the storage's element count as 8 little-endian bytes followed by its bytes.</para>
/// <para>Every pickle goes through the same restricted <see cref="PickleReader"/> as the zip format's, with the same
/// budgets; each pickle's extent is found by walking its opcodes before it is read, so at most <see cref="MaxPickleBytes"/>
/// bytes of it are held. Every storage's place in the file is computed and checked (its key known, its element count
/// matching its persistent id, its bytes inside the file) before any storage is read.</para>
/// </remarks>
internal static class LegacyTorchReader
{
    /// <summary>The pickled magic number as torch writes it: PROTO 2, LONG1 of 10 bytes, STOP.</summary>
    internal static readonly byte[] MagicPickle =
        [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];

    /// <summary>The magic number's first bytes, enough to recognise the format (what <see cref="StateDictLoader"/> tests).</summary>
    internal static ReadOnlySpan<byte> Signature => MagicPickle.AsSpan(0, 14);

    /// <summary>The only protocol version torch has written in this format.</summary>
    internal const long ProtocolVersion = 1001;

    /// <summary>Largest object pickle accepted, as for the zip format's <c>data.pkl</c>.</summary>
    internal const long MaxPickleBytes = TorchZipReader.MaxPickleBytes;

    /// <summary>Largest protocol-version or system-information pickle accepted; torch's are 6 and about 100 bytes.</summary>
    internal const long MaxSmallPickleBytes = 64 << 10;

    private const string MainPickle = "of the object (the state_dict)";
    private const string KeysPickle = "of the storage keys";

    public static StateDict Read(Stream stream, string source, IReadOnlyList<StateDictEntry> expected, IProgress<LoadProgress>? progress)
    {
        long length = stream.Length;
        Span<byte> magic = stackalloc byte[MagicPickle.Length];
        if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length || !magic.SequenceEqual(MagicPickle))
        {
            throw new WeightLoadException(source,
                $"{source}: starts like PyTorch's legacy serialization format but its magic number is damaged; the file is damaged.");
        }

        long budget = LoadLimits.MaxPickleAllocatedBytes(expected.Count);
        object? version = ReadPickle(stream, source, "of the protocol version", MaxSmallPickleBytes, NoStorages(source, "of the protocol version"), budget);
        if (version is not long number || number != ProtocolVersion)
        {
            throw new WeightLoadException(source,
                $"{source}: is in PyTorch's legacy format but its protocol version is {Show(version)}, not {ProtocolVersion}; the file is damaged.");
        }

        object? systemInfo = ReadPickle(stream, source, "of the system information", MaxSmallPickleBytes, NoStorages(source, "of the system information"), budget);
        CheckSystemInfo(systemInfo, source);

        var storages = new Dictionary<string, StorageReference>(StringComparer.Ordinal);
        object? root = ReadPickle(
            stream, source, MainPickle, MaxPickleBytes, pid => TorchZipReader.PersistentLoad(pid, storages, source, MainPickle, legacy: true), budget);
        TensorReference[] wanted = TorchZipReader.BindStateDict(root, source, expected);

        object? keys = ReadPickle(stream, source, KeysPickle, MaxPickleBytes, NoStorages(source, KeysPickle), budget);
        Dictionary<StorageReference, long> places = PlaceStorages(keys, storages, stream, length, source);
        float[][] data = Materialize(wanted, expected, places, stream, source, progress);

        var result = new StateDict(source);
        for (int e = 0; e < expected.Count; e++)
        {
            result.Add(expected[e].Name, new Tensor(wanted[e].Shape, data[e]));
        }

        return result;
    }

    /// <summary>A persistent-id handler for the pickles that hold no tensors.</summary>
    private static Func<PickleTuple, object> NoStorages(string source, string what) => _ =>
        throw new WeightLoadException(source, $"{source}: the pickle {what} refers to a storage, which torch never writes there; the file is damaged.");

    private static string Show(object? value) => value is long l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : PickleReader.Describe(value);

    /// <summary>The system information must be a dict; a file from a big-endian machine is refused by name.</summary>
    private static void CheckSystemInfo(object? systemInfo, string source)
    {
        if (systemInfo is not PickleDict info)
        {
            throw new WeightLoadException(source,
                $"{source}: is in PyTorch's legacy format but holds {PickleReader.Describe(systemInfo)} where its system information (a dict) belongs; the file is damaged.");
        }

        if (info.TryGetValue("little_endian", out object? littleEndian) && littleEndian is false)
        {
            throw new WeightLoadException(source,
                $"{source}: was written on a big-endian machine (its system information says little_endian=False); only little-endian files are supported. " +
                "Load it with torch and save it again on a little-endian machine.");
        }
    }

    /// <summary>
    /// Reads the pickle that starts at the stream's position and leaves the stream just after its STOP opcode. Its extent
    /// is found by <see cref="PickleExtent"/> first, so no more than <paramref name="maxBytes"/> of it is ever held.
    /// </summary>
    private static object? ReadPickle(Stream stream, string source, string what, long maxBytes, Func<PickleTuple, object> persistentLoad, long budget)
    {
        byte[] pickle = PickleExtent.Read(stream, maxBytes, source, what);
        return PickleReader.Load(pickle, source, what, persistentLoad, budget);
    }

    /// <summary>
    /// Where each listed storage's bytes start: the keys must be strings naming storages the object uses, each once, and each
    /// storage's count field must equal its persistent id's element count, with its bytes inside the file.
    /// </summary>
    private static Dictionary<StorageReference, long> PlaceStorages(
        object? keys, Dictionary<string, StorageReference> storages, Stream stream, long length, string source)
    {
        if (keys is not PickleList list)
        {
            throw new WeightLoadException(source,
                $"{source}: holds {PickleReader.Describe(keys)} where its list of storage keys belongs; the file is damaged.");
        }

        var places = new Dictionary<StorageReference, long>();
        long at = stream.Position;
        Span<byte> countBytes = stackalloc byte[8];
        foreach (object? item in list.Items)
        {
            if (item is not string key)
            {
                throw new WeightLoadException(source,
                    $"{source}: its list of storage keys holds {PickleReader.Describe(item)}, not a key; the file is damaged.");
            }

            if (!storages.TryGetValue(key, out StorageReference? storage))
            {
                throw new WeightLoadException(source,
                    $"{source}: its list of storage keys names '{PickleReader.Quote(key)}', which no tensor of the file uses; the file is damaged.");
            }

            if (places.ContainsKey(storage))
            {
                throw new WeightLoadException(source,
                    $"{source}: its list of storage keys names '{PickleReader.Quote(key)}' twice; the file is damaged.");
            }

            if (at > length - 8)
            {
                throw new WeightLoadException(source,
                    $"{source}: ends before storage '{PickleReader.Quote(key)}' (its size field would be at byte {at:N0} of {length:N0}); the file is truncated.");
            }

            stream.Position = at;
            stream.ReadExactly(countBytes);
            long count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
            if (count != storage.ElementCount)
            {
                throw new WeightLoadException(source,
                    $"{source}: storage '{PickleReader.Quote(key)}' says it holds {count:N0} elements where its tensors' description says " +
                    $"{storage.ElementCount:N0}; the file is damaged.");
            }

            long start = at + 8;
            if (storage.ByteCount > length - start)
            {
                throw new WeightLoadException(source,
                    $"{source}: storage '{PickleReader.Quote(key)}' of {storage.ElementCount:N0} {WeightDTypes.TorchName(storage.DType)} elements needs " +
                    $"{storage.ByteCount:N0} bytes from byte {start:N0}, past the end of the file ({length:N0} bytes); the file is truncated or damaged.");
            }

            places.Add(storage, start);
            at = start + storage.ByteCount;
        }

        return places;
    }

    /// <summary>Reads every storage the wanted tensors use, once each, and converts the tensors to float32.</summary>
    private static float[][] Materialize(
        TensorReference[] wanted,
        IReadOnlyList<StateDictEntry> expected,
        Dictionary<StorageReference, long> places,
        Stream stream,
        string source,
        IProgress<LoadProgress>? progress)
    {
        List<IGrouping<StorageReference, (TensorReference Tensor, int Index)>> groups = wanted
            .Select((tensor, index) => (Tensor: tensor, Index: index))
            .GroupBy(t => t.Tensor.Storage)
            .ToList();
        long total = 0;
        foreach (var group in groups)
        {
            StorageReference storage = group.Key;
            if (!places.ContainsKey(storage))
            {
                throw new WeightLoadException(source,
                    $"{source}: the storage '{PickleReader.Quote(storage.Key)}' of '{expected[group.First().Index].Name}' is missing from the file's list of storages; the file is damaged.");
            }

            if (storage.ByteCount > Array.MaxLength)
            {
                throw new WeightLoadException(source, $"{source}: the storage '{PickleReader.Quote(storage.Key)}' of {storage.ByteCount:N0} bytes is too large to load.");
            }

            total += storage.ByteCount;
        }

        var tracker = new ProgressTracker(progress, total);
        var result = new float[wanted.Length][];
        byte[]? scratch = null;
        foreach (var group in groups)
        {
            StorageReference storage = group.Key;
            string what = $"storage '{PickleReader.Quote(storage.Key)}'";
            stream.Position = places[storage];
            var views = group.ToList();
            TensorReference first = views[0].Tensor;
            if (views.Count == 1 && first.Offset == 0 && first.ElementCount == storage.ElementCount && first.IsContiguous)
            {
                float[] floats = GC.AllocateUninitializedArray<float>(checked((int)first.ElementCount));
                LoadIO.ReadConverted(stream, storage.DType, floats, ref scratch, tracker, source, what);
                result[views[0].Index] = floats;
                continue;
            }

            var bytes = new byte[storage.ByteCount];
            LoadIO.ReadExactly(stream, bytes, tracker, source, what);
            foreach ((TensorReference tensor, int index) in views)
            {
                result[index] = StridedGather.ToFloat32(bytes, storage.DType, tensor.Offset, tensor.Shape, tensor.Strides);
            }
        }

        return result;
    }
}

/// <summary>
/// Finds where a pickle ends by walking its opcodes, copying its bytes as it goes, without building anything: what lets
/// the legacy format's pickles, which sit one after another in the file with no lengths, be read one at a time.
/// Every opcode <see cref="PickleReader"/> understands is walked; at any other opcode, or where the file ends, the walk
/// stops and the bytes so far are returned, for the reader to refuse with its own message.
/// </summary>
internal static class PickleExtent
{
    /// <summary>The bytes of the pickle at the stream's position, through its STOP opcode.</summary>
    /// <exception cref="WeightLoadException">The pickle is longer than <paramref name="maxBytes"/>.</exception>
    public static byte[] Read(Stream stream, long maxBytes, string source, string what)
    {
        var walk = new Walk(stream, maxBytes, source, what);
        while (walk.Next())
        {
        }

        return walk.Bytes;
    }

    private sealed class Walk(Stream stream, long maxBytes, string source, string what)
    {
        private const int MaxLine = 512;
        private readonly MemoryStream _bytes = new();
        private readonly long _length = stream.Length;

        public byte[] Bytes => _bytes.ToArray();

        /// <summary>Copies one opcode and its argument; false at STOP, at an opcode the reader does not know, or at the end.</summary>
        public bool Next()
        {
            int opcode = Byte();
            switch (opcode)
            {
                case < 0:
                case PickleOpcode.Stop:
                    return false;
                case PickleOpcode.Proto or PickleOpcode.BinInt1 or PickleOpcode.BinPut or PickleOpcode.BinGet:
                    return Copy(1);
                case PickleOpcode.BinInt2:
                    return Copy(2);
                case PickleOpcode.BinInt or PickleOpcode.LongBinPut or PickleOpcode.LongBinGet:
                    return Copy(4);
                case PickleOpcode.BinFloat or PickleOpcode.Frame:
                    return Copy(8);
                case PickleOpcode.Long1 or PickleOpcode.ShortBinUnicode or PickleOpcode.ShortBinString or PickleOpcode.ShortBinBytes:
                    return Length(1, out ulong shortLength) && Copy(shortLength);
                case PickleOpcode.Long4 or PickleOpcode.BinUnicode or PickleOpcode.BinString or PickleOpcode.BinBytes:
                    return Length(4, out ulong length) && Copy(length);
                case PickleOpcode.BinUnicode8 or PickleOpcode.BinBytes8:
                    return Length(8, out ulong longLength) && Copy(longLength);
                case PickleOpcode.Global:
                    return Line() && Line();
                case PickleOpcode.Mark or PickleOpcode.Pop or PickleOpcode.PopMark or PickleOpcode.Dup or PickleOpcode.None
                    or PickleOpcode.NewTrue or PickleOpcode.NewFalse or PickleOpcode.EmptyTuple or PickleOpcode.Tuple1
                    or PickleOpcode.Tuple2 or PickleOpcode.Tuple3 or PickleOpcode.Tuple or PickleOpcode.EmptyList or PickleOpcode.List
                    or PickleOpcode.Append or PickleOpcode.Appends or PickleOpcode.EmptyDict or PickleOpcode.Dict or PickleOpcode.SetItem
                    or PickleOpcode.SetItems or PickleOpcode.StackGlobal or PickleOpcode.Reduce or PickleOpcode.NewObj
                    or PickleOpcode.NewObjEx or PickleOpcode.Build or PickleOpcode.BinPersId or PickleOpcode.Memoize:
                    return true;
                default:
                    return false;
            }
        }

        private int Byte()
        {
            int value = stream.ReadByte();
            if (value >= 0)
            {
                Grow(1);
                _bytes.WriteByte((byte)value);
            }

            return value;
        }

        /// <summary>Copies a little-endian length of <paramref name="width"/> bytes; false where the file ends first.</summary>
        private bool Length(int width, out ulong value)
        {
            value = 0;
            for (int i = 0; i < width; i++)
            {
                int b = Byte();
                if (b < 0)
                {
                    return false;
                }

                value |= (ulong)b << (8 * i);
            }

            return true;
        }

        /// <summary>Copies <paramref name="count"/> bytes; false (copying nothing) when the file does not hold them.</summary>
        private bool Copy(ulong count)
        {
            if (count > (ulong)Math.Max(0, _length - stream.Position))
            {
                return false;
            }

            Grow((long)count);
            Span<byte> buffer = stackalloc byte[4096];
            long left = (long)count;
            while (left > 0)
            {
                int read = stream.Read(buffer.Slice(0, (int)Math.Min(buffer.Length, left)));
                if (read <= 0)
                {
                    return false;
                }

                _bytes.Write(buffer.Slice(0, read));
                left -= read;
            }

            return true;
        }

        private bool Line()
        {
            for (int i = 0; i < MaxLine; i++)
            {
                int b = Byte();
                if (b < 0)
                {
                    return false;
                }

                if (b == '\n')
                {
                    return true;
                }
            }

            return false;
        }

        private void Grow(long count)
        {
            if (_bytes.Length + count > maxBytes)
            {
                throw new WeightLoadException(source,
                    $"{source}: the pickle {what} is longer than {maxBytes:N0} bytes, far more than a state_dict needs; the file is damaged or built to exhaust memory.");
            }
        }
    }
}
