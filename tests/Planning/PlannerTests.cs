using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResNetGen.Planning;
using Xunit;

namespace ResNetGen.Tests.Planning;

/// <summary>The planner's architecture facts against torchvision 0.14 (goldens written by tools/make_architecture_goldens.py).</summary>
public sealed class PlannerTests
{
    public static TheoryData<string> Configs => new(Architectures.Keys);

    private static IReadOnlyDictionary<string, JsonElement> Architectures => ArchitectureGoldens.All;

    internal static ResNetSpec Spec(string name) => ArchitectureGoldens.Spec(name);

    private static NetworkGraph Plan(ResNetSpec spec)
    {
        NetworkGraph? plan = Planner.Plan(spec, out PlanError? error);
        Assert.Null(error);
        return plan!;
    }

    private static CpuSchedule Schedule(ResNetSpec spec)
    {
        CpuSchedule? schedule = CpuSchedule.Create(Plan(spec), CpuProfiles.Generic, out PlanError? error);
        Assert.Null(error);
        return schedule!;
    }

    [Theory]
    [InlineData("resnet18", 11_689_512)]
    [InlineData("resnet34", 21_797_672)]
    [InlineData("resnet50", 25_557_032)]
    [InlineData("resnet101", 44_549_160)]
    [InlineData("resnet152", 60_192_808)]
    [InlineData("resnext50_32x4d", 25_028_904)]
    [InlineData("wide_resnet50_2", 68_883_240)]
    public void Parameter_count_matches_torchvision(string name, long expected)
    {
        Assert.Equal(expected, Plan(Spec(name)).ParameterCount);
        Assert.Equal(expected, Architectures[name].GetProperty("parameters").GetInt64());
    }

    [Theory]
    [InlineData("resnet18", 1_814_073_344)]
    [InlineData("resnet50", 4_089_184_256)]
    public void Multiply_accumulates_at_224(string name, long expected) =>
        Assert.Equal(expected, Plan(Spec(name)).MultiplyAccumulates);

    [Theory]
    [MemberData(nameof(Configs))]
    public void State_dict_keys_and_shapes_match_torchvision_in_order(string name)
    {
        string[] expected = Architectures[name].GetProperty("state_dict").EnumerateArray()
            .Select(e => e[0].GetString() + " " + Tensor.FormatShape(e[1].EnumerateArray().Select(d => d.GetInt32())))
            .ToArray();

        NetworkGraph plan = Plan(Spec(name));
        string[] actual = plan.StateDict.Select(t => t.Name + " " + Tensor.FormatShape(t.Shape)).ToArray();

        Assert.Equal(expected, actual);
        Assert.Equal(Architectures[name].GetProperty("parameters").GetInt64(), plan.ParameterCount);
    }

    [Fact]
    public void ResNet50_has_the_320_torchvision_keys() =>
        Assert.Equal(320, Plan(Spec("resnet50")).StateDict.Count);

    [Fact]
    public void ResNet50_shape_walk()
    {
        NetworkGraph plan = Plan(Spec("resnet50"));
        var convolutions = plan.Sections.SelectMany(s => s.Ops).OfType<ConvolutionOp>().ToDictionary(c => c.Module);

        Assert.Equal(53, convolutions.Count);
        Assert.Equal(new FeatureShape(64, 112, 112), convolutions["conv1"].OutputShape);
        Assert.Equal(new FeatureShape(256, 56, 56), convolutions["layer1.0.conv3"].OutputShape);

        // v1.5: the stride sits on the 3x3 convolution, not the first 1x1.
        Assert.Equal(1, convolutions["layer2.0.conv1"].Stride);
        Assert.Equal(2, convolutions["layer2.0.conv2"].Stride);
        Assert.Equal(2, convolutions["layer2.0.downsample.0"].Stride);
        Assert.Equal(new FeatureShape(512, 28, 28), convolutions["layer2.0.conv3"].OutputShape);
        Assert.Equal(new FeatureShape(2048, 7, 7), convolutions["layer4.2.conv3"].OutputShape);

        // Projection shortcuts exactly where torchvision's _make_layer puts them.
        Assert.Equal(
            new[] { "layer1.0.downsample.0", "layer2.0.downsample.0", "layer3.0.downsample.0", "layer4.0.downsample.0" },
            convolutions.Keys.Where(k => k.Contains("downsample")).ToArray());
    }

