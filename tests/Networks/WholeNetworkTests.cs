using System;
using System.Linq;
using System.Threading.Tasks;
using ResNetGen.Planning;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>Generated networks against the independent float64 reference, and under concurrent calls.</summary>
[Collection(nameof(Kernels.KernelSettingsCollection))]
public sealed class WholeNetworkTests
{
    /// <summary>float32 against float64 through a whole network: ‖out − ref‖ / ‖ref‖ ≤ 1e-5.</summary>
    private const double Tolerance = 1e-5;

    [Fact]
    public void Basic_network_matches_reference()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 11);
        TinyBasicNet network = TinyBasicNet.FromStateDict(weights);
        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 12);
        var output = new float[TinyBasicNet.OutputLength];

        network.Forward(input, output);

        double[] expected = new ReferenceResNet(weights, bottleneck: false, new[] { 1, 1, 1, 1 })
            .Forward(input, TinyBasicNet.BatchSize, TinyBasicNet.InputChannels, TinyBasicNet.InputHeight, TinyBasicNet.InputWidth);
        AssertMatchesReference(output, expected, TinyBasicNet.NumClasses);
    }

    [Fact]
    public void Bottleneck_network_with_groups_and_dilation_matches_reference()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBottleneckNet.Parameters, seed: 21);
        TinyBottleneckNet network = TinyBottleneckNet.FromStateDict(weights);
        float[] input = TestWeights.Input(TinyBottleneckNet.InputLength, seed: 22);
        var output = new float[TinyBottleneckNet.OutputLength];

        network.Forward(input, output);

        double[] expected = new ReferenceResNet(weights, bottleneck: true, new[] { 1, 2, 1, 1 }, groups: 4, widthPerGroup: 8, new[] { false, true, true })
            .Forward(input, 1, TinyBottleneckNet.InputChannels, TinyBottleneckNet.InputHeight, TinyBottleneckNet.InputWidth);
        AssertMatchesReference(output, expected, TinyBottleneckNet.NumClasses);
    }

    [Fact]
    public void Networks_whose_small_maps_leave_taps_out_match_reference()
    {
        ResNetGen.Planning.CpuSchedule basicPlan = ResNetGen.Dynamic.DynamicResNet.Schedule(new ResNetAttribute(Block.Basic, 1, 1, 1, 1) { InputHeight = 32, InputWidth = 32, NumClasses = 10, BatchSize = 2 });
        Assert.Equal(new[] { "layer4.0.conv1", "layer4.0.conv2" }, Trimmed(basicPlan));
        StateDict weights = TestWeights.WithRandomBatchNorm(SmallMapBasicNet.Parameters, seed: 41);
        float[] input = TestWeights.Input(SmallMapBasicNet.InputLength, seed: 42);
        var output = new float[SmallMapBasicNet.OutputLength];
        SmallMapBasicNet.FromStateDict(weights).Forward(input, output);
        double[] expected = new ReferenceResNet(weights, bottleneck: false, new[] { 1, 1, 1, 1 })
            .Forward(input, SmallMapBasicNet.BatchSize, SmallMapBasicNet.InputChannels, SmallMapBasicNet.InputHeight, SmallMapBasicNet.InputWidth);
        AssertMatchesReference(output, expected, SmallMapBasicNet.NumClasses);

        ResNetGen.Planning.CpuSchedule dilatedPlan = ResNetGen.Dynamic.DynamicResNet.Schedule(
            new ResNetAttribute(Block.Bottleneck, 1, 1, 1, 2) { Groups = 4, WidthPerGroup = 8, ReplaceStrideWithDilation = new[] { false, false, true }, InputHeight = 32, InputWidth = 32, NumClasses = 7 });
        Assert.Equal(new[] { "layer4.1.conv2" }, Trimmed(dilatedPlan));
        weights = TestWeights.WithRandomBatchNorm(SmallMapDilatedNet.Parameters, seed: 43);
        input = TestWeights.Input(SmallMapDilatedNet.InputLength, seed: 44);
        output = new float[SmallMapDilatedNet.OutputLength];
        SmallMapDilatedNet.FromStateDict(weights).Forward(input, output);
        expected = new ReferenceResNet(weights, bottleneck: true, new[] { 1, 1, 1, 2 }, groups: 4, widthPerGroup: 8, new[] { false, false, true })
            .Forward(input, 1, SmallMapDilatedNet.InputChannels, SmallMapDilatedNet.InputHeight, SmallMapDilatedNet.InputWidth);
        AssertMatchesReference(output, expected, SmallMapDilatedNet.NumClasses);

        static string[] Trimmed(ResNetGen.Planning.CpuSchedule plan) => plan.Graph.Ops.OfType<ResNetGen.Planning.ConvolutionOp>()
            .Where(c => plan.Of(c).Taps.Count < c.Kernel).Select(c => c.Module).ToArray();
    }

    [Fact]
    public void Network_with_winograd_layers_matches_reference_and_allocates_nothing()
    {
        ResNetGen.Planning.CpuSchedule plan = ResNetGen.Dynamic.DynamicResNet.Schedule(
            new ResNetAttribute(Block.Basic, 1, 1, 1, 1) { InputHeight = 64, InputWidth = 72, NumClasses = 10, BatchSize = 2 });
        string[] winograd = plan.Convolutions
            .Where(c => c.Algorithm == ResNetGen.Planning.ConvolutionAlgorithm.Winograd).Select(c => c.Module).ToArray();
        Assert.Equal(new[] { "layer1.0.conv1", "layer1.0.conv2" }, winograd);

        StateDict weights = TestWeights.WithRandomBatchNorm(WinogradBasicNet.Parameters, seed: 31);
        WinogradBasicNet network = WinogradBasicNet.FromStateDict(weights);
        float[] input = TestWeights.Input(WinogradBasicNet.InputLength, seed: 32);
        var output = new float[WinogradBasicNet.OutputLength];
        network.Forward(input, output);

        double[] expected = new ReferenceResNet(weights, bottleneck: false, new[] { 1, 1, 1, 1 })
            .Forward(input, WinogradBasicNet.BatchSize, WinogradBasicNet.InputChannels, WinogradBasicNet.InputHeight, WinogradBasicNet.InputWidth);
        AssertMatchesReference(output, expected, WinogradBasicNet.NumClasses);

        var again = new float[output.Length];
        for (int i = 0; i < 20; i++)
        {
            network.Forward(input, again);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        network.Forward(input, again);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(output, again);
    }

    /// <summary>Within <see cref="Tolerance"/> of the reference, and the same top-1 class for every image.</summary>
    private static void AssertMatchesReference(float[] output, double[] expected, int classes)
    {
        Assert.True(OutputComparison.RelativeError(output, expected) <= Tolerance, $"relative error {OutputComparison.RelativeError(output, expected):E2}");
        for (int image = 0; image < output.Length / classes; image++)
        {
            Assert.Equal(OutputComparison.Top1(expected.AsSpan(image * classes, classes)), OutputComparison.Top1(output.AsSpan(image * classes, classes)));
        }
    }

    [Fact]
    public void Create_random_is_deterministic_and_seed_dependent()
    {
        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 1);
        float[] a = Run(TinyBasicNet.CreateRandom(5), input);
        float[] b = Run(TinyBasicNet.CreateRandom(5), input);
        float[] c = Run(TinyBasicNet.CreateRandom(6), input);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Concurrent_calls_on_one_instance_match_sequential_calls()
    {
        TinyBottleneckNet network = TinyBottleneckNet.FromStateDict(TestWeights.WithRandomBatchNorm(TinyBottleneckNet.Parameters, seed: 3));
        float[][] inputs = Enumerable.Range(0, 8).Select(i => TestWeights.Input(TinyBottleneckNet.InputLength, seed: 100 + i)).ToArray();
        float[][] sequential = inputs.Select(input => Run(network, input)).ToArray();

        var results = new float[4][][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            results[thread] = new float[40][];
            for (int call = 0; call < 40; call++)
            {
                results[thread][call] = Run(network, inputs[(thread + call) % inputs.Length]);
            }
        });

        for (int thread = 0; thread < 4; thread++)
        {
            for (int call = 0; call < 40; call++)
            {
                Assert.Equal(sequential[(thread + call) % inputs.Length], results[thread][call]);
            }
        }
    }

    [Fact]
    public void Resizing_the_shared_pool_during_calls_neither_hangs_nor_changes_results()
    {
        TinyBottleneckNet network = TinyBottleneckNet.CreateRandom(4);
        float[] input = TestWeights.Input(TinyBottleneckNet.InputLength, seed: 5);
        float[] expected = Run(network, input);
        bool stop = false;
        var mismatches = new int[3];
        System.Threading.Thread[] callers = Enumerable.Range(0, 3).Select(index => new System.Threading.Thread(() =>
        {
            while (!System.Threading.Volatile.Read(ref stop))
            {
                mismatches[index] += Run(network, input).AsSpan().SequenceEqual(expected) ? 0 : 1;
            }
        })).ToArray();
        foreach (System.Threading.Thread caller in callers)
        {
            caller.Start();
        }

        for (int i = 0; i < 20; i++)
        {
            ResNetGen.Kernels.WorkerPool.SetSharedThreadCount(1 + (i % 3));
        }

        ResNetGen.Kernels.WorkerPool.SetSharedThreadCount(Environment.ProcessorCount);
        System.Threading.Volatile.Write(ref stop, true);
        Assert.All(callers, caller => Assert.True(caller.Join(TimeSpan.FromSeconds(60)), "a Forward call hung while the pool was replaced"));
        Assert.Equal(new int[3], mismatches);
    }

    [Fact]
    public void Wrong_span_lengths_name_the_expected_length()
    {
        TinyBottleneckNet network = TinyBottleneckNet.CreateRandom(0);

        var error = Assert.Throws<ArgumentException>(() => network.Forward(new float[TinyBottleneckNet.InputLength - 1], new float[TinyBottleneckNet.OutputLength]));
        Assert.Equal("input", error.ParamName);
        Assert.Contains($"exactly {TinyBottleneckNet.InputLength} floats", error.Message);

        error = Assert.Throws<ArgumentException>(() => network.Forward(new float[TinyBottleneckNet.InputLength], new float[3]));
        Assert.Equal("output", error.ParamName);
        Assert.Contains($"exactly {TinyBottleneckNet.OutputLength} floats", error.Message);
    }

    [Fact]
    public void Steady_state_forward_allocates_nothing()
    {
        TinyBasicNet network = TinyBasicNet.CreateRandom(0);
        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 1);
        var output = new float[TinyBasicNet.OutputLength];
        for (int i = 0; i < 200; i++)
        {
            network.Forward(input, output);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            network.Forward(input, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Generated_constants_describe_the_network()
    {
        Assert.Equal(2 * 3 * 40 * 36, TinyBasicNet.InputLength);
        Assert.Equal(20, TinyBasicNet.OutputLength);
        Assert.Equal(TinyBasicNet.ParameterCount, TinyBasicNet.Parameters.Where(p => p.IsParameter).Sum(p => p.ElementCount));
        Assert.True(TinyBasicNet.ArenaLength > 0);
    }

    private static float[] Run(TinyBasicNet network, float[] input)
    {
        var output = new float[TinyBasicNet.OutputLength];
        network.Forward(input, output);
        return output;
    }

    private static float[] Run(TinyBottleneckNet network, float[] input)
    {
        var output = new float[TinyBottleneckNet.OutputLength];
        network.Forward(input, output);
        return output;
    }
}
