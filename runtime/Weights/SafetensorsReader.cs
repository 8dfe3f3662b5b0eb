using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace ResNetGen.Weights;

/// <summary>
/// Reads a <c>.safetensors</c> file: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the data section that follows the
/// header), then the raw little-endian tensor data. The header length, every offset pair and every size are checked
/// against the file before anything is read or allocated.
/// </summary>
internal static class SafetensorsReader
{
    /// <summary>Largest header accepted, as in the reference implementation (100 MB).</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    private const string Supported = "F32, F16, BF16, F64, I64 and I32";

    private readonly record struct Entry(WeightDType DType, int[] Shape, long ElementCount, long Begin, long End);

    /// <summary>Reads and binds the file; <paramref name="stream"/> is seekable and at the file's start (the loader guarantees both).</summary>
    public static StateDict Read(Stream stream, string source, IReadOnlyList<StateDictEntry> expected, IProgress<LoadProgress>? progress)
    {
        long fileLength = stream.Length;
        byte[] header = ReadHeader(stream, fileLength, source, expected.Count);
        long dataStart = 8 + (long)header.Length;
        (List<FoundEntry> found, List<Entry> tensors) = ParseHeader(header, fileLength - dataStart, source);
        int[] match = StateDictBinder.Match(source, found, expected, location: "");
        return ReadTensors(stream, dataStart, source, expected, found, tensors, match, progress);
    }

    /// <summary>
    /// The JSON header's bytes, after the length field that precedes it is checked against the file, against the
    /// reference implementation's limit and against what <paramref name="expectedCount"/> tensors could need.
    /// </summary>
    private static byte[] ReadHeader(Stream stream, long fileLength, string source, int expectedCount)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        LoadIO.ReadExactly(stream, lengthBytes, tracker: null, source, "the safetensors header length");
        ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
        {
            throw new WeightLoadException(source,
                $"{source}: the safetensors header claims {headerLength} bytes, but only {fileLength - 8} follow the length field; " +
                "the file is truncated or damaged.");
        }

        if (headerLength > MaxHeaderBytes)
        {
            throw new WeightLoadException(source, $"{source}: the safetensors header of {headerLength} bytes is larger than the {MaxHeaderBytes} allowed.");
        }

        // A header is about 100 bytes per tensor, and parsing JSON costs up to 15 bytes of memory per byte: refuse a
        // header far larger than this network's tensors could need before reading it.
        long maxHeader = LoadLimits.MaxSafetensorsHeaderBytes(expectedCount);
        if (headerLength > (ulong)maxHeader)
        {
            throw new WeightLoadException(source,
                $"{source}: the safetensors header of {headerLength:N0} bytes is far larger than {expectedCount} tensors need " +
                $"(at most {maxHeader:N0} bytes are read); the file is damaged or built to exhaust memory.");
        }

