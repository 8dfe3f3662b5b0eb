using System;
using ResNetGen.Planning;

namespace ResNetGen;

/// <summary>
/// Declares that the annotated <c>partial</c> class is a torchvision ResNet. At compile time ResNetGen's source
/// generator plans the whole network and adds <c>Forward</c>, <c>CreateRandom</c>, the <c>Parameters</c> manifest
/// and size constants to the class. The arguments mirror torchvision's <c>ResNet(block, layers, ...)</c>.
/// </summary>
/// <example>
/// <code>
/// [ResNet(Block.Bottleneck, 3, 4, 6, 3)]                   // torchvision.models.resnet50
/// public partial class ResNet50 { }
///
/// [ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]   // resnext50_32x4d
/// public partial class ResNeXt50 { }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ResNetAttribute : Attribute
{
    /// <summary>Declares a ResNet built from <paramref name="block"/> with the given number of blocks per stage.</summary>
    /// <param name="block">The residual block type.</param>
    /// <param name="layers">Blocks in each of the four stages (<c>layer1</c> to <c>layer4</c>), e.g. 3, 4, 6, 3 for resnet50.</param>
    public ResNetAttribute(Block block, params int[] layers)
    {
        Block = block;
        Layers = layers;
    }

    /// <summary>The residual block type.</summary>
    public Block Block { get; }

    /// <summary>Blocks in each of the four stages.</summary>
    public int[] Layers { get; }

    /// <summary>Outputs of the final <c>fc</c> layer. Default 1000 (ImageNet).</summary>
    public int NumClasses { get; set; } = ResNetSpec.DefaultNumClasses;

    /// <summary>Height of the input images the network is compiled for. Default 224.</summary>
    public int InputHeight { get; set; } = ResNetSpec.DefaultInputSize;

    /// <summary>Width of the input images the network is compiled for. Default 224.</summary>
    public int InputWidth { get; set; } = ResNetSpec.DefaultInputSize;

    /// <summary>Channels of the input images (the input of <c>conv1</c>). Default 3.</summary>
    public int InputChannels { get; set; } = ResNetSpec.DefaultInputChannels;

    /// <summary>Images per <c>Forward</c> call. Default 1.</summary>
    public int BatchSize { get; set; } = ResNetSpec.DefaultBatchSize;

    /// <summary>Groups of the 3x3 convolution in each bottleneck (32 for ResNeXt-50 32x4d). Default 1.</summary>
    public int Groups { get; set; } = ResNetSpec.DefaultGroups;

    /// <summary>
    /// Channels per group of each bottleneck's 3x3 convolution at <c>planes = 64</c>; the bottleneck width is
    /// <c>int(planes * WidthPerGroup / 64) * Groups</c> (128 for wide_resnet50_2, 4 for ResNeXt-50 32x4d). Default 64.
    /// </summary>
    public int WidthPerGroup { get; set; } = ResNetSpec.DefaultWidthPerGroup;

    /// <summary>
    /// For <c>layer2</c>, <c>layer3</c> and <c>layer4</c>: replace that stage's stride 2 with dilation, keeping the
    /// feature map larger (as in segmentation backbones). Exactly three flags; default none.
    /// </summary>
    public bool[]? ReplaceStrideWithDilation { get; set; }

    /// <summary>
    /// True for a network whose <c>fc</c> was replaced by <c>nn.Identity()</c>, as in feature extractors and fine-tuning
    /// backbones: its <c>state_dict</c> has no <c>fc.*</c> keys, <see cref="NumClasses"/> is not used, and <c>Forward</c>
    /// writes the pooled features (<c>FeatureLength</c> per image), as torchvision's model then returns. Default false.
    /// </summary>
    public bool Headless { get; set; }

    /// <summary>
    /// torchvision's <c>zero_init_residual</c>: <c>CreateRandom</c> starts the weight of the last batch norm of every block
    /// (<c>bn2</c> of a basic block, <c>bn3</c> of a bottleneck) at 0 instead of 1, so that each residual branch starts at
    /// zero and each block as its shortcut, which helps training from scratch. Every other tensor, and every random draw,
    /// is the same as without it; loaded weights are not affected. Default false.
    /// </summary>
    public bool ZeroInitResidual { get; set; }
}
