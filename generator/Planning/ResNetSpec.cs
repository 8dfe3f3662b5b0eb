namespace ResNetGen.Planning
{
    /// <summary>The two residual block types of torchvision's ResNet.</summary>
    internal enum BlockKind
    {
        /// <summary>Two 3x3 convolutions, expansion 1 (resnet18, resnet34).</summary>
        Basic = 0,

        /// <summary>1x1, 3x3, 1x1 convolutions, expansion 4 (resnet50 and deeper, ResNeXt, wide ResNet).</summary>
        Bottleneck = 1,
    }

    /// <summary>
    /// Everything that determines a network: the arguments of torchvision's <c>ResNet(block, layers, ...)</c>
    /// plus the input the network is compiled for. Value equality makes it a cacheable incremental-generator model.
    /// </summary>
    internal sealed record ResNetSpec(
        BlockKind Block,
        EquatableArray<int> Layers,
        int NumClasses,
        int InputChannels,
        int InputHeight,
        int InputWidth,
        int BatchSize,
        int Groups,
        int WidthPerGroup,
        EquatableArray<bool> ReplaceStrideWithDilation)
    {
        /// <summary>torchvision's defaults: 1000 classes, 3x224x224 input, batch 1, groups 1, width 64, no dilation.</summary>
        public static ResNetSpec Create(BlockKind block, params int[] layers) =>
            new(block, new EquatableArray<int>(layers), 1000, 3, 224, 224, 1, 1, 64, new EquatableArray<bool>(new bool[3]));

        /// <summary>Output channels of a block divided by its <c>planes</c>.</summary>
        public int Expansion => Block == BlockKind.Bottleneck ? 4 : 1;
    }
}
