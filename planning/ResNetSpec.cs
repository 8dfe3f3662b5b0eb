namespace ResNetGen.Planning
{
    /// <summary>The two residual block types of torchvision's ResNet.</summary>
    /// <remarks>Mirrors the runtime's public <c>Block</c>, which the planner cannot see; a test pins every member of both.</remarks>
    internal enum BlockKind
    {
        /// <summary>Two 3x3 convolutions, expansion 1 (resnet18, resnet34).</summary>
        Basic = 0,

        /// <summary>1x1, 3x3, 1x1 convolutions, expansion 4 (resnet50 and deeper, ResNeXt, wide ResNet).</summary>
        Bottleneck = 1,
    }

    /// <summary>
    /// Everything that determines a network: the arguments of torchvision's <c>ResNet(block, layers, ...)</c>
    /// plus the input the network is compiled for, and whether <c>fc</c> was replaced by <c>nn.Identity()</c>
    /// (<paramref name="Headless"/>: no classifier, the pooled features are the output), and torchvision's
    /// <c>zero_init_residual</c> (<paramref name="ZeroInitResidual"/>: random initialisation starts the last batch norm of
    /// every block at 0). Value equality makes it a cacheable incremental-generator model.
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
        EquatableArray<bool> ReplaceStrideWithDilation,
        bool Headless = false,
        bool ZeroInitResidual = false)
    {
        // torchvision's defaults, and the only place they are written: the attribute's property initialisers and the
        // generator's reading of an attribute that leaves an option out both use these.
        public const int DefaultNumClasses = 1000;
        public const int DefaultInputChannels = 3;
        public const int DefaultInputSize = 224;
        public const int DefaultBatchSize = 1;
        public const int DefaultGroups = 1;
        public const int DefaultWidthPerGroup = 64;

        /// <summary>torchvision's defaults: 1000 classes, 3x224x224 input, batch 1, groups 1, width 64, no dilation.</summary>
        public static ResNetSpec Create(BlockKind block, params int[] layers) =>
            new(block, new EquatableArray<int>(layers), DefaultNumClasses, DefaultInputChannels, DefaultInputSize, DefaultInputSize, DefaultBatchSize, DefaultGroups, DefaultWidthPerGroup, new EquatableArray<bool>(new bool[3]));

        /// <summary>Output channels of a block divided by its <c>planes</c>.</summary>
        public int Expansion => Block == BlockKind.Bottleneck ? 4 : 1;
    }
}
