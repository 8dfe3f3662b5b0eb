using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Planning;

namespace ResNetGen;

/// <summary>
/// torchvision's published ResNet weights, as its <c>models/resnet.py</c> (torchvision 0.14) lists them: every
/// <c>IMAGENET1K_V1</c> and <c>IMAGENET1K_V2</c> file of resnet18 to resnet152, resnext50_32x4d, resnext101_32x8d,
/// resnext101_64x4d, wide_resnet50_2 and wide_resnet101_2, and the files the original <c>model_urls</c> named (in
/// PyTorch's legacy serialization format). Load one into a network whose declaration fits it:
/// <c>ResNet50.LoadPretrained(TorchvisionWeights.ResNet50_ImageNet1kV2)</c>.
/// </summary>
/// <remarks>
/// A file is downloaded once into torch.hub's cache and checked against the SHA-256 prefix in its name, so a machine that
/// has PyTorch's copy uses it, and PyTorch uses ours; see <see cref="TorchHub"/>. <see cref="PretrainedWeights.WithBaseUri"/>
/// fetches the same files from a mirror.
/// </remarks>
public static class TorchvisionWeights
{
    /// <summary>resnet18, <c>ResNet18_Weights.IMAGENET1K_V1</c>: <c>resnet18-f37072fd.pth</c>; top-1 69.758%, top-5 89.078% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights ResNet18_ImageNet1kV1 { get; } = From(nameof(ResNet18_ImageNet1kV1));

    /// <summary>resnet34, <c>ResNet34_Weights.IMAGENET1K_V1</c>: <c>resnet34-b627a593.pth</c>; top-1 73.314%, top-5 91.420% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights ResNet34_ImageNet1kV1 { get; } = From(nameof(ResNet34_ImageNet1kV1));

    /// <summary>resnet50, <c>ResNet50_Weights.IMAGENET1K_V1</c>: <c>resnet50-0676ba61.pth</c>; top-1 76.130%, top-5 92.862% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights ResNet50_ImageNet1kV1 { get; } = From(nameof(ResNet50_ImageNet1kV1));

    /// <summary>resnet50, <c>ResNet50_Weights.IMAGENET1K_V2</c>: <c>resnet50-11ad3fa6.pth</c>; top-1 80.858%, top-5 95.434% on ImageNet-1k (torchvision's figures, eval transform resize 232, crop 224).</summary>
    public static PretrainedWeights ResNet50_ImageNet1kV2 { get; } = From(nameof(ResNet50_ImageNet1kV2));

    /// <summary>resnet101, <c>ResNet101_Weights.IMAGENET1K_V1</c>: <c>resnet101-63fe2227.pth</c>; top-1 77.374%, top-5 93.546% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights ResNet101_ImageNet1kV1 { get; } = From(nameof(ResNet101_ImageNet1kV1));

    /// <summary>resnet101, <c>ResNet101_Weights.IMAGENET1K_V2</c>: <c>resnet101-cd907fc2.pth</c>; top-1 81.886%, top-5 95.780% on ImageNet-1k (torchvision's figures, eval transform resize 232, crop 224).</summary>
    public static PretrainedWeights ResNet101_ImageNet1kV2 { get; } = From(nameof(ResNet101_ImageNet1kV2));

    /// <summary>resnet152, <c>ResNet152_Weights.IMAGENET1K_V1</c>: <c>resnet152-394f9c45.pth</c>; top-1 78.312%, top-5 94.046% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights ResNet152_ImageNet1kV1 { get; } = From(nameof(ResNet152_ImageNet1kV1));

    /// <summary>resnet152, <c>ResNet152_Weights.IMAGENET1K_V2</c>: <c>resnet152-f82ba261.pth</c>; top-1 82.284%, top-5 96.002% on ImageNet-1k (torchvision's figures, eval transform resize 232, crop 224).</summary>
    public static PretrainedWeights ResNet152_ImageNet1kV2 { get; } = From(nameof(ResNet152_ImageNet1kV2));

    /// <summary>resnext50_32x4d, <c>ResNeXt50_32X4D_Weights.IMAGENET1K_V1</c>: <c>resnext50_32x4d-7cdf4587.pth</c>; top-1 77.618%, top-5 93.698% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights ResNeXt50_32x4d_ImageNet1kV1 { get; } = From(nameof(ResNeXt50_32x4d_ImageNet1kV1));

