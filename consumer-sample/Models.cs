using System;
using System.Collections.Generic;
using ResNetGen;

namespace ResNetGen.Sample;

// The networks the sample can run, declared as a user of ResNetGen writes them: one attribute each, mirroring the
// torchvision.models constructor. The generator adds the constants, Parameters, Load, CreateRandom and Forward; the
// interface below only lets the command line pick one by name (the generated members satisfy it as they are).

/// <summary>torchvision.models.resnet18: 11.7 M parameters, 1.8 G multiply-accumulates per 224x224 image.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
public partial class ResNet18 : IImageNetClassifier<ResNet18>
{
}

/// <summary>torchvision.models.resnet34.</summary>
[ResNet(Block.Basic, 3, 4, 6, 3)]
public partial class ResNet34 : IImageNetClassifier<ResNet34>
{
}

/// <summary>torchvision.models.resnet50.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3)]
public partial class ResNet50 : IImageNetClassifier<ResNet50>
{
}

/// <summary>torchvision.models.resnet101.</summary>
[ResNet(Block.Bottleneck, 3, 4, 23, 3)]
public partial class ResNet101 : IImageNetClassifier<ResNet101>
{
}

/// <summary>torchvision.models.resnet152.</summary>
[ResNet(Block.Bottleneck, 3, 8, 36, 3)]
public partial class ResNet152 : IImageNetClassifier<ResNet152>
{
}

/// <summary>torchvision.models.resnext50_32x4d: bottlenecks with 32 groups of width 4.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]
public partial class ResNeXt50_32x4d : IImageNetClassifier<ResNeXt50_32x4d>
{
}

/// <summary>torchvision.models.wide_resnet50_2: bottlenecks twice as wide.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, WidthPerGroup = 128)]
public partial class WideResNet50_2 : IImageNetClassifier<WideResNet50_2>
{
}

/// <summary>What the sample needs of a generated network: its constructors and <c>Forward</c>.</summary>
public interface IImageNetClassifier
{
    /// <summary>Runs one normalised 3x224x224 image (CHW) and writes 1000 logits; safe to call from several threads.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);
}

/// <summary>The generated static factories, so a network can be chosen by a type argument.</summary>
/// <typeparam name="TSelf">The generated class.</typeparam>
public interface IImageNetClassifier<TSelf> : IImageNetClassifier
    where TSelf : IImageNetClassifier<TSelf>
{
    /// <summary>Loads torchvision weights (.pth or .safetensors), strictly.</summary>
    static abstract TSelf Load(string path, IProgress<LoadProgress>? progress);

    /// <summary>torchvision's initialisation with a fixed seed.</summary>
    static abstract TSelf CreateRandom(int seed);

    /// <summary>Every state_dict key with its shape, in torchvision's order.</summary>
    static abstract IReadOnlyList<StateDictEntry> Parameters { get; }
}

/// <summary>One network the sample can run.</summary>
/// <param name="Name">The torchvision name, used by <c>--model</c>.</param>
/// <param name="ParameterCount">The generated <c>ParameterCount</c>.</param>
/// <param name="MultiplyAccumulates">The generated <c>MultiplyAccumulates</c> per image.</param>
/// <param name="Load">The generated <c>Load(path, progress)</c>.</param>
/// <param name="CreateRandom">The generated <c>CreateRandom(seed)</c>.</param>
/// <param name="Parameters">The generated <c>Parameters</c>: the state_dict keys and shapes the network needs.</param>
internal sealed record ModelInfo(
    string Name,
    long ParameterCount,
    long MultiplyAccumulates,
    Func<string, IProgress<LoadProgress>?, IImageNetClassifier> Load,
    Func<int, IImageNetClassifier> CreateRandom,
    IReadOnlyList<StateDictEntry> Parameters);

/// <summary>The networks of this file by their torchvision names.</summary>
internal static class ModelCatalog
{
    /// <summary>The network used when <c>--model</c> is not given.</summary>
    public const string DefaultName = "resnet50";

    /// <summary>Every network, in the order --help lists them.</summary>
    public static IReadOnlyList<ModelInfo> All { get; } =
    [
        Describe<ResNet18>("resnet18", ResNet18.ParameterCount, ResNet18.MultiplyAccumulates),
        Describe<ResNet34>("resnet34", ResNet34.ParameterCount, ResNet34.MultiplyAccumulates),
        Describe<ResNet50>("resnet50", ResNet50.ParameterCount, ResNet50.MultiplyAccumulates),
        Describe<ResNet101>("resnet101", ResNet101.ParameterCount, ResNet101.MultiplyAccumulates),
        Describe<ResNet152>("resnet152", ResNet152.ParameterCount, ResNet152.MultiplyAccumulates),
        Describe<ResNeXt50_32x4d>("resnext50_32x4d", ResNeXt50_32x4d.ParameterCount, ResNeXt50_32x4d.MultiplyAccumulates),
        Describe<WideResNet50_2>("wide_resnet50_2", WideResNet50_2.ParameterCount, WideResNet50_2.MultiplyAccumulates),
    ];

    /// <summary>The names --model accepts.</summary>
    public static string[] Names => [.. System.Linq.Enumerable.Select(All, m => m.Name)];

    /// <summary>The network called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ModelInfo? Find(string name) =>
        System.Linq.Enumerable.FirstOrDefault(All, m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    private static ModelInfo Describe<T>(string name, long parameters, long multiplyAccumulates)
        where T : IImageNetClassifier<T> =>
        new(name, parameters, multiplyAccumulates, (path, progress) => T.Load(path, progress), seed => T.CreateRandom(seed), T.Parameters);
}
