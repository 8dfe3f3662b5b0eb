namespace ResNetGen.Tests.Reliability;

/// <summary>
/// <c>torchvision.models.resnet18(num_classes=10)</c> on batches of seven 32x32 images: the network of the NaN/Inf
/// goldens (tools/make_numeric_goldens.py) and of the denormal timing.
/// </summary>
[ResNet(Block.Basic, 2, 2, 2, 2, NumClasses = 10, InputHeight = 32, InputWidth = 32, BatchSize = 7)]
public partial class NumericNet
{
}

/// <summary>The smallest ResNet (one basic block per stage) on one 32x32 image: many calls per second, for the concurrency tests.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, NumClasses = 10, InputHeight = 32, InputWidth = 32)]
public partial class ConcurrentNet
{
}
