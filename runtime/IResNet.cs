using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ResNetGen;

/// <summary>
/// A compiled ResNet, whatever its architecture: every <c>[ResNet]</c> class implements this (through
/// <see cref="IResNet{TSelf}"/>), so an application can hold a network chosen at run time.
/// </summary>
public interface IResNet
{
    /// <summary>The sizes of the network's input and outputs.</summary>
    ResNetDimensions Dimensions { get; }

    /// <summary>
    /// Threads one call of this network uses, the calling thread included. Setting 0 returns the network to the
    /// process-wide pool (every core, or <c>RESNETGEN_THREADS</c>); reading gives the count in effect.
    /// </summary>
    int ThreadCount { get; set; }

    /// <summary>Runs the network: 1 to BatchSize whole NCHW images in, NumClasses floats per image out.</summary>
    /// <param name="input">The images, NCHW float32.</param>
    /// <param name="output">Receives one row of NumClasses per image.</param>
    /// <exception cref="ArgumentException">A span does not hold whole images, or the output does not match them.</exception>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs the network up to <c>avgpool</c>: FeatureLength pooled features per image, the vector <c>fc</c> reads.</summary>
    /// <param name="input">The images, NCHW float32.</param>
    /// <param name="features">Receives one row of FeatureLength per image.</param>
    /// <exception cref="ArgumentException">A span does not hold whole images, or the features do not match them.</exception>
    void ForwardFeatures(ReadOnlySpan<float> input, Span<float> features);
}

