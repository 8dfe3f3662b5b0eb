using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Xunit;
using ResNetGen.Weights;

namespace ResNetGen.Tests.Weights;

/// <summary>
/// The vectorized float16, bfloat16 and float64 conversions against the scalar ones (<c>(float)Half</c>, the bits shifted,
/// <c>(float)double</c>), bit for bit, and the loader's chunked read-and-convert path against a per-element reference on
/// tensors large enough to span several vectors and several scratch chunks, next to views and shared storages.
/// </summary>
public sealed class ConversionTests
{
    [Fact]
    public void Every_float16_converts_to_the_same_bits_as_the_scalar_conversion()
    {
        byte[] source = new byte[65536 * 2];
        for (int bits = 0; bits < 65536; bits++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(source.AsSpan(bits * 2), (ushort)bits);
        }

        float[] converted = new float[65536];
        WeightDTypes.Convert(WeightDType.Float16, source, converted);

        for (int bits = 0; bits < 65536; bits++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
            Assert.True(
                BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(converted[bits]),
                $"float16 0x{bits:X4}: expected 0x{BitConverter.SingleToInt32Bits(expected):X8}, got 0x{BitConverter.SingleToInt32Bits(converted[bits]):X8}");
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(WeightDTypes.ConvertOne(WeightDType.Float16, source, bits)));
        }
    }

    [Fact]
    public void Every_bfloat16_converts_to_its_bits_in_the_high_half()
    {
        byte[] source = new byte[65536 * 2];
        for (int bits = 0; bits < 65536; bits++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(source.AsSpan(bits * 2), (ushort)bits);
        }

        float[] converted = new float[65536];
        WeightDTypes.Convert(WeightDType.BFloat16, source, converted);

        for (int bits = 0; bits < 65536; bits++)
        {
            Assert.Equal(bits << 16, BitConverter.SingleToInt32Bits(converted[bits]));
        }
    }

    [Fact]
    public void Float64_rounds_like_the_scalar_cast_including_ties_subnormals_infinities_and_NaNs()
    {
        var random = new Random(11);
        var values = new List<double>
        {
            0.0, -0.0, 1.0, -1.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, double.PositiveInfinity,
            double.NegativeInfinity, double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), // signalling NaN
            BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_DEAD_BEEF)), 1e-40, -1e-45, 7e-46, 3.4028235677973366e38,
            3.4028234663852886e38, 1.0 + Math.Pow(2, -24), 1.0 + (3 * Math.Pow(2, -24)), 1.0 + Math.Pow(2, -24) + Math.Pow(2, -50),
        };
        for (int i = 0; i < 4000; i++)
        {
            values.Add(i % 2 == 0 ? BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)) : (random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-160, 140)));
        }

        byte[] source = MemoryMarshal.AsBytes(values.ToArray().AsSpan()).ToArray();
        float[] converted = new float[values.Count];
        WeightDTypes.Convert(WeightDType.Float64, source, converted);

        Assert.Equal(values.Select(v => BitConverter.SingleToInt32Bits((float)v)), converted.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData("Float16")]
    [InlineData("BFloat16")]
    [InlineData("Float64")]
    [InlineData("Float32")]
    [InlineData("Int64")]
    [InlineData("Int32")]
    public void Every_length_and_misaligned_start_converts_like_one_element_at_a_time(string type)
    {
        WeightDType dtype = Enum.Parse<WeightDType>(type);
        int size = WeightDTypes.Size(dtype);
        var random = new Random(5);
        for (int length = 0; length <= 70; length++)
        {
            for (int shift = 0; shift < 3; shift++)
            {
                byte[] buffer = new byte[shift + (length * size)];
                random.NextBytes(buffer);
                ReadOnlySpan<byte> source = buffer.AsSpan(shift);
                float[] converted = new float[length];

                WeightDTypes.Convert(dtype, source, converted);

                for (int i = 0; i < length; i++)
                {
                    Assert.Equal(
                        BitConverter.SingleToInt32Bits(WeightDTypes.ConvertOne(dtype, source, i)),
                        BitConverter.SingleToInt32Bits(converted[i]));
                }
            }
        }
    }

    /// <summary>One tensor of the large fixture: its storage, how it views the storage, and its dtype.</summary>
    private sealed record LargeTensor(string Name, int[] Shape, string Storage, long Offset, long[] Strides);

    private sealed record LargeStorage(string Key, string TorchType, string SafetensorsType, WeightDType DType, byte[] Bytes)
    {
        public long ElementCount => Bytes.Length / WeightDTypes.Size(DType);
    }

    /// <summary>
    /// Storages of every dtype with more elements than one scratch chunk (1 MiB) holds, and odd lengths for the vector
    /// tails; tensors that cover a storage exactly (the chunked path) next to offset views, transposed views and two
    /// tensors sharing one storage (the gather path).
    /// </summary>
    private static (List<LargeStorage> Storages, List<LargeTensor> Tensors) LargeFixture()
    {
        var random = new Random(2026);
        byte[] Random(long bytes)
        {
            var data = new byte[bytes];
            random.NextBytes(data);
            return data;
        }

        byte[] Halves(int count) => MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(_ => (Half)((random.NextDouble() - 0.5) * 8)).ToArray().AsSpan()).ToArray();

        var storages = new List<LargeStorage>
        {
            new("0", "HalfStorage", "F16", WeightDType.Float16, Halves(600_013)),          // 1.2 MB: two chunks
            new("1", "BFloat16Storage", "BF16", WeightDType.BFloat16, Random(2 * 530_001)),
            new("2", "DoubleStorage", "F64", WeightDType.Float64, MemoryMarshal.AsBytes(Enumerable.Range(0, 140_003).Select(_ => random.NextDouble() - 0.5).ToArray().AsSpan()).ToArray()),
            new("3", "FloatStorage", "F32", WeightDType.Float32, Random(4 * 300_007)),
            new("4", "LongStorage", "I64", WeightDType.Int64, MemoryMarshal.AsBytes(new long[] { 123456789 }.AsSpan()).ToArray()),
            new("5", "HalfStorage", "F16", WeightDType.Float16, Halves(64 * 33)),        // shared by a transposed view and an offset view
            new("6", "BFloat16Storage", "BF16", WeightDType.BFloat16, Random(2 * 1000)), // a view with an offset and a step
            new("7", "HalfStorage", "F16", WeightDType.Float16, Halves(17)),             // short: only the scalar tail
        };
        var tensors = new List<LargeTensor>
        {
            new("conv1.weight", [600_013], "0", 0, [1]),
            new("layer1.0.conv1.weight", [530_001], "1", 0, [1]),
            new("bn1.running_mean", [140_003], "2", 0, [1]),
            new("fc.weight", [300_007, 1], "3", 0, [1, 1]),
            new("bn1.num_batches_tracked", [], "4", 0, []),
            new("transposed", [33, 64], "5", 0, [1, 33]),
            new("rows", [20, 33], "5", 33, [33, 1]),
            new("strided", [3, 100], "6", 7, [300, 1]),
            new("short", [17], "7", 0, [1]),
        };
        return (storages, tensors);
    }

    /// <summary>Each tensor element by element through <see cref="WeightDTypes.ConvertOne"/>.</summary>
    private static float[] Reference(LargeTensor tensor, LargeStorage storage)
    {
        int count = tensor.Shape.Aggregate(1, (c, d) => c * d);
        var values = new float[count];
        var index = new int[tensor.Shape.Length];
        for (int i = 0; i < count; i++)
        {
            long at = tensor.Offset;
            for (int d = 0; d < index.Length; d++)
            {
                at += index[d] * tensor.Strides[d];
            }

            values[i] = WeightDTypes.ConvertOne(storage.DType, storage.Bytes, at);
            for (int d = index.Length - 1; d >= 0 && ++index[d] == tensor.Shape[d]; d--)
            {
                index[d] = 0;
            }
        }

        return values;
    }

    private static byte[] LargeTorchFile(List<LargeStorage> storages, List<LargeTensor> tensors)
    {
        byte[] pickle = PickleWriter.StateDict(tensors
            .Select(t =>
            {
                LargeStorage storage = storages.Single(s => s.Key == t.Storage);
                return (t.Name, (Action<PickleWriter>)(w => w.Tensor(storage.TorchType, storage.Key, storage.ElementCount, t.Offset, t.Shape.Select(d => (long)d).ToArray(), t.Strides)));
            })
            .ToArray());
        return WeightFixtures.TorchZip(pickle, storages.Select(s => (s.Key, s.Bytes)).ToArray());
    }

    [Fact]
    public void Large_torch_file_of_every_dtype_with_views_and_shared_storages_loads_like_the_per_element_reference()
    {
        (List<LargeStorage> storages, List<LargeTensor> tensors) = LargeFixture();
        string path = Path.Combine(Path.GetTempPath(), $"resnetgen-conversion-{Environment.ProcessId}.pth");
        File.WriteAllBytes(path, LargeTorchFile(storages, tensors));
        try
        {
            List<StateDictEntry> expected = tensors.Select(t => new StateDictEntry(t.Name, WeightFixtures.KindOf(t.Name), t.Shape)).ToList();
            var progress = new RecordingProgress();

            StateDict loaded = StateDictLoader.Load(path, expected, progress);

            foreach (LargeTensor tensor in tensors)
            {
                float[] reference = Reference(tensor, storages.Single(s => s.Key == tensor.Storage));
                Assert.True(
                    reference.Select(BitConverter.SingleToInt32Bits).SequenceEqual(loaded.Get(tensor.Name).Data.Select(BitConverter.SingleToInt32Bits)),
                    $"{tensor.Name} differs from the per-element reference");
            }

            Assert.NotSame(loaded.Get("transposed").Data, loaded.Get("rows").Data);
            Assert.Equal(storages.Sum(s => (long)s.Bytes.Length), progress.Reports[^1].BytesRead);
            Assert.Equal(progress.Reports[^1].TotalBytes, progress.Reports[^1].BytesRead);
            Assert.True(progress.Reports.Count > storages.Count, "the two-chunk storages report after each chunk");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Large_safetensors_file_of_every_dtype_loads_like_the_per_element_reference()
    {
        (List<LargeStorage> storages, List<LargeTensor> all) = LargeFixture();
        // safetensors has no views: every tensor covering its storage exactly, in a different order from the network's.
        List<LargeTensor> tensors = all.Where(t => t.Offset == 0 && t.Name is not "transposed").Reverse().ToList();
        var header = new StringBuilder("{");
        var data = new MemoryStream();
        foreach (LargeTensor tensor in tensors)
        {
            LargeStorage storage = storages.Single(s => s.Key == tensor.Storage);
            header.Append(header.Length > 1 ? "," : "")
                .Append($"\"{tensor.Name}\":{{\"dtype\":\"{storage.SafetensorsType}\",\"shape\":[{string.Join(",", tensor.Shape)}],")
                .Append($"\"data_offsets\":[{data.Length},{data.Length + storage.Bytes.Length}]}}");
            data.Write(storage.Bytes);
        }

        byte[] file = WeightFixtures.Safetensors(header.Append('}').ToString(), data.ToArray());
        List<StateDictEntry> expected = all.Where(tensors.Contains).Select(t => new StateDictEntry(t.Name, WeightFixtures.KindOf(t.Name), t.Shape)).ToList();

        foreach (Stream stream in new Stream[] { new MemoryStream(file), new ForwardOnlyStream(new MemoryStream(file)) })
        {
            StateDict loaded = StateDictLoader.Load(stream, expected, "large.safetensors");

            Assert.Equal(expected.Select(e => e.Name), loaded.Keys);
            foreach (LargeTensor tensor in tensors)
            {
                float[] reference = Reference(tensor, storages.Single(s => s.Key == tensor.Storage));
                Assert.True(
                    reference.Select(BitConverter.SingleToInt32Bits).SequenceEqual(loaded.Get(tensor.Name).Data.Select(BitConverter.SingleToInt32Bits)),
                    $"{tensor.Name} differs from the per-element reference");
            }
        }
    }

    [Theory]
    [InlineData("Float16")]
    [InlineData("Float64")]
    [InlineData("Float32")]
    public void A_stream_that_ends_inside_the_second_chunk_is_refused_after_converting_the_first(string type)
    {
        WeightDType dtype = Enum.Parse<WeightDType>(type);
        int size = WeightDTypes.Size(dtype);
        int count = (LoadIO.ScratchBytes / size) + 1000;
        byte[] bytes = new byte[(count * size) - 10];
        new Random(3).NextBytes(bytes);
        var destination = new float[count];
        var progress = new RecordingProgress();
        var tracker = new ProgressTracker(progress, count * size);
        byte[]? scratch = null;

        var error = Assert.Throws<WeightLoadException>(() =>
            LoadIO.ReadConverted(new MemoryStream(bytes), dtype, destination, ref scratch, tracker, "cut.pth", "the record 'archive/data/0'"));

        Assert.Equal("cut.pth: the record 'archive/data/0' ends early (the file is truncated or damaged).", error.Message);
        if (dtype != WeightDType.Float32)
        {
            Assert.Equal(LoadIO.ScratchBytes, scratch!.Length);
            Assert.Equal(LoadIO.ScratchBytes, progress.Reports[^1].BytesRead);
            Assert.Equal(WeightDTypes.ConvertOne(dtype, bytes, 12345), destination[12345]);
        }
    }
}