    /// <summary>resnext50_32x4d, <c>ResNeXt50_32X4D_Weights.IMAGENET1K_V2</c>: <c>resnext50_32x4d-1a0047aa.pth</c>; top-1 81.198%, top-5 95.340% on ImageNet-1k (torchvision's figures, eval transform resize 232, crop 224).</summary>
    public static PretrainedWeights ResNeXt50_32x4d_ImageNet1kV2 { get; } = From(nameof(ResNeXt50_32x4d_ImageNet1kV2));

    /// <summary>resnext101_32x8d, <c>ResNeXt101_32X8D_Weights.IMAGENET1K_V1</c>: <c>resnext101_32x8d-8ba56ff5.pth</c>; top-1 79.312%, top-5 94.526% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights ResNeXt101_32x8d_ImageNet1kV1 { get; } = From(nameof(ResNeXt101_32x8d_ImageNet1kV1));

    /// <summary>resnext101_32x8d, <c>ResNeXt101_32X8D_Weights.IMAGENET1K_V2</c>: <c>resnext101_32x8d-110c445d.pth</c>; top-1 82.834%, top-5 96.228% on ImageNet-1k (torchvision's figures, eval transform resize 232, crop 224).</summary>
    public static PretrainedWeights ResNeXt101_32x8d_ImageNet1kV2 { get; } = From(nameof(ResNeXt101_32x8d_ImageNet1kV2));

    /// <summary>resnext101_64x4d, <c>ResNeXt101_64X4D_Weights.IMAGENET1K_V1</c>: <c>resnext101_64x4d-173b62eb.pth</c>; top-1 83.246%, top-5 96.454% on ImageNet-1k (torchvision's figures, eval transform resize 232, crop 224).</summary>
    public static PretrainedWeights ResNeXt101_64x4d_ImageNet1kV1 { get; } = From(nameof(ResNeXt101_64x4d_ImageNet1kV1));

    /// <summary>wide_resnet50_2, <c>Wide_ResNet50_2_Weights.IMAGENET1K_V1</c>: <c>wide_resnet50_2-95faca4d.pth</c>; top-1 78.468%, top-5 94.086% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights WideResNet50_2_ImageNet1kV1 { get; } = From(nameof(WideResNet50_2_ImageNet1kV1));

    /// <summary>wide_resnet50_2, <c>Wide_ResNet50_2_Weights.IMAGENET1K_V2</c>: <c>wide_resnet50_2-9ba9bcbe.pth</c>; top-1 81.602%, top-5 95.758% on ImageNet-1k (torchvision's figures, eval transform resize 232, crop 224).</summary>
    public static PretrainedWeights WideResNet50_2_ImageNet1kV2 { get; } = From(nameof(WideResNet50_2_ImageNet1kV2));

    /// <summary>wide_resnet101_2, <c>Wide_ResNet101_2_Weights.IMAGENET1K_V1</c>: <c>wide_resnet101_2-32ee1156.pth</c>; top-1 78.848%, top-5 94.284% on ImageNet-1k (torchvision's figures, eval transform resize 256, crop 224).</summary>
    public static PretrainedWeights WideResNet101_2_ImageNet1kV1 { get; } = From(nameof(WideResNet101_2_ImageNet1kV1));

    /// <summary>wide_resnet101_2, <c>Wide_ResNet101_2_Weights.IMAGENET1K_V2</c>: <c>wide_resnet101_2-d733dc28.pth</c>; top-1 82.510%, top-5 96.020% on ImageNet-1k (torchvision's figures, eval transform resize 232, crop 224).</summary>
    public static PretrainedWeights WideResNet101_2_ImageNet1kV2 { get; } = From(nameof(WideResNet101_2_ImageNet1kV2));

    /// <summary>resnet18, <c>model_urls['resnet18']</c>: <c>resnet18-5c106cde.pth</c>; the original <c>model_urls['resnet18']</c> file, in PyTorch's legacy serialization format; torchvision no longer documents its accuracy.</summary>
    public static PretrainedWeights ResNet18_ModelZoo { get; } = From(nameof(ResNet18_ModelZoo));