/// <summary>
/// The static side of a <c>[ResNet]</c> class: its sizes and how to create it, for code generic over the network type,
/// e.g. <c>static IResNet Open&lt;TNet&gt;(string path) where TNet : class, IResNet&lt;TNet&gt; =&gt; TNet.Load(path);</c>.
/// </summary>
/// <typeparam name="TSelf">The <c>[ResNet]</c> class itself.</typeparam>
public interface IResNet<TSelf> : IResNet
    where TSelf : class, IResNet<TSelf>
{
    /// <summary>The most images one call runs.</summary>
    static abstract int BatchSize { get; }

    /// <summary>Channels of each input image.</summary>
    static abstract int InputChannels { get; }

    /// <summary>Height of each input image in pixels.</summary>
    static abstract int InputHeight { get; }

    /// <summary>Width of each input image in pixels.</summary>
    static abstract int InputWidth { get; }

    /// <summary>Floats per image in <see cref="IResNet.Forward"/>'s output (logits, or the features of a headless network).</summary>
    static abstract int NumClasses { get; }

    /// <summary>Floats per image in <see cref="IResNet.ForwardFeatures"/>' output.</summary>
    static abstract int FeatureLength { get; }

    /// <summary>Floats in a full batch's input: BatchSize x InputChannels x InputHeight x InputWidth.</summary>
    static abstract int InputLength { get; }

    /// <summary>Floats in a full batch's output: BatchSize x NumClasses.</summary>
    static abstract int OutputLength { get; }

    /// <summary>Learnable parameters, as torchvision's <c>sum(p.numel() for p in model.parameters())</c>.</summary>
    static abstract long ParameterCount { get; }

    /// <summary>Multiply-accumulates per image.</summary>
    static abstract long MultiplyAccumulates { get; }

    /// <summary>Every torchvision <c>state_dict</c> key with its shape, in torchvision's order.</summary>
    static abstract IReadOnlyList<StateDictEntry> Parameters { get; }

    /// <summary>
    /// The network as torchvision prints it: exactly the text of <c>print(model)</c> (Python's <c>repr</c>) for the same
    /// architecture in torchvision 0.14, lines ending in <c>\n</c>, no final newline.
    /// </summary>
    static abstract string TorchvisionRepr { get; }

    /// <summary>Creates the network with torchvision's initialisation; the same seed gives the same weights.</summary>
    /// <param name="seed">The seed.</param>
    static abstract TSelf CreateRandom(int seed);

    /// <summary>Builds the network from tensors in memory, keyed and shaped as <see cref="Parameters"/>.</summary>
    /// <param name="weights">A torchvision state_dict.</param>
    /// <exception cref="WeightLoadException">Keys are missing or unexpected, or shapes differ.</exception>
    static abstract TSelf FromStateDict(StateDict weights);

    /// <summary>Loads a <c>.pth</c> or <c>.safetensors</c> file strictly, like <c>load_state_dict(strict=True)</c>.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="WeightLoadException">The file is missing, damaged, unsupported or for another network.</exception>
    static abstract TSelf Load(string path);

    /// <summary>Loads a <c>.pth</c> or <c>.safetensors</c> file as <see cref="Load(string)"/> does, reporting the bytes read.</summary>
    /// <param name="path">The file.</param>
    /// <param name="progress">Receives the bytes of tensor data read so far; may be null.</param>
    /// <exception cref="WeightLoadException">The file is missing, damaged, unsupported or for another network.</exception>
    static abstract TSelf Load(string path, IProgress<LoadProgress>? progress);

    /// <summary>Loads the content of a <c>.pth</c> or <c>.safetensors</c> file strictly; the stream is left open.</summary>
    /// <param name="stream">The content.</param>
    /// <exception cref="WeightLoadException">The content is damaged, unsupported or for another network.</exception>
    static abstract TSelf Load(Stream stream);

    /// <summary>The architecture as far as weights are concerned: what <see cref="LoadPretrained"/> checks weights against.</summary>
    static abstract ResNetArchitecture Architecture { get; }

    /// <summary>
    /// Loads published weights (e.g. <see cref="TorchvisionWeights.ResNet50_ImageNet1kV2"/>): checked to fit this network,
    /// downloaded once into torch.hub's cache and verified (see <see cref="TorchHub"/>), then loaded strictly.
    /// </summary>
    /// <param name="weights">Weights whose architecture fits this network.</param>
    /// <param name="progress">Receives the download's progress; nothing is reported when the file is already cached.</param>
    /// <param name="cancellationToken">Stops the download; nothing is left in the cache.</param>
    /// <exception cref="WeightLoadException">The weights are for another architecture, the download failed (the message names
    /// the URL and where a copy fetched another way would be used), or the file does not load.</exception>
    static abstract TSelf LoadPretrained(PretrainedWeights weights, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>The asynchronous form of <see cref="LoadPretrained"/>; the file is read on the thread pool.</summary>
    /// <param name="weights">Weights whose architecture fits this network.</param>
    /// <param name="progress">Receives the download's progress; nothing is reported when the file is already cached.</param>
    /// <param name="cancellationToken">Stops the download; nothing is left in the cache.</param>
    /// <exception cref="WeightLoadException">The weights are for another architecture, the download failed, or the file does not load.</exception>
    static abstract Task<TSelf> LoadPretrainedAsync(PretrainedWeights weights, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>The sizes of a compiled network, as its generated constants give them.</summary>
/// <param name="BatchSize">The most images one call runs.</param>
/// <param name="InputChannels">Channels of each input image.</param>
/// <param name="InputHeight">Height of each input image in pixels.</param>
/// <param name="InputWidth">Width of each input image in pixels.</param>
/// <param name="NumClasses">Floats per image in <c>Forward</c>'s output.</param>
/// <param name="FeatureLength">Floats per image in <c>ForwardFeatures</c>' output.</param>
public readonly record struct ResNetDimensions(int BatchSize, int InputChannels, int InputHeight, int InputWidth, int NumClasses, int FeatureLength)
{
    /// <summary>Floats per input image: InputChannels x InputHeight x InputWidth.</summary>
    public int ImageLength => InputChannels * InputHeight * InputWidth;

    /// <summary>Floats in a full batch's input.</summary>
    public int InputLength => BatchSize * ImageLength;

    /// <summary>Floats in a full batch's output.</summary>
    public int OutputLength => BatchSize * NumClasses;
}
