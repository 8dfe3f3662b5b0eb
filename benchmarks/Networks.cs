namespace ResNetGen.Benchmarks;

/// <summary>torchvision resnet50 at 224x224, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3)]
public partial class ResNet50 { }

/// <summary>torchvision resnet18 at 224x224, batch 1.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
public partial class ResNet18 { }

/// <summary>torchvision resnet50 at 32x32 (CIFAR-sized input), batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 32, InputWidth = 32)]
public partial class ResNet50At32 { }

/// <summary>torchvision resnet50 at 224x224, batch 8.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, BatchSize = 8)]
public partial class ResNet50Batch8 { }
