namespace ResNetGen;

/// <summary>The residual block a ResNet is built from, as torchvision's <c>BasicBlock</c> and <c>Bottleneck</c>.</summary>
/// <remarks>Mirrored by the planner's <c>BlockKind</c> (shared source); a test pins every member of both.</remarks>
public enum Block
{
    /// <summary>Two 3x3 convolutions; output channels equal <c>planes</c> (expansion 1). resnet18 and resnet34.</summary>
    Basic = 0,

    /// <summary>
    /// A 1x1 convolution to <c>width</c> channels, a 3x3 convolution (with the stage's stride, groups and dilation),
    /// and a 1x1 convolution to <c>planes * 4</c> channels. resnet50/101/152, ResNeXt and wide ResNets.
    /// </summary>
    Bottleneck = 1,
}
