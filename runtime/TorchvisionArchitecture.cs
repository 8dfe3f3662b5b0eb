using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Planning;
using ResNetGen.Weights;

namespace ResNetGen;

/// <summary>
/// One of the ResNet constructors of <c>torchvision.models</c> (0.14): <c>resnet18</c>, <c>resnet34</c>, <c>resnet50</c>,
/// <c>resnet101</c>, <c>resnet152</c>, <c>resnext50_32x4d</c>, <c>resnext101_32x8d</c>, <c>resnext101_64x4d</c>,
/// <c>wide_resnet50_2</c> and <c>wide_resnet101_2</c>, with the architecture it builds, as the arguments of a
/// <c>[ResNet]</c> declaration. This describes architectures only; pretrained weights are a separate matter.
/// </summary>
/// <example>
/// <code>
/// TorchvisionArchitecture resnext = TorchvisionArchitecture.Find("resnext50_32x4d")!;
/// Console.WriteLine(resnext.Declaration);    // [ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]
/// var net = DynamicResNet.CreateRandom(resnext.ToAttribute(), seed: 0, DynamicMode.Fused);
/// </code>
/// </example>
public sealed class TorchvisionArchitecture
{
    private readonly TorchvisionModel _model;
    private readonly int[] _layers;

    private TorchvisionArchitecture(TorchvisionModel model)
    {
        _model = model;
        _layers = model.Layers.ToArray();
    }

    /// <summary>Every ResNet constructor of <c>torchvision.models</c>, in torchvision's order.</summary>
    public static IReadOnlyList<TorchvisionArchitecture> All { get; } = TorchvisionModels.All.Select(m => new TorchvisionArchitecture(m)).ToArray();

    /// <summary>The constructor's name in <c>torchvision.models</c>, e.g. <c>resnet50</c>.</summary>
    public string Name => _model.Name;

    /// <summary>The residual block the network is built from.</summary>
    public Block Block => (Block)_model.Block;

    /// <summary>Blocks in each of the four stages, e.g. 3, 4, 6, 3.</summary>
    public IReadOnlyList<int> Layers => _layers;

    /// <summary>Groups of each bottleneck's 3x3 convolution (32 or 64 for ResNeXt, otherwise 1).</summary>
    public int Groups => _model.Groups;

    /// <summary>Channels per group of each bottleneck's 3x3 convolution at <c>planes = 64</c> (128 for wide ResNets, otherwise 64, or 4 and 8 for ResNeXt).</summary>
    public int WidthPerGroup => _model.WidthPerGroup;

    /// <summary>The <c>[ResNet(...)]</c> attribute that declares this architecture, e.g. <c>[ResNet(Block.Bottleneck, 3, 4, 6, 3)]</c>.</summary>
    public string Declaration => ArchitectureFit.DeclarationOf(_model.Spec());

    /// <summary>
    /// The text torchvision prints for the model this constructor builds with its defaults (<c>print(resnet50())</c>):
    /// the same text as the <c>TorchvisionRepr</c> of a generated class declared with <see cref="Declaration"/>.
    /// </summary>
    public string TorchvisionRepr => TorchRepr.Of(Planner.Plan(_model.Spec(), out _)!);

    /// <summary>The architecture named <paramref name="name"/> (torchvision's spelling, compared ignoring case), or null.</summary>
    /// <param name="name">A constructor name such as <c>resnet50</c> or <c>wide_resnet50_2</c>.</param>
    public static TorchvisionArchitecture? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A new <see cref="ResNetAttribute"/> for this architecture with every other option at its default (1000 classes,
    /// 3x224x224, batch 1), for <c>DynamicResNet</c> or to adjust before use.
    /// </summary>
    public ResNetAttribute ToAttribute() => new(Block, (int[])_layers.Clone()) { Groups = Groups, WidthPerGroup = WidthPerGroup };

    /// <summary>The constructor's name.</summary>
    public override string ToString() => Name;
}
