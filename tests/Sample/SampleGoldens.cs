using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ResNetGen.Tests.Sample;

/// <summary>
/// The committed test images and torchvision's ImageNet eval tensor for each (tools/make_sample_goldens.py).
/// A tensor is stored as its 3x224x224 byte levels; <see cref="Tensor"/> rebuilds torchvision's float32 values
/// with its formula, which the script checked to be bit-exact, and the manifest keeps their SHA-256.
/// </summary>
internal static class SampleGoldens
{
    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Goldens", "sample");

    public static readonly string Images = Path.Combine(Directory, "images");

    public static IReadOnlyList<GoldenImage> All { get; } = Load();

    public static GoldenImage Get(string file) => All.Single(g => g.File == file);

    public static IEnumerable<object[]> Files => All.Select(g => new object[] { g.File });

    private static List<GoldenImage> Load()
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "manifest.json")));
        return manifest.RootElement.GetProperty("images").EnumerateArray().Select(e => new GoldenImage(
            e.GetProperty("file").GetString()!,
            e.GetProperty("width").GetInt32(),
            e.GetProperty("height").GetInt32(),
            e.GetProperty("resized_width").GetInt32(),
            e.GetProperty("resized_height").GetInt32(),
            e.GetProperty("crop_top").GetInt32(),
            e.GetProperty("crop_left").GetInt32(),
            e.GetProperty("tensor_sha256").GetString()!)).ToList();
    }
}

internal sealed record GoldenImage(
    string File, int Width, int Height, int ResizedWidth, int ResizedHeight, int CropTop, int CropLeft, string TensorSha256)
{
    public string Path => System.IO.Path.Combine(SampleGoldens.Images, File);

    /// <summary>torchvision's tensor, CHW float32: (level / 255 - mean[c]) / std[c], computed in float32 as torch does.</summary>
    public float[] Tensor()
    {
        byte[] levels = System.IO.File.ReadAllBytes(System.IO.Path.Combine(SampleGoldens.Directory, "expected", File + ".levels"));
        float[] mean = [0.485f, 0.456f, 0.406f];
        float[] std = [0.229f, 0.224f, 0.225f];
        const int Plane = 224 * 224;
        var tensor = new float[3 * Plane];
        for (int i = 0; i < tensor.Length; i++)
        {
            int c = i / Plane;
            tensor[i] = ((levels[i] / 255f) - mean[c]) / std[c];
        }

        return tensor;
    }
}
