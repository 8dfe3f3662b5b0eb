using System.Collections.Generic;

namespace ResNetGen.Planning
{
    /// <summary>A GPU as the device cost model sees it: published figures, not measured here.</summary>
    /// <param name="Name">The GPU.</param>
    /// <param name="Multiprocessors">Streaming multiprocessors.</param>
    /// <param name="SharedMemoryPerMultiprocessor">Bytes of shared memory per multiprocessor that thread groups can use.</param>
    /// <param name="ThreadsPerMultiprocessor">Resident threads per multiprocessor.</param>
    /// <param name="GroupsPerMultiprocessor">Resident thread groups per multiprocessor.</param>
    /// <param name="Fp32TeraFlops">Peak fp32 FMA throughput without tensor cores, TFLOP/s.</param>
    /// <param name="TerabytesPerSecond">Memory bandwidth, TB/s.</param>
    internal sealed record GpuModel(string Name, int Multiprocessors, int SharedMemoryPerMultiprocessor, int ThreadsPerMultiprocessor, int GroupsPerMultiprocessor, double Fp32TeraFlops, double TerabytesPerSecond)
    {
        /// <summary>NVIDIA's published figures for the GPUs the model knows, by short name (H200, H100, A100, L4).</summary>
        public static IReadOnlyDictionary<string, GpuModel> Known { get; } = new Dictionary<string, GpuModel>(System.StringComparer.OrdinalIgnoreCase)
        {
            ["H200"] = new GpuModel("H200 (SXM)", 132, 227 * 1024, 2048, 32, 67, 4.8),
            ["H100"] = new GpuModel("H100 (SXM)", 132, 227 * 1024, 2048, 32, 67, 3.35),
            ["A100"] = new GpuModel("A100 (SXM, 80 GB)", 108, 163 * 1024, 2048, 32, 19.5, 2.0),
            ["L4"] = new GpuModel("L4", 58, 99 * 1024, 1536, 24, 30.3, 0.3),
        };

        /// <summary>
        /// Thread groups of <paramref name="tile"/> one multiprocessor holds at once: the least of what its shared memory
        /// (<paramref name="sharedBytes"/> per group, the tile's own by default), threads and group slots allow.
        /// </summary>
        public int Resident(DeviceTile tile, int sharedBytes = 0) =>
            System.Math.Max(1, System.Math.Min(SharedMemoryPerMultiprocessor / (sharedBytes > 0 ? sharedBytes : tile.SharedMemoryBytes), System.Math.Min(ThreadsPerMultiprocessor / tile.Threads, GroupsPerMultiprocessor)));
    }

    /// <summary>
    /// What one scheduled convolution costs on a <see cref="GpuModel"/>, on paper: the thread groups launched, the waves
    /// they take, the serial K steps (waves x the steps each group walks, in steps of 64 reduction values so that tiles
    /// compare), the megabytes an implicit GEMM with this tile moves (each pixel tile reads its patches and each channel
    /// tile the weights; partial sums written and read back), and a lower bound on its time: the larger of the FMA time at
    /// peak and the time to move each tensor once.
    /// </summary>
    internal readonly record struct DeviceCost(long Groups, long Waves, long SerialSteps, double Megabytes, double LowerBoundMicroseconds)
    {
        /// <summary>The cost of <paramref name="op"/> run as <paramref name="scheduled"/> for <paramref name="batch"/> images on <paramref name="gpu"/>.</summary>
        /// <param name="gpu">The GPU.</param>
        /// <param name="op">The convolution.</param>
        /// <param name="scheduled">Its tile, split and live taps.</param>
        /// <param name="batch">Images per launch.</param>
        /// <param name="sharedBytes">Shared memory per group when not the tile's own (a tile of another kernel); 0 for the tile's own.</param>
        public static DeviceCost Of(GpuModel gpu, ConvolutionOp op, DeviceConvolution scheduled, int batch, int sharedBytes = 0)
        {
            long groups = scheduled.Groups(op, batch);
            long slots = (long)gpu.Multiprocessors * gpu.Resident(scheduled.Tile, sharedBytes);
            long waves = (groups + slots - 1) / slots;
            long serial = ((waves * scheduled.SerialSteps(op) * scheduled.Tile.Depth) + 63) / 64;
            long pixels = (long)batch * op.OutputShape.Height * op.OutputShape.Width;
            long pixelTiles = (pixels + scheduled.Tile.Pixels - 1) / scheduled.Tile.Pixels;
            long channelTiles = ((op.OutputShape.Channels / op.Groups) + scheduled.Tile.Channels - 1) / scheduled.Tile.Channels;
            long reduction = scheduled.Reduction(op);
            long patches = pixels * reduction * channelTiles * op.Groups;
            long weights = op.OutputShape.Channels * reduction;
            long output = pixels * op.OutputShape.Channels;
            long residual = op.Residual >= 0 ? output : 0;
            long partials = scheduled.KSplit > 1 ? 2L * scheduled.KSplit * output : 0;
            double megabytes = 4.0 * (patches + (weights * pixelTiles) + output + residual + partials) / 1e6;
            long once = ((long)batch * op.InputShape.Length) + weights + output + residual;
            double flops = 2.0 * output * reduction;
            double microseconds = System.Math.Max(flops / (gpu.Fp32TeraFlops * 1e12), 4.0 * once / (gpu.TerabytesPerSecond * 1e12)) * 1e6;
            return new DeviceCost(groups, waves, serial, megabytes, microseconds);
        }
    }
}