    /// <summary>resnet34, <c>model_urls['resnet34']</c>: <c>resnet34-333f7ec4.pth</c>; the original <c>model_urls['resnet34']</c> file, in PyTorch's legacy serialization format; torchvision no longer documents its accuracy.</summary>
    public static PretrainedWeights ResNet34_ModelZoo { get; } = From(nameof(ResNet34_ModelZoo));

    /// <summary>resnet50, <c>model_urls['resnet50']</c>: <c>resnet50-19c8e357.pth</c>; the original <c>model_urls['resnet50']</c> file, in PyTorch's legacy serialization format; torchvision no longer documents its accuracy.</summary>
    public static PretrainedWeights ResNet50_ModelZoo { get; } = From(nameof(ResNet50_ModelZoo));

    /// <summary>resnet101, <c>model_urls['resnet101']</c>: <c>resnet101-5d3b4d8f.pth</c>; the original <c>model_urls['resnet101']</c> file, in PyTorch's legacy serialization format; torchvision no longer documents its accuracy.</summary>
    public static PretrainedWeights ResNet101_ModelZoo { get; } = From(nameof(ResNet101_ModelZoo));

    /// <summary>resnet152, <c>model_urls['resnet152']</c>: <c>resnet152-b121ed2d.pth</c>; the original <c>model_urls['resnet152']</c> file, in PyTorch's legacy serialization format; torchvision no longer documents its accuracy.</summary>
    public static PretrainedWeights ResNet152_ModelZoo { get; } = From(nameof(ResNet152_ModelZoo));

    /// <summary>Every entry, in the order above.</summary>
    public static IReadOnlyList<PretrainedWeights> All { get; } =
    [
        ResNet18_ImageNet1kV1,
        ResNet34_ImageNet1kV1,
        ResNet50_ImageNet1kV1,
        ResNet50_ImageNet1kV2,
        ResNet101_ImageNet1kV1,
        ResNet101_ImageNet1kV2,
        ResNet152_ImageNet1kV1,
        ResNet152_ImageNet1kV2,
        ResNeXt50_32x4d_ImageNet1kV1,
        ResNeXt50_32x4d_ImageNet1kV2,
        ResNeXt101_32x8d_ImageNet1kV1,
        ResNeXt101_32x8d_ImageNet1kV2,
        ResNeXt101_64x4d_ImageNet1kV1,
        WideResNet50_2_ImageNet1kV1,
        WideResNet50_2_ImageNet1kV2,
        WideResNet101_2_ImageNet1kV1,
        WideResNet101_2_ImageNet1kV2,
        ResNet18_ModelZoo,
        ResNet34_ModelZoo,
        ResNet50_ModelZoo,
        ResNet101_ModelZoo,
        ResNet152_ModelZoo,
    ];

    /// <summary>
    /// The entry with this name (case-insensitive): its property name (<c>ResNet50_ImageNet1kV2</c>), torchvision's name
    /// (<c>ResNet50_Weights.IMAGENET1K_V2</c>) or its file name (<c>resnet50-11ad3fa6.pth</c>); null when none has it.
    /// </summary>
    /// <param name="name">The name to look for.</param>
    public static PretrainedWeights? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(w =>
            string.Equals(w.CatalogueName, "TorchvisionWeights." + name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(w.FileName, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>torchvision's recommended weights for a model (its <c>DEFAULT</c>: V2 where there is one), e.g. <c>resnet50</c>; null for another name.</summary>
    /// <param name="torchvisionModel">A torchvision constructor name, e.g. <c>resnet50</c> or <c>wide_resnet50_2</c>.</param>
    public static PretrainedWeights? Default(string torchvisionModel)
    {
        ArgumentNullException.ThrowIfNull(torchvisionModel);
        return All.Where(w => w.Name.Contains("IMAGENET1K", StringComparison.Ordinal) && string.Equals(w.TorchvisionModel, torchvisionModel, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(w => w.Name, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static PretrainedWeights From(string member) =>
        new(PretrainedCatalogue.Find(member) ?? throw new InvalidOperationException($"The catalogue has no entry {member}."));
}
