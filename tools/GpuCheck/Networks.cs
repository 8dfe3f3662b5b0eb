using System;
using System.Collections.Generic;
using ILGPU.Runtime;
using ResNetGen;
using ResNetGen.Ilgpu;

namespace ResNetGen.GpuCheck;

// The networks the GPU check runs, declared as a user declares them: the generator emits each one's X.Accelerated, and
// the check runs exactly that code. One declaration per golden of tests/Goldens/parity, tests/Goldens/accelerators and
// tests/Goldens/gpu, and resnet50 at the sizes and batches the timing table reports.

/// <summary>A network the check can build on an accelerator: its state_dict entries and its generated <c>OnAccelerator</c>.</summary>
internal sealed record CheckedNetwork(IReadOnlyList<StateDictEntry> Parameters, Func<Accelerator, StateDict, AcceleratedNetwork> OnAccelerator);

/// <summary>Every network of the check, by the golden's config name (and <c>resnet50_{size}_batch{n}</c> for the timings).</summary>
internal static class CheckedNetworks
{
    public static IReadOnlyDictionary<string, CheckedNetwork> ByName { get; } = new Dictionary<string, CheckedNetwork>(StringComparer.Ordinal)
    {
        ["resnet18"] = new(GpuResNet18.Parameters, GpuResNet18.OnAccelerator),
        ["resnet34"] = new(GpuResNet34.Parameters, GpuResNet34.OnAccelerator),
        ["resnet50"] = new(GpuResNet50.Parameters, GpuResNet50.OnAccelerator),
        ["resnet101"] = new(GpuResNet101.Parameters, GpuResNet101.OnAccelerator),
        ["resnet152"] = new(GpuResNet152.Parameters, GpuResNet152.OnAccelerator),
        ["resnext50_32x4d"] = new(GpuResNeXt50.Parameters, GpuResNeXt50.OnAccelerator),
        ["wide_resnet50_2"] = new(GpuWideResNet50.Parameters, GpuWideResNet50.OnAccelerator),
        ["resnet50_dilated"] = new(GpuDilatedResNet50.Parameters, GpuDilatedResNet50.OnAccelerator),
        ["resnet50_classes10_96x64"] = new(GpuResNet50Classes10.Parameters, GpuResNet50Classes10.OnAccelerator),
        ["resnet18_batch2"] = new(GpuResNet18Batch2.Parameters, GpuResNet18Batch2.OnAccelerator),
        ["basic_32x40_batch2"] = new(GpuSmallBasic.Parameters, GpuSmallBasic.OnAccelerator),
        ["grouped_bottleneck_40x32_dilated"] = new(GpuSmallGroupedBottleneck.Parameters, GpuSmallGroupedBottleneck.OnAccelerator),
        ["every_tile_bottleneck_184_batch2"] = new(GpuEveryTile.Parameters, GpuEveryTile.OnAccelerator),
        ["basic_24x24_live_taps"] = new(GpuLiveTaps.Parameters, GpuLiveTaps.OnAccelerator),
        ["resnet50_224_batch1"] = new(GpuResNet50.Parameters, GpuResNet50.OnAccelerator),
        ["resnet50_224_batch32"] = new(GpuResNet50Batch32.Parameters, GpuResNet50Batch32.OnAccelerator),
        ["resnet50_32_batch1"] = new(GpuResNet50Small.Parameters, GpuResNet50Small.OnAccelerator),
    };
}

[ResNet(Block.Basic, 2, 2, 2, 2)]
internal partial class GpuResNet18 { }

[ResNet(Block.Basic, 3, 4, 6, 3)]
internal partial class GpuResNet34 { }

[ResNet(Block.Bottleneck, 3, 4, 6, 3)]
internal partial class GpuResNet50 { }

[ResNet(Block.Bottleneck, 3, 4, 23, 3)]
internal partial class GpuResNet101 { }

[ResNet(Block.Bottleneck, 3, 8, 36, 3)]
internal partial class GpuResNet152 { }

[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]
internal partial class GpuResNeXt50 { }

[ResNet(Block.Bottleneck, 3, 4, 6, 3, WidthPerGroup = 128)]
internal partial class GpuWideResNet50 { }

[ResNet(Block.Bottleneck, 3, 4, 6, 3, ReplaceStrideWithDilation = new[] { false, true, true })]
internal partial class GpuDilatedResNet50 { }

[ResNet(Block.Bottleneck, 3, 4, 6, 3, NumClasses = 10, InputHeight = 96, InputWidth = 64)]
internal partial class GpuResNet50Classes10 { }

[ResNet(Block.Basic, 2, 2, 2, 2, BatchSize = 2)]
internal partial class GpuResNet18Batch2 { }

[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 40, NumClasses = 10, BatchSize = 2)]
internal partial class GpuSmallBasic { }

[ResNet(Block.Bottleneck, 1, 1, 1, 1, InputHeight = 40, InputWidth = 32, NumClasses = 12, Groups = 2, WidthPerGroup = 16, ReplaceStrideWithDilation = new[] { false, false, true })]
internal partial class GpuSmallGroupedBottleneck { }

[ResNet(Block.Bottleneck, 1, 1, 1, 1, InputHeight = 184, InputWidth = 184, NumClasses = 10, Groups = 2, WidthPerGroup = 4, BatchSize = 2)]
internal partial class GpuEveryTile { }

[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 24, InputWidth = 24, NumClasses = 10)]
internal partial class GpuLiveTaps { }

[ResNet(Block.Bottleneck, 3, 4, 6, 3, BatchSize = 32)]
internal partial class GpuResNet50Batch32 { }

[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 32, InputWidth = 32)]
internal partial class GpuResNet50Small { }
