using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace ResNetGen.Tests.Weights;

/// <summary>A tensor as torch reports it in tests/Goldens/weights/expected.json (written by tools/make_weight_fixtures.py).</summary>
public sealed record ExpectedTensor(string Name, int[] Shape, string DType, float[] Values);

/// <summary>The fixture files torch wrote, what they hold, and helpers to build damaged variants in memory.</summary>
public static class WeightFixtures
{
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(PathOf("expected.json"))));

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Goldens", "weights", file);

    public static byte[] Bytes(string file) => File.ReadAllBytes(PathOf(file));

    /// <summary>Fixture file → the tensor set it holds.</summary>
    public static IReadOnlyDictionary<string, string> Files =>
        Expected.Value.RootElement.GetProperty("files").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    public static IReadOnlyList<ExpectedTensor> Set(string name) =>
        Expected.Value.RootElement.GetProperty("sets").GetProperty(name).EnumerateArray()
            .Select(e => new ExpectedTensor(
                e.GetProperty("name").GetString()!,
                e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                e.GetProperty("dtype").GetString()!,
                // Each json number is a float32 value printed exactly (as a double that round-trips), so this cast is exact.
                e.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()))
            .ToList();

    /// <summary>The manifest a network with exactly these tensors would declare.</summary>
    public static List<StateDictEntry> Entries(IEnumerable<ExpectedTensor> tensors) =>
        tensors.Select(t => new StateDictEntry(t.Name, KindOf(t.Name), t.Shape)).ToList();

    public static List<StateDictEntry> Entries(string set) => Entries(Set(set));

    public static StateDictEntryKind KindOf(string name) => name switch
    {
        _ when name.EndsWith("num_batches_tracked", StringComparison.Ordinal) => StateDictEntryKind.BatchNormBatchesTracked,
        _ when name.EndsWith("running_mean", StringComparison.Ordinal) => StateDictEntryKind.BatchNormRunningMean,
        _ when name.EndsWith("running_var", StringComparison.Ordinal) => StateDictEntryKind.BatchNormRunningVar,
        _ when name.StartsWith("bn", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal) => StateDictEntryKind.BatchNormWeight,
        _ when name.StartsWith("bn", StringComparison.Ordinal) => StateDictEntryKind.BatchNormBias,
        "fc.weight" => StateDictEntryKind.LinearWeight,
        "fc.bias" => StateDictEntryKind.LinearBias,
        _ => StateDictEntryKind.ConvolutionWeight,
    };

    /// <summary>Asserts key order, shapes and every float32 bit pattern.</summary>
    public static void AssertExact(IReadOnlyList<ExpectedTensor> expected, StateDict actual)
    {
        Assert.Equal(expected.Select(t => t.Name), actual.Keys);
        foreach (ExpectedTensor tensor in expected)
        {
            Tensor loaded = actual.Get(tensor.Name);
            Assert.Equal(tensor.Shape, loaded.Shape);
            Assert.Equal(
                tensor.Values.Select(BitConverter.SingleToInt32Bits),
                loaded.Data.Select(BitConverter.SingleToInt32Bits));
        }
    }

    /// <summary>Copies a zip, letting <paramref name="transform"/> replace (return new bytes) or drop (return null) each record, then adds <paramref name="extra"/>.</summary>
    public static byte[] RewriteZip(byte[] zip, Func<string, byte[], byte[]?> transform, params (string Name, byte[] Data)[] extra)
    {
        var records = new List<(string, byte[])>();
        using (var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        {
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                using var s = entry.Open();
                using var copy = new MemoryStream();
                s.CopyTo(copy);
                byte[]? data = transform(entry.FullName, copy.ToArray());
                if (data is not null)
                {
                    records.Add((entry.FullName, data));
                }
            }
        }

        records.AddRange(extra);
        return Zip(records.ToArray());
    }

    /// <summary>A stored (uncompressed) zip of the given records, as torch.save lays them out.</summary>
    public static byte[] Zip(params (string Name, byte[] Data)[] records)
    {
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] data) in records)
            {
                using Stream s = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(data);
            }
        }

        return output.ToArray();
    }

    /// <summary>A torch-layout zip around a hand-made pickle and its storages (<c>archive/data/key</c>).</summary>
    public static byte[] TorchZip(byte[] pickle, params (string Key, byte[] Data)[] storages) =>
        Zip(new[] { ("archive/data.pkl", pickle), ("archive/version", Encoding.ASCII.GetBytes("3\n")) }
            .Concat(storages.Select(s => ("archive/data/" + s.Key, s.Data)))
            .ToArray());

    /// <summary>A .safetensors file from a header and a data section, exactly as given (no validation).</summary>
    public static byte[] Safetensors(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return BitConverter.GetBytes((ulong)json.Length).Concat(json).Concat(data).ToArray();
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static WeightLoadException LoadFails(byte[] file, IReadOnlyList<StateDictEntry> expected, string source = "damaged.pth") =>
        Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(new MemoryStream(file), expected, source));
}

/// <summary>Collects progress reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
public sealed class RecordingProgress : IProgress<LoadProgress>
{
    public List<LoadProgress> Reports { get; } = new();

    public void Report(LoadProgress value) => Reports.Add(value);
}

/// <summary>A read-only stream that cannot seek, like a network stream.</summary>
public sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7)); // short reads too
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
