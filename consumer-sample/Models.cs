using System;
using System.Collections.Generic;
using ResNetGen;

namespace ResNetGen.Sample;

// The networks the sample can run, declared as a user of ResNetGen writes them: one attribute each, mirroring the
// torchvision.models constructor. The generator adds the constants, Parameters, Load, CreateRandom and Forward, and
// implements IResNet<T>, which lets the command line pick one by name.

/// <summary>torchvision.models.resnet18: 11.7 M parameters, 1.8 G multiply-accumulates per 224x224 image.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
public partial class ResNet18
{
}

/// <summary>torchvision.models.resnet34.</summary>
[ResNet(Block.Basic, 3, 4, 6, 3)]
public partial class ResNet34
{
}

/// <summary>torchvision.models.resnet50.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3)]
public partial class ResNet50
{
}

/// <summary>torchvision.models.resnet101.</summary>
[ResNet(Block.Bottleneck, 3, 4, 23, 3)]
public partial class ResNet101
{
}

/// <summary>torchvision.models.resnet152.</summary>
[ResNet(Block.Bottleneck, 3, 8, 36, 3)]
public partial class ResNet152
{
}

/// <summary>torchvision.models.resnext50_32x4d: bottlenecks with 32 groups of width 4.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]
public partial class ResNeXt50_32x4d
{
}

/// <summary>torchvision.models.wide_resnet50_2: bottlenecks twice as wide.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, WidthPerGroup = 128)]
public partial class WideResNet50_2
{
}

/// <summary>One network the sample can run.</summary>
/// <param name="Name">The torchvision name, used by <c>--model</c>.</param>
/// <param name="ParameterCount">The generated <c>ParameterCount</c>.</param>
/// <param name="MultiplyAccumulates">The generated <c>MultiplyAccumulates</c> per image.</param>
/// <param name="Load">The generated <c>Load(path, progress)</c>.</param>
/// <param name="CreateRandom">The generated <c>CreateRandom(seed)</c>.</param>
/// <param name="Parameters">The generated <c>Parameters</c>: the state_dict keys and shapes the network needs.</param>
/// <param name="TorchvisionRepr">The generated <c>TorchvisionRepr</c>: what torchvision's <c>print(model)</c> shows for it.</param>
/// <param name="LoadPretrained">The generated <c>LoadPretrained(weights, progress)</c>.</param>
/// <param name="FromStateDict">The generated <c>FromStateDict(weights)</c>.</param>
internal sealed record ModelInfo(
    string Name,
    long ParameterCount,
    long MultiplyAccumulates,
    Func<string, IProgress<LoadProgress>?, IResNet> Load,
    Func<int, IResNet> CreateRandom,
    IReadOnlyList<StateDictEntry> Parameters,
    string TorchvisionRepr,
    Func<PretrainedWeights, IProgress<DownloadProgress>?, IResNet> LoadPretrained,
    Func<StateDict, IResNet> FromStateDict);

/// <summary>The networks of this file by their torchvision names (<see cref="TorchvisionArchitecture.Find"/> knows each).</summary>
internal static class ModelCatalog
{
    /// <summary>The network used when <c>--model</c> is not given.</summary>
    public const string DefaultName = "resnet50";

    /// <summary>Every network, in the order --help lists them.</summary>
    public static IReadOnlyList<ModelInfo> All { get; } =
    [
        Describe<ResNet18>("resnet18"),
        Describe<ResNet34>("resnet34"),
        Describe<ResNet50>("resnet50"),
        Describe<ResNet101>("resnet101"),
        Describe<ResNet152>("resnet152"),
        Describe<ResNeXt50_32x4d>("resnext50_32x4d"),
        Describe<WideResNet50_2>("wide_resnet50_2"),
    ];

    /// <summary>The names --model accepts.</summary>
    public static string[] Names => [.. System.Linq.Enumerable.Select(All, m => m.Name)];

    /// <summary>The network called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ModelInfo? Find(string name) =>
        System.Linq.Enumerable.FirstOrDefault(All, m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    private static ModelInfo Describe<T>(string name)
        where T : class, IResNet<T> =>
        new(name, T.ParameterCount, T.MultiplyAccumulates, (path, progress) => T.Load(path, progress), seed => T.CreateRandom(seed), T.Parameters,
            T.TorchvisionRepr, (weights, progress) => T.LoadPretrained(weights, progress), weights => T.FromStateDict(weights));
}
