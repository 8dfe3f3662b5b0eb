using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using ResNetGen.ML;

namespace ResNetGen.Tests.MLNet;

/// <summary>
/// scikit-learn's bundled handwritten digits (tools/make_digits_goldens.py): 1,797 real 8x8 scans, one folder per
/// label, committed as PNGs (222 KB). Chosen because the set ships inside a Debian package, so it needs no download,
/// yet it is real handwriting with a published benchmark (a linear model on the raw pixels scores about 95%).
/// </summary>
internal static class DigitsData
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Goldens", "digits");

    /// <summary>Every image with its label (the folder's name), in a fixed order.</summary>
    public static List<ImageRow> Rows() =>
        [.. Directory.GetDirectories(Folder).Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal)
                .Select(path => new ImageRow { ImagePath = path, Label = Path.GetFileName(folder) }))];
}

/// <summary>A row of a folder of labelled images.</summary>
public sealed class ImageRow
{
    public string ImagePath { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>A row's predicted label.</summary>
public sealed class LabelPrediction
{
    public string PredictedLabel { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>resnet18 compiled for 32x32 inputs, eight images a batch: the network the ML.NET tests featurise with.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2, InputHeight = 32, InputWidth = 32, BatchSize = 8)]
public partial class DigitsResNet18
{
}

/// <summary>A headless resnet50 body at 32x32, batch 4: 2048 features.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 32, InputWidth = 32, BatchSize = 4, Headless = true)]
public partial class SmallResNet50
{
}