        var header = new byte[headerLength];
        LoadIO.ReadExactly(stream, header, tracker: null, source, "the safetensors header");
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw Malformed(source, "the header is not valid UTF-8");
        }

        return header;
    }

    /// <summary>Every tensor the header describes, in the header's order, each name once; <c>__metadata__</c> is skipped.</summary>
    private static (List<FoundEntry> Found, List<Entry> Tensors) ParseHeader(byte[] header, long dataLength, string source)
    {
        var found = new List<FoundEntry>();
        var tensors = new List<Entry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(source, "the header is not a JSON object");
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Malformed(source, $"the header names '{property.Name}' twice");
                }

                if (property.Name == "__metadata__")
                {
                    continue;
                }

                Entry entry = ParseEntry(property, dataLength, source);
                tensors.Add(entry);
                found.Add(new FoundEntry(property.Name, entry.Shape, null));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new WeightLoadException(source, $"{source}: the safetensors header is not valid JSON ({e.Message}); the file is damaged.", e);
        }

        return (found, tensors);
    }

    /// <summary>The data of the matched tensors, converted to float32, in the network's order, with progress over their bytes.</summary>
    private static StateDict ReadTensors(
        Stream stream, long dataStart, string source, IReadOnlyList<StateDictEntry> expected,
        List<FoundEntry> found, List<Entry> tensors, int[] match, IProgress<LoadProgress>? progress)
    {
        long total = 0;
        foreach (int at in match)
        {
            total += tensors[at].End - tensors[at].Begin;
        }

        var tracker = new ProgressTracker(progress, total);
        var result = new StateDict(source);
        byte[]? scratch = null;
        for (int e = 0; e < expected.Count; e++)
        {
            Entry entry = tensors[match[e]];
            string name = found[match[e]].Name;
            float[] data = GC.AllocateUninitializedArray<float>(checked((int)entry.ElementCount));
            stream.Position = dataStart + entry.Begin;
            LoadIO.ReadConverted(stream, entry.DType, data, ref scratch, tracker, source, $"tensor '{name}'");
            result.Add(expected[e].Name, new Tensor(entry.Shape, data));
        }

        return result;
    }

    private static WeightLoadException Malformed(string source, string problem) =>
        new(source, $"{source}: the safetensors header is malformed: {problem}.");

    /// <summary>One tensor's header entry: dtype, shape and data offsets, each checked, and the offsets against the dtype and shape.</summary>
    private static Entry ParseEntry(JsonProperty property, long dataLength, string source)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(source, $"the entry for '{name}' is not an object");
        }

        (WeightDType dtype, string dtypeName) = ParseDType(value, name, source);
        (int[] shape, long count) = ParseShape(value, name, source);
        (ulong begin, ulong end) = ParseOffsets(value, name, dataLength, source);
        long expectedBytes = count * WeightDTypes.Size(dtype);
        if (end - begin != (ulong)expectedBytes)
        {
            throw new WeightLoadException(source,
                $"{source}: tensor '{name}' ({dtypeName}, shape {Tensor.FormatShape(shape)}) needs {expectedBytes} bytes, " +
                $"but its data_offsets [{begin}, {end}] span {end - begin}; the file is damaged.");
        }

        return new Entry(dtype, shape, count, (long)begin, (long)end);
    }

    /// <summary>The entry's <c>dtype</c>, which must be one of <see cref="Supported"/>, and its name as the file spells it.</summary>
    private static (WeightDType DType, string Name) ParseDType(JsonElement value, string name, string source)
    {
        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Malformed(source, $"tensor '{name}' has no dtype");
        }

        string dtypeName = dtypeElement.GetString()!;
        WeightDType dtype = dtypeName switch
        {
            "F32" => WeightDType.Float32,
            "F16" => WeightDType.Float16,
            "BF16" => WeightDType.BFloat16,
            "F64" => WeightDType.Float64,
            "I64" => WeightDType.Int64,
            "I32" => WeightDType.Int32,
            _ => throw new WeightLoadException(source,
                $"{source}: tensor '{name}' has dtype '{dtypeName}', which is not supported ({Supported} are)."),
        };
        return (dtype, dtypeName);
    }

    /// <summary>The entry's <c>shape</c>: at most <see cref="PickleReader.MaxTensorRank"/> dimensions, and at most an array's worth of elements.</summary>
    private static (int[] Shape, long Count) ParseShape(JsonElement value, string name, string source)
    {
        if (!value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Malformed(source, $"tensor '{name}' has no shape array");
        }

        int rank = shapeElement.GetArrayLength();
        if (rank > PickleReader.MaxTensorRank)
        {
            throw Malformed(source, $"tensor '{name}' has {rank} dimensions (at most {PickleReader.MaxTensorRank} are supported)");
        }

        var shape = new int[rank];
        long count = 1;
        int i = 0;
        foreach (JsonElement dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long size) || size < 0 || size > Array.MaxLength)
            {
                throw Malformed(source, $"tensor '{name}' has an invalid dimension {dim.GetRawText()}");
            }

            shape[i++] = (int)size;
            count = Math.Min(count * size, (long)Array.MaxLength + 1); // both factors ≤ 2^31: no overflow
        }

        if (count > Array.MaxLength)
        {
            throw Malformed(source, $"tensor '{name}' of shape {Tensor.FormatShape(shape)} has too many elements");
        }

        return (shape, count);
    }

    /// <summary>The entry's <c>data_offsets</c>: two non-negative integers, in order, inside the data section.</summary>
    private static (ulong Begin, ulong End) ParseOffsets(JsonElement value, string name, long dataLength, string source)
    {
        if (!value.TryGetProperty("data_offsets", out JsonElement offsets)
            || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetUInt64Safe(out ulong begin)
            || !offsets[1].TryGetUInt64Safe(out ulong end))
        {
            throw Malformed(source, $"tensor '{name}' needs data_offsets [begin, end] of two non-negative integers");
        }

        if (begin > end || end > (ulong)dataLength)
        {
            throw new WeightLoadException(source,
                $"{source}: tensor '{name}' has data_offsets [{begin}, {end}] outside the data section of {dataLength} bytes; " +
                "the file is truncated or damaged.");
        }

        return (begin, end);
    }

    private static bool TryGetUInt64Safe(this JsonElement element, out ulong value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out value);
    }
}