    [Fact]
    public void Dilation_replaces_stride_and_first_block_keeps_previous_dilation()
    {
        NetworkGraph plan = Plan(Spec("resnet50_dilated"));
        var convolutions = plan.Sections.SelectMany(s => s.Ops).OfType<ConvolutionOp>().ToDictionary(c => c.Module);

        Assert.Equal((2, 1), (convolutions["layer2.0.conv2"].Stride, convolutions["layer2.0.conv2"].Dilation));
        Assert.Equal((1, 1), (convolutions["layer3.0.conv2"].Stride, convolutions["layer3.0.conv2"].Dilation));
        Assert.Equal((1, 2), (convolutions["layer3.1.conv2"].Stride, convolutions["layer3.1.conv2"].Dilation));
        Assert.Equal((1, 2), (convolutions["layer4.0.conv2"].Stride, convolutions["layer4.0.conv2"].Dilation));
        Assert.Equal((1, 4), (convolutions["layer4.1.conv2"].Stride, convolutions["layer4.1.conv2"].Dilation));
        Assert.Equal(convolutions["layer4.1.conv2"].Dilation, convolutions["layer4.1.conv2"].Padding);
        Assert.Equal(new FeatureShape(2048, 28, 28), convolutions["layer4.2.conv3"].OutputShape);

        // Stride 1 but more channels: layer3 and layer4 still get projection shortcuts, with stride 1.
        Assert.Equal(1, convolutions["layer3.0.downsample.0"].Stride);
    }

    [Fact]
    public void ResNeXt_width_and_groups()
    {
        NetworkGraph plan = Plan(Spec("resnext50_32x4d"));
        ConvolutionOp conv2 = plan.Sections.SelectMany(s => s.Ops).OfType<ConvolutionOp>().Single(c => c.Module == "layer1.0.conv2");

        // width = int(64 * 4 / 64) * 32 = 128
        Assert.Equal(128, conv2.OutputShape.Channels);
        Assert.Equal(32, conv2.Groups);
    }

    [Theory]
    [InlineData(224, 224, 1)]
    [InlineData(97, 61, 1)]
    [InlineData(1, 1, 1)]
    [InlineData(32, 32, 3)]
    public void Output_sizes_follow_torch_formula(int height, int width, int batch)
    {
        NetworkGraph plan = Plan(Spec("resnet50") with { InputHeight = height, InputWidth = width, BatchSize = batch });
        foreach (GraphOp op in plan.Ops)
        {
            if (op is ConvolutionOp c)
            {
                Assert.Equal(((c.InputShape.Height + (2 * c.Padding) - (c.Dilation * (c.Kernel - 1)) - 1) / c.Stride) + 1, c.OutputShape.Height);
                Assert.Equal(((c.InputShape.Width + (2 * c.Padding) - (c.Dilation * (c.Kernel - 1)) - 1) / c.Stride) + 1, c.OutputShape.Width);
            }

            Assert.True(op.OutputShape.Height >= 1 && op.OutputShape.Width >= 1);
        }

        Assert.Equal(batch * 1000, plan.OutputLength);
    }

