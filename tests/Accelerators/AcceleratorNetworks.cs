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
