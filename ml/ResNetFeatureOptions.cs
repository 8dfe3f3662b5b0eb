namespace ResNetGen.ML;

/// <summary>Settings of <see cref="ResNetFeaturesCatalog.ExtractResNetFeatures{TNet}(Microsoft.ML.TransformsCatalog, WeightsSource, string, string?, ResNetFeatureOptions?)"/>.</summary>
public sealed class ResNetFeatureOptions
{
    /// <summary>
    /// How an image column becomes the network's input. Null (the default) is torchvision's ImageNet transform scaled to the
    /// network: a crop of the network's input side, from a resize of <c>round(side * 256 / 224)</c> (256 and 224 for a
    /// 224x224 network), normalised with the ImageNet mean and standard deviation. Not used for a column of floats, which
    /// must already be the network's input.
    /// </summary>
    public ImageNetTransform? Preprocessing { get; init; }

    /// <summary>
    /// Threads one batch of the network uses (<see cref="IResNet.ThreadCount"/>); null keeps the network's own setting
    /// (the process-wide pool: every core, or <c>RESNETGEN_THREADS</c>).
    /// </summary>
    public int? ThreadCount { get; init; }
}