    [Fact]
    public void Empty_feature_map_names_the_first_layer()
    {
        // Torchvision's geometry keeps every map non-empty for inputs of at least 1x1, so this path is only
        // reachable from an unvalidated spec; the generator validates sizes first (RNG005).
        NetworkGraph? plan = Planner.Plan(Spec("resnet18") with { InputHeight = 0 }, out PlanError? error);

        Assert.Null(plan);
        Assert.Equal(PlanErrorKind.EmptyFeatureMap, error!.Kind);
        Assert.Equal("conv1", error.Module);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Memory_plan_never_overlaps_live_buffers(string name)
    {
        CpuSchedule plan = Schedule(Spec(name) with { InputHeight = 64, InputWidth = 48, BatchSize = 2 });
        PlannedBuffer[] arena = plan.Buffers.Where(b => b.Location == BufferLocation.Arena).ToArray();

        foreach (PlannedBuffer a in arena)
        {
            Assert.Equal(0, a.Offset % MemoryPlanner.Alignment);
            Assert.True(a.Offset + a.Length <= plan.ArenaLength);
            foreach (PlannedBuffer b in arena.Where(b => b.Id < a.Id))
            {
                bool aliveTogether = a.FirstUse <= b.LastUse && b.FirstUse <= a.LastUse;
                bool overlap = a.Offset < b.Offset + b.Length && b.Offset < a.Offset + a.Length;

                // The one exception: a sum written in place of the residual it reads for the last time.
                bool inPlace = (a.Overwrites == b.Id && a.FirstUse == b.LastUse) || (b.Overwrites == a.Id && b.FirstUse == a.LastUse);
                Assert.False(aliveTogether && overlap && !inPlace, $"buffers {a.Id} and {b.Id} overlap while both are alive");
                if (inPlace)
                {
                    Assert.Equal((a.Offset, a.Length), (b.Offset, b.Length));
                }
            }
        }

        // No plan can use less than the most memory alive at any one op; greedy-by-size must come close to it. A buffer
        // written in place of another and the other are one piece of memory.
        long lowerBound = Enumerable.Range(0, plan.Graph.Sections.Sum(s => s.Ops.Count))
            .Max(op => arena.Where(b => b.FirstUse <= op && op <= b.LastUse && !(b.Overwrites >= 0 && b.FirstUse == op)).Sum(b => (b.Length + 15) / 16 * 16));
        Assert.True(plan.ArenaLength <= lowerBound * 1.25, $"arena {plan.ArenaLength}, lower bound {lowerBound}");
    }

    [Theory]
    [InlineData("resnet50", 1)]
    [InlineData("resnet18", 4)] // image by image
    [InlineData("resnext50_32x4d", 1)]
    [InlineData("basic_1111_headless", 2)]
    public void Residual_blocks_write_their_sum_over_the_shortcut(string name, int batch)
    {
        CpuSchedule plan = Schedule(Spec(name) with { BatchSize = batch });
        ConvolutionOp[] withResidual = plan.Graph.Ops.OfType<ConvolutionOp>().Where(c => c.Residual >= 0).ToArray();

        Assert.NotEmpty(withResidual);
        foreach (ConvolutionOp c in withResidual)
        {
            PlannedBuffer sum = plan.BufferOf(c.Destination);
            PlannedBuffer shortcut = plan.BufferOf(c.Residual);
            Assert.Equal(c.Residual, sum.Overwrites);
            Assert.Equal((BufferLocation.Arena, shortcut.Offset, shortcut.Length), (sum.Location, sum.Offset, sum.Length));
        }

        Assert.All(plan.Buffers.Where(b => b.Overwrites >= 0), b => Assert.Contains(withResidual, c => c.Destination == b.Id));
    }

    [Theory]
    [InlineData("resnet50", 1)]
    [InlineData("resnet18", 4)] // image by image
    [InlineData("wide_resnet50_2", 2)]
    public void The_stem_pools_its_rows_in_its_own_call(string name, int batch)
    {
        CpuSchedule plan = Schedule(Spec(name) with { BatchSize = batch });
        List<GraphOp> ops = plan.Graph.Ops.ToList();
        MaxPoolOp pool = Assert.Single(ops.OfType<MaxPoolOp>());
        ConvolutionOp stem = ops.OfType<ConvolutionOp>().Single(c => c.Destination == pool.Source);

        Assert.Equal(pool, plan.Of(stem).Pool);
        Assert.True(plan.PoolsInItsConvolution(pool));
        Assert.All(plan.Convolutions.Where(c => c.Module != stem.Module), c => Assert.Null(c.Pool));

        // The pool writes while the stem still reads its input: the two buffers are alive together and apart in memory.
        PlannedBuffer pooled = plan.BufferOf(pool.Destination);
        PlannedBuffer input = plan.BufferOf(stem.Source);
        Assert.Equal(ops.IndexOf(stem), pooled.FirstUse);
        Assert.True(pooled.Offset >= input.Offset + input.Length || input.Offset >= pooled.Offset + pooled.Length);
    }

    [Fact]
    public void A_sum_takes_the_residual_memory_only_when_nothing_reads_the_residual_later()
    {
        // Buffers: 0 the input, 1 and 2 written by ops 0 and 1, 3 = op 2's sum with residual 1, 4 the output.
        var lengths = new long[] { 64, 64, 64, 64, 10 };
        BufferUse Use(int destination, int workspace = -1, int inPlaceOf = -1, params int[] reads) => new(destination, new EquatableArray<int>(reads), workspace, inPlaceOf);

        PlannedBuffer[] lastRead = MemoryPlanner.Assign(
            lengths, [Use(1, reads: 0), Use(2, reads: 1), Use(3, inPlaceOf: 1, reads: [2, 1]), Use(4, reads: 3)], 0, 4, out long arena, out _).ToArray();
        Assert.Equal(1, lastRead[3].Overwrites);
        Assert.Equal(lastRead[1].Offset, lastRead[3].Offset);
        Assert.Equal(128, arena);

        // The residual is read again after the sum: the sum gets memory of its own.
        PlannedBuffer[] readLater = MemoryPlanner.Assign(
            lengths, [Use(1, reads: 0), Use(2, reads: 1), Use(3, inPlaceOf: 1, reads: [2, 1]), Use(4, reads: [3, 1])], 0, 4, out arena, out _).ToArray();
        Assert.Equal(-1, readLater[3].Overwrites);
        Assert.NotEqual(readLater[1].Offset, readLater[3].Offset);
        Assert.Equal(192, arena);

        // The residual is also the op's source: the convolution still needs it after writing the first outputs.
        PlannedBuffer[] alsoSource = MemoryPlanner.Assign(
            lengths, [Use(1, reads: 0), Use(3, inPlaceOf: 1, reads: [1, 1]), Use(4, reads: 3)], 0, 4, out _, out _).ToArray();
        Assert.Equal(-1, alsoSource[3].Overwrites);

        // The caller's input is never written over.
        PlannedBuffer[] overInput = MemoryPlanner.Assign(
            lengths, [Use(1, reads: 0), Use(3, inPlaceOf: 0, reads: [1, 0]), Use(4, reads: 3)], 0, 4, out _, out _).ToArray();
        Assert.Equal(-1, overInput[3].Overwrites);
    }

    [Theory]
    [InlineData("resnet50", 224, 1, new[] { "layer1.0.conv2", "layer2.1.conv2", "layer3.1.conv2" }, new[] { "layer2.0.conv2", "layer4.1.conv2" })]
    [InlineData("resnet50", 224, 8, new[] { "layer1.0.conv2", "layer2.1.conv2", "layer3.1.conv2" }, new[] { "layer2.0.conv2", "layer4.1.conv2" })] // image by image: the choices of batch 1
    [InlineData("resnet50", 112, 8, new[] { "layer1.0.conv2", "layer2.1.conv2", "layer3.1.conv2" }, new[] { "layer2.0.conv2", "layer4.1.conv2" })] // layer by layer
    [InlineData("resnet50", 56, 8, new[] { "layer1.0.conv2", "layer2.1.conv2" }, new[] { "layer3.1.conv2", "layer4.1.conv2" })]
    [InlineData("resnext50_32x4d", 224, 1, new string[0], new[] { "layer1.0.conv2" })]
    public void Layers_winograd_can_compute_get_a_workspace_alive_only_during_their_op(string name, int size, int batch, string[] winograd, string[] direct)
    {
        CpuSchedule plan = Schedule(Spec(name) with { BatchSize = batch, InputHeight = size, InputWidth = size });
        Assert.Equal(plan.ImageByImage ? 1 : batch, plan.KernelBatch);
        batch = plan.KernelBatch;
        List<GraphOp> ops = plan.Graph.Ops.ToList();
        List<ConvolutionOp> convolutions = ops.OfType<ConvolutionOp>().ToList();
        Assert.All(winograd, module => Assert.Equal(ConvolutionAlgorithm.Winograd, plan.Of(convolutions.Single(c => c.Module == module)).Algorithm));
        Assert.All(direct, module => Assert.NotEqual(ConvolutionAlgorithm.Winograd, plan.Of(convolutions.Single(c => c.Module == module)).Algorithm));

        PlannedBuffer[] arena = plan.Buffers.Where(b => b.Location == BufferLocation.Arena).ToArray();
        foreach (ConvolutionOp c in convolutions)
        {
            CpuConvolution scheduled = plan.Of(c);
            Assert.Equal(scheduled.ChoosesByProfile, scheduled.Workspace >= 0);
            Assert.True(scheduled.Algorithm != ConvolutionAlgorithm.Winograd || scheduled.ChoosesByProfile);
            if (scheduled.Workspace < 0)
            {
                continue;
            }

            int index = ops.IndexOf(c);
            PlannedBuffer workspace = plan.Buffers[scheduled.Workspace];
            Assert.Equal((index, index), (workspace.FirstUse, workspace.LastUse));
            Assert.Equal(CpuTuning.WorkspaceLength(ConvolutionAlgorithm.Winograd, batch, c.InputShape.Channels, c.OutputShape.Channels, c.OutputShape.Height, c.OutputShape.Width), workspace.Length);

            // Room for at least one 4x4 block, and never more than twice the output unless the weights' bound allows it.
            long perBlock = CpuTuning.WinogradPoints * (c.InputShape.Channels + c.OutputShape.Channels);
            Assert.True(workspace.Length >= perBlock && workspace.Length % perBlock == 0);
            Assert.True(workspace.Length <= System.Math.Max(2L * batch * c.OutputShape.Length, CpuTuning.WinogradPoints * (long)c.InputShape.Channels * c.OutputShape.Channels / 8));

            foreach (PlannedBuffer other in arena.Where(b => b.Id != workspace.Id && b.FirstUse <= index && index <= b.LastUse))
            {
                Assert.False(
                    workspace.Offset < other.Offset + other.Length && other.Offset < workspace.Offset + workspace.Length,
                    $"{c.Module}'s workspace overlaps buffer {other.Id}, alive at the same op");
            }
        }
    }

    [Fact]
    public void Every_op_reads_buffers_written_earlier()
    {
        CpuSchedule schedule = Schedule(Spec("resnet50"));
        NetworkGraph plan = schedule.Graph;
        var written = new HashSet<int> { 0 };
        foreach (GraphOp op in plan.Ops)
        {
            Assert.Contains(op.Source, written);
            if (op is ConvolutionOp { Residual: >= 0 } c)
            {
                Assert.Contains(c.Residual, written);
                Assert.Equal(c.OutputShape.Length, schedule.BufferOf(c.Residual).Length);
                Assert.Equal(c.OutputShape, plan.Values[c.Residual].Shape);
            }

            Assert.True(written.Add(op.Destination));
        }
    }
}
