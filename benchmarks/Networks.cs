namespace ResNetGen.Benchmarks;

// The networks the benchmarks run, declared as a user would.

/// <summary>torchvision resnet50, 224x224, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3)]
public partial class ResNet50 { }

/// <summary>torchvision resnet50, 224x224, batch 8.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, BatchSize = 8)]
public partial class ResNet50Batch8 { }

/// <summary>torchvision resnet50, 32x32, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 32, InputWidth = 32)]
public partial class ResNet50At32 { }

/// <summary>torchvision resnet50, 32x32, batch 8.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 32, InputWidth = 32, BatchSize = 8)]
public partial class ResNet50At32Batch8 { }

/// <summary>torchvision resnet18, 224x224, batch 1.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
public partial class ResNet18 { }

/// <summary>torchvision resnet18, 224x224, batch 8.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2, BatchSize = 8)]
public partial class ResNet18Batch8 { }

/// <summary>torchvision resnet18, 32x32, batch 1.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2, InputHeight = 32, InputWidth = 32)]
public partial class ResNet18At32 { }

/// <summary>torchvision resnet18, 32x32, batch 8.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2, InputHeight = 32, InputWidth = 32, BatchSize = 8)]
public partial class ResNet18At32Batch8 { }

/// <summary>The smallest ResNet (one basic block per stage) on 32x32, 10 classes: dispatch dominates.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, NumClasses = 10)]
public partial class SmallResNet { }
