using ResNetGen;

namespace ResNetGen.Sample;

/// <summary>torchvision.models.resnet50.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3)]
public partial class ResNet50
{
}

/// <summary>torchvision.models.resnet18.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
public partial class ResNet18
{
}
