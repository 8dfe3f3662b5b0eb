using System;
using System.IO;
using Microsoft.ML;

namespace ResNetGen.ML;

/// <summary>ResNetGen's transform on ML.NET's <see cref="TransformsCatalog"/> (<c>mlContext.Transforms</c>).</summary>
public static class ResNetFeaturesCatalog
{
    /// <summary>
    /// Adds a column of <typeparamref name="TNet"/>'s pooled features, <c>FeatureLength</c> floats per row (512 for basic
    /// blocks, 2048 for bottlenecks): torchvision's <c>torch.flatten(model.avgpool(...), 1)</c>, the input of <c>fc</c>.
    /// The input column is an image (<c>mlContext.Transforms.LoadImages</c>), preprocessed as torchvision's ImageNet eval
    /// transform does (<see cref="ImageNetTransform"/>, bit for bit), or a vector of floats that is already the network's
    /// NCHW input for one image.
    /// </summary>
    /// <typeparam name="TNet">A <c>[ResNet]</c> class.</typeparam>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="weights">Where the weights come from: <see cref="WeightsSource.File"/> or <see cref="WeightsSource.Random"/>.
    /// The network is created when the column is first read, and a saved model records this reference, not the weights.</param>
    /// <param name="outputColumnName">The column of features to add.</param>
    /// <param name="inputColumnName">The image or float-vector column; null for <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Preprocessing and threads; null for the defaults.</param>
    /// <exception cref="WeightLoadException">The weight file does not exist (it is read later, when the column is first read).</exception>
    /// <exception cref="ArgumentException">A column name is empty, or the options do not fit the network.</exception>
    public static ResNetFeaturesEstimator ExtractResNetFeatures<TNet>(
        this TransformsCatalog catalog, WeightsSource weights, string outputColumnName, string? inputColumnName = null, ResNetFeatureOptions? options = null)
        where TNet : class, IResNet<TNet>
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Scheme == WeightsSource.FileScheme && !File.Exists(weights.Value))
        {
            throw new WeightLoadException(weights.Value, $"The weight file '{weights.Value}' does not exist.");
        }

        return Create<TNet>(() => weights.Open<TNet>(), weights, outputColumnName, inputColumnName, options);
    }

    /// <summary>
    /// Adds a column of <paramref name="network"/>'s pooled features, as
    /// <see cref="ExtractResNetFeatures{TNet}(TransformsCatalog, WeightsSource, string, string?, ResNetFeatureOptions?)"/> does,
    /// with a network already created. A model with this transform can be used but not saved (it cannot say where the
    /// weights came from); pass a <see cref="WeightsSource"/> to save it.
    /// </summary>
    /// <typeparam name="TNet">A <c>[ResNet]</c> class.</typeparam>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="network">The network; its <see cref="IResNet.ThreadCount"/> is used unless the options set one.</param>
    /// <param name="outputColumnName">The column of features to add.</param>
    /// <param name="inputColumnName">The image or float-vector column; null for <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Preprocessing and threads; null for the defaults.</param>
    /// <exception cref="ArgumentException">A column name is empty, or the options do not fit the network.</exception>
    public static ResNetFeaturesEstimator ExtractResNetFeatures<TNet>(
        this TransformsCatalog catalog, TNet network, string outputColumnName, string? inputColumnName = null, ResNetFeatureOptions? options = null)
        where TNet : class, IResNet<TNet>
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(network);
        return Create<TNet>(() => network, null, outputColumnName, inputColumnName, options);
    }

    private static ResNetFeaturesEstimator Create<TNet>(
        Func<IResNet> open, WeightsSource? weights, string outputColumnName, string? inputColumnName, ResNetFeatureOptions? options)
        where TNet : class, IResNet<TNet>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        inputColumnName ??= outputColumnName;
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        var dimensions = new ResNetDimensions(TNet.BatchSize, TNet.InputChannels, TNet.InputHeight, TNet.InputWidth, TNet.NumClasses, TNet.FeatureLength);
        ImageNetTransform? preprocessing = Preprocessing(dimensions, options?.Preprocessing);
        if (options?.ThreadCount is int threads)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(options));
        }

        var extractor = new FeatureExtractor(open, dimensions, preprocessing, options?.ThreadCount);
        return new ResNetFeaturesEstimator(new ResNetFeaturesTransformer(typeof(TNet), weights, extractor, outputColumnName, inputColumnName));
    }

    /// <summary>The transform for image columns: the one given, checked against the network, or the default for a square RGB input.</summary>
    internal static ImageNetTransform? Preprocessing(ResNetDimensions network, ImageNetTransform? given)
    {
        bool squareRgb = network.InputChannels == ImageNetTransform.Channels && network.InputHeight == network.InputWidth;
        if (given is null)
        {
            return squareRgb ? FeatureExtractor.DefaultPreprocessing(network.InputHeight) : null;
        }

        if (!squareRgb || given.CropSize != network.InputHeight)
        {
            throw new ArgumentException(
                $"The preprocessing writes 3x{given.CropSize}x{given.CropSize} images; the network takes {network.InputChannels}x{network.InputHeight}x{network.InputWidth}.",
                "options");
        }

        return given;
    }
}
