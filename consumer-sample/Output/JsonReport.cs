using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ResNetGen.Sample.Output;

/// <summary>The document <c>--json</c> prints: one object for the whole run.</summary>
internal sealed class JsonReport
{
    /// <summary>The --model name.</summary>
    public required string Model { get; init; }

    /// <summary>The weights file, or null for random weights.</summary>
    public string? Weights { get; init; }

    /// <summary>True when the network has seeded random weights (its classes mean nothing).</summary>
    public bool RandomWeights { get; init; }

    /// <summary>Kernel threads per Forward call.</summary>
    public int Threads { get; init; }

    /// <summary>Images in flight at once.</summary>
    public int Batch { get; init; }

    /// <summary>Every image, in order, classified or not.</summary>
    public List<JsonImage> Images { get; } = [];

    /// <summary>Totals, when images were classified.</summary>
    public JsonSummary? Summary { get; set; }

    /// <summary>A fatal error (weights that cannot be loaded, no images), or null.</summary>
    public JsonError? Error { get; set; }

    /// <summary>Writes the document, indented, followed by a newline.</summary>
    public void WriteTo(TextWriter writer)
    {
        writer.WriteLine(JsonSerializer.Serialize(this, SampleJsonContext.Default.JsonReport));
        writer.Flush();
    }

    /// <summary>Adds one image's result.</summary>
    public void Add(ImageResult result) => Images.Add(new JsonImage
    {
        File = result.Name,
        Format = result.Format,
        Width = result.Succeeded ? result.Width : null,
        Height = result.Succeeded ? result.Height : null,
        PreprocessMs = result.Succeeded ? result.PreprocessMilliseconds : null,
        ForwardMs = result.Succeeded ? result.ForwardMilliseconds : null,
        Top = result.Succeeded
            ? [.. result.Top.Select(p => new JsonPrediction { Rank = p.Rank, ClassIndex = p.ClassIndex, Label = p.Label, Probability = p.Probability, Logit = p.Logit })]
            : null,
        Error = result.Error,
    });
}

/// <summary>One image in <see cref="JsonReport"/>.</summary>
internal sealed class JsonImage
{
    /// <summary>The path as given or found.</summary>
    public required string File { get; init; }

    /// <summary>The decoded format, e.g. "JPEG 4:2:0".</summary>
    public string? Format { get; init; }

    /// <summary>Width before preprocessing.</summary>
    public int? Width { get; init; }

    /// <summary>Height before preprocessing.</summary>
    public int? Height { get; init; }

    /// <summary>Milliseconds to read, decode and preprocess.</summary>
    public double? PreprocessMs { get; init; }

    /// <summary>Milliseconds in Forward.</summary>
    public double? ForwardMs { get; init; }

    /// <summary>The top-K classes, most likely first.</summary>
    public List<JsonPrediction>? Top { get; init; }

    /// <summary>Why the image was not classified, or null.</summary>
    public string? Error { get; init; }
}

/// <summary>One class in <see cref="JsonImage.Top"/>.</summary>
internal sealed class JsonPrediction
{
    /// <summary>1 for the most likely class.</summary>
    public int Rank { get; init; }

    /// <summary>ImageNet class index.</summary>
    public int ClassIndex { get; init; }

    /// <summary>torchvision's class name.</summary>
    public required string Label { get; init; }

    /// <summary>Softmax probability.</summary>
    public double Probability { get; init; }

    /// <summary>The logit.</summary>
    public float Logit { get; init; }
}

/// <summary>Totals of a run.</summary>
internal sealed class JsonSummary
{
    /// <summary>Images classified.</summary>
    public int Classified { get; init; }

    /// <summary>Images that could not be read or decoded.</summary>
    public int Failed { get; init; }

    /// <summary>Wall-clock seconds for all images, decoding included.</summary>
    public double Seconds { get; init; }

    /// <summary>Classified images per second of wall-clock time.</summary>
    public double ImagesPerSecond { get; init; }
}

/// <summary>A fatal error.</summary>
internal sealed class JsonError
{
    /// <summary>The one-line message.</summary>
    public required string Message { get; init; }

    /// <summary>The library's full message, when it has more lines (e.g. every key that disagrees).</summary>
    public string? Details { get; init; }

    /// <summary>Keys the network needs that the weights file lacks.</summary>
    public IReadOnlyList<string>? MissingKeys { get; init; }

    /// <summary>Keys in the weights file that the network does not have.</summary>
    public IReadOnlyList<string>? UnexpectedKeys { get; init; }

    /// <summary>Keys whose shapes differ, as "name: expected [..], found [..]".</summary>
    public IReadOnlyList<string>? ShapeMismatches { get; init; }

    /// <summary>Another --model whose keys and shapes the weights file matches, if one does.</summary>
    public string? FitsModel { get; init; }
}

/// <summary>Source-generated serialisation (no reflection, so it works trimmed and NativeAOT-compiled).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonReport))]
internal sealed partial class SampleJsonContext : JsonSerializerContext
{
}
