using System;
using System.Collections.Generic;
using System.IO;

namespace ResNetGen;

/// <summary>
/// The names of the 1000 ImageNet-1k classes in class-index order, as torchvision labels the outputs of its pretrained
/// ResNets (<c>torchvision.models._meta._IMAGENET_CATEGORIES</c>): class 0 is "tench", class 281 "tabby".
/// </summary>
public static class ImageNetClasses
{
    /// <summary>How many classes ImageNet-1k has: the <c>NumClasses</c> of torchvision's pretrained networks.</summary>
    public const int Count = 1000;

    private const string ResourceName = "ResNetGen.imagenet_classes.txt";

    private static readonly Lazy<string[]> LazyNames = new(Read);

    /// <summary>All 1000 names; index i is class i.</summary>
    public static IReadOnlyList<string> Names => LazyNames.Value;

    /// <summary>The name of class <paramref name="classIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classIndex"/> is not in 0..999.</exception>
    public static string Name(int classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, Count);
        return LazyNames.Value[classIndex];
    }

    private static string[] Read()
    {
        using Stream stream = typeof(ImageNetClasses).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from ResNetGen.Runtime.");
        using var reader = new StreamReader(stream);
        string[] names = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (names.Length != Count)
        {
            throw new InvalidOperationException($"{ResourceName} holds {names.Length} names, not {Count}.");
        }

        return names;
    }
}
