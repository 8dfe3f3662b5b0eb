using System;
using System.IO;

namespace ResNetGen.Sample;

/// <summary>
/// The 1000 ImageNet class names in class-index order, as torchvision labels its pretrained ResNets
/// (<c>torchvision.models._meta._IMAGENET_CATEGORIES</c>, written to imagenet_classes.txt by tools/make_sample_goldens.py
/// and embedded in the executable).
/// </summary>
internal static class ImageNetLabels
{
    private static readonly Lazy<string[]> s_labels = new(Read);

    /// <summary>All 1000 names; index i is class i.</summary>
    public static string[] All => s_labels.Value;

    /// <summary>The name of class <paramref name="index"/>, or "class N" outside 0..999.</summary>
    public static string Get(int index) => index >= 0 && index < All.Length ? All[index] : $"class {index}";

    private static string[] Read()
    {
        using Stream stream = typeof(ImageNetLabels).Assembly.GetManifestResourceStream("imagenet_classes.txt")
            ?? throw new InvalidOperationException("The embedded resource imagenet_classes.txt is missing from the sample.");
        using var reader = new StreamReader(stream);
        string[] labels = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (labels.Length != 1000)
        {
            throw new InvalidOperationException($"imagenet_classes.txt has {labels.Length} labels, not 1000.");
        }

        return labels;
    }
}
