using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ResNetGen.Tests.Parity;

/// <summary>One file of <c>tests/Goldens/parity/</c>: a config, torchvision's logits and the fingerprints of what it ran.</summary>
internal sealed class ParityGolden
{
    private ParityGolden(string config, string description, JsonElement root)
    {
        Config = config;
        Description = description;
        JsonElement spec = root.GetProperty("spec");
        Batch = spec.GetProperty("batch").GetInt32();
        Channels = spec.GetProperty("channels").GetInt32();
        Height = spec.GetProperty("height").GetInt32();
        Width = spec.GetProperty("width").GetInt32();
        NumClasses = spec.GetProperty("num_classes").GetInt32();
        FormulaVersion = root.GetProperty("formula").GetProperty("version").GetInt32();
        ResidualLastBatchNorm = root.GetProperty("residual_last_bn").GetString()!;
        Weights = ReadFingerprint(root.GetProperty("fingerprint"));
        Input = ReadFingerprint(root.GetProperty("input_fingerprint"));
        Logits = root.GetProperty("logits").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray())
            .ToArray();
        Top1 = root.GetProperty("top1").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Top1Margin = root.GetProperty("top1_margin").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Features = root.TryGetProperty("features", out JsonElement features)
            ? features.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray()
            : null;
    }

    public string Config { get; }

    public string Description { get; }

    public int Batch { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int NumClasses { get; }

    public int FormulaVersion { get; }

    public string ResidualLastBatchNorm { get; }

    public ParityFingerprint Weights { get; }

    public ParityFingerprint Input { get; }

    /// <summary>torchvision's float32 logits, one row per image.</summary>
    public float[][] Logits { get; }

    public int[] Top1 { get; }

    /// <summary>torchvision's gap between the largest and second-largest logit, per image.</summary>
    public double[] Top1Margin { get; }

    /// <summary>torchvision's float32 pooled features (<c>torch.flatten(model.avgpool(...), 1)</c>), one row per image, when the golden records them.</summary>
    public float[][]? Features { get; }

    /// <summary>The goldens, copied beside the test assembly from tests/Goldens/parity/.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Goldens", "parity");

    public static IEnumerable<string> AvailableConfigs() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);

    public static ParityGolden Read(string config) => Read(config, Directory);

    /// <summary>Reads <c>{config}.json</c> from <paramref name="directory"/> (another folder of goldens in the same format).</summary>
    public static ParityGolden Read(string config, string directory)
    {
        string path = Path.Combine(directory, config + ".json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        string recorded = root.GetProperty("config").GetString()!;
        if (recorded != config)
        {
            throw new InvalidDataException($"{path} describes the config '{recorded}', not '{config}'.");
        }

        return new ParityGolden(config, root.GetProperty("description").GetString()!, root);
    }

    private static ParityFingerprint ReadFingerprint(JsonElement element) =>
        new(
            element.GetProperty("entries").GetInt32(),
            element.GetProperty("elements").GetInt64(),
            element.GetProperty("checksum").GetString()!,
            element.GetProperty("sum").GetDouble(),
            element.GetProperty("abs_sum").GetDouble(),
            element.GetProperty("first_values_bits").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray(), StringComparer.Ordinal));
}
