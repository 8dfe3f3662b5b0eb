using System;
using System.Linq;
using ResNetGen.Dynamic;
using ResNetGen.Planning;
using Xunit;

namespace ResNetGen.Tests.Networks;

// Networks that between them take every path of the CPU schedule: Winograd and direct layers, taps left out on small maps,
// a batch run one image at a time and one run layer by layer, with and without a classifier, at batch 1, 2 and 8.

/// <summary>torchvision's resnet50, batch 8: one image at a time, Winograd at 56x56, 28x28 and 14x14.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, BatchSize = 8)]
public partial class ScheduleResNet50Batch8
{
}

/// <summary>torchvision's resnet50 at 32x32, batch 8: layer by layer, layer4's 3x3 convolutions on their live taps.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 32, InputWidth = 32, BatchSize = 8)]
public partial class ScheduleResNet50Small8
{
}

/// <summary>The same at batch 1.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 32, InputWidth = 32)]
public partial class ScheduleResNet50Small1
{
}

/// <summary>torchvision's resnet18 with <c>fc = nn.Identity()</c>, batch 2: one image at a time, the pool writing into the caller's span.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2, BatchSize = 2, Headless = true)]
public partial class ScheduleHeadlessResNet18Batch2
{
}

/// <summary>A grouped, dilated bottleneck network at 32x32, batch 2, layer by layer, without a classifier, its dilated layer4 on live taps.</summary>
[ResNet(Block.Bottleneck, 1, 1, 1, 2, Groups = 4, WidthPerGroup = 8, ReplaceStrideWithDilation = new[] { false, false, true }, InputHeight = 32, InputWidth = 32, BatchSize = 2, Headless = true)]
public partial class ScheduleHeadlessDilated2
{
}

/// <summary>
/// <see cref="DynamicMode.Fused"/> runs the CPU schedule the generated code runs, image by image included: the same bits
/// for every path of the schedule.
/// </summary>
public sealed class FusedScheduleTests
{
    [Fact]
    public void The_networks_take_every_path_of_the_schedule()
    {
        CpuSchedule[] schedules =
        [
            DynamicResNet.Schedule(Attribute<ScheduleResNet50Batch8>()),
            DynamicResNet.Schedule(Attribute<ScheduleResNet50Small8>()),
            DynamicResNet.Schedule(Attribute<ScheduleResNet50Small1>()),
            DynamicResNet.Schedule(Attribute<ScheduleHeadlessResNet18Batch2>()),
            DynamicResNet.Schedule(Attribute<ScheduleHeadlessDilated2>()),
        ];

        Assert.Equal([true, false, false, true, false], schedules.Select(s => s.ImageByImage));
        Assert.Contains(schedules[0].Convolutions, c => c.Algorithm == ConvolutionAlgorithm.Winograd);
        Assert.Contains(schedules[1].Convolutions, c => c.Algorithm == ConvolutionAlgorithm.Winograd);
        Assert.Contains(schedules[1].Convolutions, c => c.Taps.Count == 1);
        Assert.Contains(schedules[4].Convolutions, c => c.Taps.Count < 3 && c.Module.EndsWith("conv2", StringComparison.Ordinal));
    }

    [Fact]
    public void ResNet50_at_224x224_batch_8_one_image_at_a_time() => AssertFusedGivesTheGeneratedBits<ScheduleResNet50Batch8>(seed: 80);

    [Fact]
    public void ResNet50_at_32x32_batch_8_layer_by_layer() => AssertFusedGivesTheGeneratedBits<ScheduleResNet50Small8>(seed: 81);

    [Fact]
    public void ResNet50_at_32x32_batch_1() => AssertFusedGivesTheGeneratedBits<ScheduleResNet50Small1>(seed: 82);

    [Fact]
    public void Headless_resnet18_batch_2_one_image_at_a_time() => AssertFusedGivesTheGeneratedBits<ScheduleHeadlessResNet18Batch2>(seed: 83);

    [Fact]
    public void Headless_grouped_dilated_network_batch_2() => AssertFusedGivesTheGeneratedBits<ScheduleHeadlessDilated2>(seed: 84);

    [Fact]
    public void Winograd_network_at_batch_2() => AssertFusedGivesTheGeneratedBits<WinogradBasicNet>(seed: 85);

    private static void AssertFusedGivesTheGeneratedBits<TNetwork>(int seed)
        where TNetwork : class, IResNet<TNetwork>
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TNetwork.Parameters, seed);
        float[] input = TestWeights.Input(TNetwork.InputLength, seed + 1);
        var generated = new float[TNetwork.OutputLength];
        var fused = new float[TNetwork.OutputLength];
        TNetwork.FromStateDict(weights).Forward(input, generated);
        DynamicResNet.Create(Attribute<TNetwork>(), weights, DynamicMode.Fused).Forward(input, fused);

        Assert.Equal(generated.Select(BitConverter.SingleToInt32Bits), fused.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>The attribute the network was declared with, as the generator read it.</summary>
    private static ResNetAttribute Attribute<TNetwork>() =>
        typeof(TNetwork).GetCustomAttributes(typeof(ResNetAttribute), inherit: false).Cast<ResNetAttribute>().Single();
}

/// <summary>Every op kind of the graph has its own method in every backend's lowering (docs/adding-an-op.md).</summary>
public sealed class OpLoweringTests
{
    [Fact]
    public void Each_op_kind_of_the_graph_has_one_lowering_method_and_every_backend_implements_them_all()
    {
        Type[] kinds = typeof(GraphOp).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(GraphOp)) && !t.IsAbstract).ToArray();
        Type lowering = typeof(IOpLowering<>);
        string[] methods = lowering.GetMethods().Select(m => m.GetParameters().Single().ParameterType.Name).Order().ToArray();
        Assert.Equal(kinds.Select(k => k.Name).Order(), methods);

        // The backends of this assembly (the fused dynamic graph, the eager graph) and of the generator (CPU and device emitters).
        Type[] backends = typeof(GraphOp).Assembly.GetTypes().Concat(typeof(ResNetGen.Generator.ResNetGenerator).Assembly.GetTypes())
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.Name == lowering.Name))
            .ToArray();
        Assert.Equal(["CpuLowering", "DeviceLowering", "EagerGraph", "StepLowering"], backends.Select(b => b.Name).Order());
    }
}
