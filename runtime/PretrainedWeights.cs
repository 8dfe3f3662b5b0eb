using System;
using ResNetGen.Planning;

namespace ResNetGen;

/// <summary>
/// A published weight file: where it is, what it fits, and what torchvision documents about it. The entries of
/// <see cref="TorchvisionWeights"/> describe torchvision's own files; the constructor describes any other file (a
/// fine-tuned model on your own server), and <see cref="WithBaseUri"/> moves an entry to a mirror. A generated network
/// loads one with <c>X.LoadPretrained(weights)</c> or <c>X.LoadPretrainedAsync(weights)</c>.
/// </summary>
public sealed class PretrainedWeights
{
    /// <summary>Describes a weight file of your own.</summary>
    /// <param name="name">What the weights are called in messages, e.g. <c>"flowers-resnet50 v3"</c>.</param>
    /// <param name="url">Where the file is (http or https). Its file name names the file in torch.hub's cache; a
    /// <c>-&lt;hex digits&gt;.</c> group in it is the SHA-256 prefix the download must have (torch.hub's rule).</param>
    /// <param name="architecture">The architecture the file fits.</param>
    /// <exception cref="ArgumentException">The URL is not absolute http(s), or its path ends without a file name.</exception>
    public PretrainedWeights(string name, Uri url, ResNetArchitecture architecture)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(architecture);
        Name = name;
        Url = url;
        FileName = TorchHub.FileNameOf(url);
        Sha256Prefix = TorchHub.HashPrefix(FileName);
        Architecture = architecture;
        Transform = ImageNetTransform.Default;
    }

    private PretrainedWeights(PretrainedWeights original, Uri url)
    {
        Name = original.Name;
        Url = url;
        FileName = TorchHub.FileNameOf(url);
        Sha256Prefix = TorchHub.HashPrefix(FileName);
        Architecture = original.Architecture;
        TorchvisionModel = original.TorchvisionModel;
        CatalogueName = original.CatalogueName;
        Top1Accuracy = original.Top1Accuracy;
        Top5Accuracy = original.Top5Accuracy;
        ParameterCount = original.ParameterCount;
        Transform = original.Transform;
        Description = original.Description;
    }

    internal PretrainedWeights(CatalogueEntry entry)
        : this(entry.Weights, new Uri(PretrainedCatalogue.BaseUrl + entry.FileName), new ResNetArchitecture(
            (Block)entry.Block, entry.Layers, entry.Groups, entry.WidthPerGroup, entry.NumClasses, entry.InputChannels))
    {
        TorchvisionModel = entry.Model;
        CatalogueName = "TorchvisionWeights." + entry.Member;
        Top1Accuracy = entry.Top1;
        Top5Accuracy = entry.Top5;
        ParameterCount = entry.ParameterCount;
        Transform = entry.ResizeSize == ImageNetTransform.DefaultResizeSize ? ImageNetTransform.Default : new ImageNetTransform(entry.ResizeSize, ImageNetTransform.DefaultCropSize);
        Description = entry.Description;
    }

    /// <summary>The weights' name: torchvision's (e.g. <c>ResNet50_Weights.IMAGENET1K_V2</c>), or the one given to the constructor.</summary>
    public string Name { get; }

    /// <summary>Where the file is downloaded from.</summary>
    public Uri Url { get; }

    /// <summary>The file's name, the last segment of <see cref="Url"/>'s path: its name in torch.hub's cache.</summary>
    public string FileName { get; }

    /// <summary>
    /// The SHA-256 prefix the file's name carries (<c>resnet50-11ad3fa6.pth</c>: <c>11ad3fa6</c>), which a download must
    /// match, as torch.hub checks it; null when the name carries none.
    /// </summary>
    public string? Sha256Prefix { get; }

    /// <summary>The architecture the file fits.</summary>
    public ResNetArchitecture Architecture { get; }

    /// <summary>The torchvision constructor these weights are for (e.g. <c>resnet50</c>); null for weights of your own.</summary>
    public string? TorchvisionModel { get; }

    /// <summary>The catalogue property that holds these weights (e.g. <c>TorchvisionWeights.ResNet50_ImageNet1kV2</c>); null for weights of your own.</summary>
    public string? CatalogueName { get; }

    /// <summary>ImageNet-1k top-1 accuracy in percent, as torchvision documents it (e.g. 80.858); null where it documents none.</summary>
    public double? Top1Accuracy { get; }

    /// <summary>ImageNet-1k top-5 accuracy in percent, as torchvision documents it; null where it documents none.</summary>
    public double? Top5Accuracy { get; }

    /// <summary>Learnable parameters, as torchvision documents them (its <c>num_params</c>); null for weights of your own.</summary>
    public long? ParameterCount { get; }

    /// <summary>
    /// The eval transform the accuracy was measured with: torchvision's resize 256 and crop 224 for the original
    /// recipe, resize 232 and crop 224 for its new one (the <c>IMAGENET1K_V2</c> weights and resnext101_64x4d).
    /// </summary>
    public ImageNetTransform Transform { get; }

    /// <summary>What torchvision says about the weights; empty for weights of your own.</summary>
    public string Description { get; } = string.Empty;

    /// <summary>Where the file is (or will be) in torch.hub's cache, from the environment as it is now (see <see cref="TorchHub"/>).</summary>
    public string CachePath => TorchHub.CachedPath(Url);

    /// <summary>
    /// The same weights served from another address, e.g. a mirror inside a network without access to
    /// download.pytorch.org: the URL becomes <paramref name="baseUri"/> + <see cref="FileName"/>, so the file keeps its
    /// name, its SHA-256 check and its place in the cache.
    /// </summary>
    /// <param name="baseUri">An absolute http(s) address; a missing final '/' is added.</param>
    public PretrainedWeights WithBaseUri(Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        string text = baseUri.AbsoluteUri;
        var folder = new Uri(text.EndsWith('/') ? text : text + "/");
        return new PretrainedWeights(this, new Uri(folder, Uri.EscapeDataString(FileName)));
    }

    /// <summary>The catalogue name, or <see cref="Name"/>.</summary>
    public override string ToString() => CatalogueName ?? Name;
}
