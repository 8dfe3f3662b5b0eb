namespace ResNetGen.Tests.Parity;

// The networks of the torchvision parity goldens (tests/Goldens/parity/<config>.json, made by tools/make_parity_goldens.py).
// Each declaration is the C# spelling of the torchvision builder named in its golden's "torchvision" field.

/// <summary><c>torchvision.models.resnet18()</c>, 224x224, batch 1.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
public partial class ParityResNet18
{
}

/// <summary><c>torchvision.models.resnet34()</c>, 224x224, batch 1.</summary>
[ResNet(Block.Basic, 3, 4, 6, 3)]
public partial class ParityResNet34
{
}

/// <summary><c>torchvision.models.resnet50()</c>, 224x224, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3)]
public partial class ParityResNet50
{
}

/// <summary><c>torchvision.models.resnet101()</c>, 224x224, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 23, 3)]
public partial class ParityResNet101
{
}

/// <summary><c>torchvision.models.resnet152()</c>, 224x224, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 8, 36, 3)]
public partial class ParityResNet152
{
}

/// <summary><c>torchvision.models.resnext50_32x4d()</c>, 224x224, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]
public partial class ParityResNeXt50_32x4d
{
}

/// <summary><c>torchvision.models.wide_resnet50_2()</c>, 224x224, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, WidthPerGroup = 128)]
public partial class ParityWideResNet50_2
{
}

/// <summary><c>torchvision.models.resnet50(replace_stride_with_dilation=[False, True, True])</c>, 224x224, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, ReplaceStrideWithDilation = new[] { false, true, true })]
public partial class ParityDilatedResNet50
{
}

/// <summary><c>torchvision.models.resnet50(num_classes=10)</c> on a non-square 96x64 (height x width) input, batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, NumClasses = 10, InputHeight = 96, InputWidth = 64)]
public partial class ParityResNet50Classes10
{
}

/// <summary><c>torchvision.models.resnet18()</c>, 224x224, batch 2.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2, BatchSize = 2)]
public partial class ParityResNet18Batch2
{
}
