using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ResNetGen.Planning;

namespace ResNetGen.Benchmarks;

/// <summary>A GPU as the cost model sees it: published figures, not measured here.</summary>
/// <param name="Name">The GPU.</param>
/// <param name="Multiprocessors">Streaming multiprocessors.</param>
/// <param name="SharedMemoryPerMultiprocessor">Bytes of shared memory per multiprocessor that thread groups can use.</param>
/// <param name="ThreadsPerMultiprocessor">Resident threads per multiprocessor.</param>
/// <param name="GroupsPerMultiprocessor">Resident thread groups per multiprocessor.</param>
/// <param name="Fp32TeraFlops">Peak fp32 FMA throughput without tensor cores, TFLOP/s.</param>
/// <param name="TerabytesPerSecond">Memory bandwidth, TB/s.</param>
internal sealed record GpuModel(string Name, int Multiprocessors, int SharedMemoryPerMultiprocessor, int ThreadsPerMultiprocessor, int GroupsPerMultiprocessor, double Fp32TeraFlops, double TerabytesPerSecond)
{
    /// <summary>NVIDIA's published figures for the GPUs the command knows.</summary>
    public static IReadOnlyDictionary<string, GpuModel> Known { get; } = new Dictionary<string, GpuModel>(StringComparer.OrdinalIgnoreCase)
    {
        ["H200"] = new("H200 (SXM)", 132, 227 * 1024, 2048, 32, 67, 4.8),
        ["H100"] = new("H100 (SXM)", 132, 227 * 1024, 2048, 32, 67, 3.35),
        ["A100"] = new("A100 (SXM, 80 GB)", 108, 163 * 1024, 2048, 32, 19.5, 2.0),
        ["L4"] = new("L4", 58, 99 * 1024, 1536, 24, 30.3, 0.3),
    };

    /// <summary>Thread groups of <paramref name="tile"/> one multiprocessor holds at once: the least of what its shared memory, threads and group slots allow.</summary>
    public int Resident(DeviceTile tile) =>
        Math.Max(1, Math.Min(SharedMemoryPerMultiprocessor / tile.SharedMemoryBytes, Math.Min(ThreadsPerMultiprocessor / tile.Threads, GroupsPerMultiprocessor)));
}

/// <summary>
/// The device schedule on paper, for a GPU that is not here: per convolution of a network, the thread groups launched,
/// the waves they take on the named GPU, the serial K steps (waves x steps each group walks, in steps of 64 reduction
/// values), whether the launch fills one full wave (a group for every multiprocessor), the bytes an implicit GEMM
/// moves, and a lower bound on its time from the FMA peak and the memory bandwidth; then the whole network's critical path
/// in serial K steps. Printed for the schedule before (one 64x64 tile, no split) and after (the device schedule).
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

    private static void Report(GpuModel gpu, NetworkGraph graph, DeviceSchedule schedule, bool printRows)
    {
        var invariant = CultureInfo.InvariantCulture;
        int batch = graph.Spec.BatchSize;
        ConvolutionOp[] convolutions = graph.Ops.OfType<ConvolutionOp>().ToArray();
        var standard = convolutions.Select(c => new DeviceConvolution(c.Module, DeviceTile.Standard, 1, -1, string.Empty)).ToArray();
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

    /// <summary>
    /// One convolution on <paramref name="gpu"/>: groups, waves, serial K steps, the megabytes an implicit GEMM with this
    /// tile reads and writes (each pixel tile reads its patches and each channel tile the weights, once per K step; partial
    /// sums written and read back), and the lower bound: the larger of the FMA time at peak and the time to move each
    /// tensor once.
    /// </summary>
    private static (long Groups, long Waves, long Serial, double Megabytes, double Microseconds) Cost(GpuModel gpu, ConvolutionOp c, DeviceConvolution scheduled, int batch)
    {
        long groups = scheduled.Groups(c, batch);
        long slots = (long)gpu.Multiprocessors * gpu.Resident(scheduled.Tile);
        long waves = (groups + slots - 1) / slots;
        // In steps of 64 reduction values, whatever the tile's depth, so that tiles compare.
        long serial = (waves * scheduled.SerialSteps(c) * scheduled.Tile.Depth + 63) / 64;
        long pixels = (long)batch * c.OutputShape.Height * c.OutputShape.Width;
        long pixelTiles = (pixels + scheduled.Tile.Pixels - 1) / scheduled.Tile.Pixels;
        long channelTiles = (((c.OutputShape.Channels / c.Groups) + scheduled.Tile.Channels - 1) / scheduled.Tile.Channels) * c.Groups;
        long reduction = (long)(c.InputShape.Channels / c.Groups) * c.Kernel * c.Kernel;
        long patches = pixels * reduction * c.Groups * channelTiles / c.Groups;
        long weights = (long)c.OutputShape.Channels * reduction;
        long output = pixels * c.OutputShape.Channels;
        long residual = c.Residual >= 0 ? output : 0;
        long partials = scheduled.KSplit > 1 ? 2L * scheduled.KSplit * output : 0;
        double megabytes = 4.0 * (patches + (weights * pixelTiles) + output + residual + partials) / 1e6;
        long once = (long)batch * c.InputShape.Channels * c.InputShape.Height * c.InputShape.Width + weights + output + residual;
        double flops = 2.0 * c.MultiplyAccumulates * batch;
        double microseconds = Math.Max(flops / (gpu.Fp32TeraFlops * 1e12), 4.0 * once / (gpu.TerabytesPerSecond * 1e12)) * 1e6;
        return (groups, waves, serial, megabytes, microseconds);
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
