namespace ResNetGen.Tests.Networks;

/// <summary>Small basic-block network: batch 2, non-square input, 10 classes.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 40, InputWidth = 36, NumClasses = 10, BatchSize = 2)]
public partial class TinyBasicNet
{
}

/// <summary>Small bottleneck network exercising groups, width per group, dilation, odd channels and sizes.</summary>
[ResNet(Block.Bottleneck, 1, 2, 1, 1, Groups = 4, WidthPerGroup = 8, ReplaceStrideWithDilation = new[] { false, true, true },
    InputChannels = 5, InputHeight = 33, InputWidth = 47, NumClasses = 7)]
public partial class TinyBottleneckNet
{
}

/// <summary>
/// Small basic-block network whose layer1 has enough 4x4 output blocks (2 images x 4 x 5) for the generator to choose
/// Winograd, so the transformed weights and the planned workspace run inside a whole network.
/// </summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 64, InputWidth = 72, NumClasses = 10, BatchSize = 2)]
public partial class WinogradBasicNet
{
}

/// <summary>TinyBasicNet with <c>fc</c> replaced by <c>nn.Identity()</c>: no classifier, the pooled features are the output.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 40, InputWidth = 36, BatchSize = 2, Headless = true)]
public partial class HeadlessBasicNet
{
}

/// <summary>
/// A basic-block network on 32x32 inputs: layer4's maps are 2x2 and 1x1, so its 3x3 convolutions run with only the taps
/// that read inside them (the stride-2 one with a 2x2 window, the others with the centre tap alone).
/// </summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, NumClasses = 10, BatchSize = 2)]
public partial class SmallMapBasicNet
{
}

/// <summary>
/// A grouped bottleneck network on 32x32 inputs whose layer4 is dilated: its second block's dilation 2 on a 2x2 map reads
/// only through the centre tap (torchvision gives the first block the previous dilation, 1).
/// </summary>
[ResNet(Block.Bottleneck, 1, 1, 1, 2, Groups = 4, WidthPerGroup = 8, ReplaceStrideWithDilation = new[] { false, false, true }, InputHeight = 32, InputWidth = 32, NumClasses = 7)]
public partial class SmallMapDilatedNet
{
}

/// <summary>
/// A basic-block network declared with torchvision's <c>zero_init_residual=True</c>: <c>CreateRandom</c> starts each block's
/// <c>bn2.weight</c> at 0 (the architecture of the <c>basic_1111_classes10</c> golden).
/// </summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, NumClasses = 10, ZeroInitResidual = true)]
public partial class ZeroInitBasicNet
{
}

/// <summary>
/// A grouped, dilated bottleneck network declared with <c>zero_init_residual=True</c>: <c>CreateRandom</c> starts each block's
/// <c>bn3.weight</c> at 0 (the architecture of the <c>bottleneck_1112_grouped_dilated_classes7</c> golden).
/// </summary>
[ResNet(Block.Bottleneck, 1, 1, 1, 2, Groups = 4, WidthPerGroup = 8, ReplaceStrideWithDilation = new[] { false, false, true }, InputHeight = 32, InputWidth = 32, NumClasses = 7, ZeroInitResidual = true)]
public partial class ZeroInitDilatedNet
{
}
