namespace ResNetGen.Tests.Accelerators;

// The networks of tests/Goldens/accelerators (tools/make_accelerator_goldens.py). This project references ResNetGen.Ilgpu,
// so the generator also emits each one's Accelerated form and OnAccelerator.

/// <summary><c>ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10)</c>, 32x40, batch 2.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 40, NumClasses = 10, BatchSize = 2)]
public partial class AcceleratorBasicNet
{
}

/// <summary>
/// <c>ResNet(Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=16, replace_stride_with_dilation=[False, False, True],
/// num_classes=12)</c>, 40x32, batch 1: grouped 3x3 convolutions, projection shortcuts in every stage, dilation in layer4.
/// </summary>
[ResNet(Block.Bottleneck, 1, 1, 1, 1, InputHeight = 40, InputWidth = 32, NumClasses = 12, Groups = 2, WidthPerGroup = 16,
    ReplaceStrideWithDilation = new[] { false, false, true })]
public partial class AcceleratorGroupedBottleneckNet
{
}

/// <summary>
/// <c>ResNet(Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=4, num_classes=10)</c>, 184x184, batch 2: its device
/// schedule takes every tile of the family (the stem's 2 x 92 x 92 pixels fill 132 multiprocessors with the large tile,
/// layer1's 4-channel groups take the grouped tile) and splits K in the late layers.
/// </summary>
[ResNet(Block.Bottleneck, 1, 1, 1, 1, InputHeight = 184, InputWidth = 184, NumClasses = 10, Groups = 2, WidthPerGroup = 4, BatchSize = 2)]
public partial class AcceleratorEveryTileNet
{
}

/// <summary><c>ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10)</c>, 24x24: layer4 runs on a 1x1 map, through the centre taps alone.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 24, InputWidth = 24, NumClasses = 10)]
public partial class AcceleratorLiveTapsNet
{
}

/// <summary><see cref="AcceleratorLiveTapsNet"/> with <c>fc = nn.Identity()</c>: its output is the pooled features.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 24, InputWidth = 24, Headless = true)]
public partial class AcceleratorHeadlessLiveTapsNet
{
}
