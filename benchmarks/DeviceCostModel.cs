using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ResNetGen.Planning;

namespace ResNetGen.Benchmarks;

/// <summary>
/// The device schedule on paper, for a GPU that is not here: per convolution of a network, its <see cref="DeviceCost"/>
/// (thread groups, waves, serial K steps, bytes moved, the lower bound from the FMA peak and the memory bandwidth) and
/// whether the launch fills one full wave (a group for every multiprocessor); then the whole network's critical path
/// in serial K steps. Printed for the schedule before (one 64x64x64 tile of 64 threads and one shared-memory stage, the
/// whole kernel window, no split) and after (the device schedule).
/// </summary>
internal static class DeviceCostModel
{
    public static void Run(string gpuName, IReadOnlyList<string> networks)
    {
        GpuModel gpu = GpuModel.Known.TryGetValue(gpuName, out GpuModel? known)
            ? known
            : throw new ArgumentException($"Unknown GPU '{gpuName}'; the cost model knows {string.Join(", ", GpuModel.Known.Keys)}.");
        Console.WriteLine($"Device cost model on paper: {gpu.Name}, {gpu.Multiprocessors} multiprocessors, {gpu.Fp32TeraFlops} TFLOP/s fp32, {gpu.TerabytesPerSecond} TB/s (published figures).");
        foreach (string network in networks)
        {
            (string model, int size, int batch) = Parse(network);
            TorchvisionArchitecture architecture = TorchvisionArchitecture.Find(model) ?? throw new ArgumentException($"Unknown torchvision model '{model}'.");
            ResNetAttribute attribute = architecture.ToAttribute();
            attribute.InputHeight = size;
            attribute.InputWidth = size;
            attribute.BatchSize = batch;
            NetworkGraph graph = ResNetGen.Dynamic.DynamicResNet.Graph(attribute);
            DeviceSchedule schedule = DeviceSchedule.Create(graph, out _) ?? throw new ArgumentException($"{network}: the device arena would not fit in a view.");
            Console.WriteLine();
            Console.WriteLine($"## {network}");
            Report(gpu, graph, schedule, printRows: true);
        }
    }

    /// <summary>The one tile of the first device kernel: 64 x 64 x 64, 64 threads, one stage of 33,792 bytes.</summary>
    private static readonly DeviceTile Before = new(64, 64, 64, 64);

    private const int BeforeSharedBytes = 33_792;

    private static void Report(GpuModel gpu, NetworkGraph graph, DeviceSchedule schedule, bool printRows)
    {
        var invariant = CultureInfo.InvariantCulture;
        int batch = graph.Spec.BatchSize;
        ConvolutionOp[] convolutions = graph.Ops.OfType<ConvolutionOp>().ToArray();
        var standard = convolutions.Select(c => new DeviceConvolution(c.Module, Before, 1, -1, TapWindow.Whole(c.Kernel, c.Padding), string.Empty)).ToArray();
        Console.WriteLine();
        Console.WriteLine("| convolution | shape | tile, split | groups | waves | full wave | serial K steps | MB moved | lower bound µs | before: groups, waves, serial K steps |");
        Console.WriteLine("| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |");
        long steps = 0, stepsBefore = 0;
        int partialWaves = 0, partialWavesBefore = 0;
        double bound = 0, boundBefore = 0;
        for (int i = 0; i < convolutions.Length; i++)
        {
            ConvolutionOp c = convolutions[i];
            DeviceConvolution after = schedule.Of(c);
            (long groups, long waves, long serial, double megabytes, double microseconds) = Cost(gpu, c, after, batch);
            (long groupsBefore, long wavesBefore, long serialBefore, _, double microsecondsBefore) = Cost(gpu, c, standard[i], batch);
            // A full wave: every multiprocessor gets at least one group.
            bool full = groups >= gpu.Multiprocessors;
            partialWaves += full ? 0 : 1;
            partialWavesBefore += groupsBefore >= gpu.Multiprocessors ? 0 : 1;
            steps += serial;
            stepsBefore += serialBefore;
            bound += microseconds;
            boundBefore += microsecondsBefore;
            if (printRows)
            {
                string split = after.KSplit == 1 ? "whole" : "K/" + after.KSplit.ToString(invariant);
                Console.WriteLine(string.Create(
                    invariant,
                    $"| {c.Module} | {c.InputShape}→{c.OutputShape} k{c.Kernel} s{c.Stride}{(c.Groups > 1 ? " g" + c.Groups.ToString(invariant) : string.Empty)} | {after.Tile.TypeName}, {split} | {groups} | {waves} | {(full ? "yes" : "no")} | {serial} | {megabytes:F1} | {microseconds:F1} | {groupsBefore}, {wavesBefore}, {serialBefore} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(
            invariant,
            $"Critical path: {steps} serial K steps of 64 values (before: {stepsBefore}); convolutions short of one full wave: {partialWaves} of {convolutions.Length} (before: {partialWavesBefore}); sum of the convolutions' lower bounds {bound / 1000:F2} ms, at batch {batch}."));
    }

    private static (long Groups, long Waves, long Serial, double Megabytes, double Microseconds) Cost(GpuModel gpu, ConvolutionOp c, DeviceConvolution scheduled, int batch)
    {
        DeviceCost cost = DeviceCost.Of(gpu, c, scheduled, batch, scheduled.Tile == Before ? BeforeSharedBytes : 0);
        return (cost.Groups, cost.Waves, cost.SerialSteps, cost.Megabytes, cost.LowerBoundMicroseconds);
    }

    /// <summary><c>resnet50-224-b32</c> → (resnet50, 224, 32).</summary>
    private static (string Model, int Size, int Batch) Parse(string network)
    {
        string[] parts = network.Split('-');
        if (parts.Length != 3 || !parts[2].StartsWith('b')
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int size)
            || !int.TryParse(parts[2][1..], NumberStyles.None, CultureInfo.InvariantCulture, out int batch))
        {
            throw new ArgumentException($"'{network}' is not MODEL-SIZE-bBATCH, e.g. resnet50-224-b32.");
        }

        return (parts[0], size, batch);
    }
}
