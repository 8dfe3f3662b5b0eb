using System.Collections.Generic;
using System.Globalization;

namespace ResNetGen.Planning
{
    /// <summary>
    /// The thread-group shape of the device's implicit-GEMM convolution: <paramref name="Pixels"/> output pixels by
    /// <paramref name="Channels"/> output channels per group, K (input channels x taps) walked <paramref name="Depth"/> at a
    /// time, with <paramref name="Threads"/> threads.
    /// </summary>
    internal readonly record struct DeviceTile(int Pixels, int Channels, int Depth, int Threads)
    {
        /// <summary>The one tile the device kernels have today.</summary>
        public static DeviceTile Standard => new DeviceTile(64, 64, 64, 64);

        public override string ToString() =>
            string.Format(CultureInfo.InvariantCulture, "{0} pixels x {1} channels, K steps of {2}, {3} threads", Pixels, Channels, Depth, Threads);
    }

    /// <summary>How the device runs one convolution: its tile and how many slices K is split into (1: not split).</summary>
    internal sealed record DeviceConvolution(string Module, DeviceTile Tile, int KSplit) : IConvolutionSchedule
    {
        /// <summary>Thread groups one launch of a batch of <paramref name="images"/> starts: pixel tiles x channel tiles x K slices.</summary>
        public long Groups(ConvolutionOp op, int images)
        {
            long pixels = (long)images * op.OutputShape.Height * op.OutputShape.Width;
            long pixelTiles = (pixels + Tile.Pixels - 1) / Tile.Pixels;
            long channelTiles = (op.OutputShape.Channels + Tile.Channels - 1) / Tile.Channels;
            return pixelTiles * channelTiles * KSplit;
        }
    }

    /// <summary>
    /// The device's way of running a <see cref="NetworkGraph"/>: each convolution's kernel and launch shape, and the device
    /// arena. The whole batch runs layer by layer (a GPU wants every image's pixels in one launch), the kernels run the whole
    /// kernel window, and no op needs a workspace, so the arena holds only the graph's values. A pure function of the graph.
    /// </summary>
    internal sealed record DeviceSchedule(
        NetworkGraph Graph,
        EquatableArray<DeviceConvolution> Convolutions,
        EquatableArray<PlannedBuffer> Buffers,
        int ArenaLength,
        long ArenaLengthWithoutReuse)
    {
        /// <summary>The buffer that holds graph value <paramref name="value"/> for the whole batch.</summary>
        public PlannedBuffer BufferOf(int value) => Buffers[value];

        /// <summary>The schedule of a convolution of <see cref="Graph"/>.</summary>
        public DeviceConvolution Of(ConvolutionOp op) => ConvolutionSchedule.Find(Convolutions, op);

        /// <summary>Schedules <paramref name="graph"/> for the device, or says why its arena cannot exist.</summary>
        public static DeviceSchedule? Create(NetworkGraph graph, out PlanError? error)
        {
            error = null;
            int batch = graph.Spec.BatchSize;
            var lengths = new List<long>();
            foreach (GraphValue value in graph.Values)
            {
                lengths.Add(value.Shape.Length * batch);
            }

            var convolutions = new List<DeviceConvolution>();
            var uses = new List<BufferUse>();
            foreach (GraphOp op in graph.Ops)
            {
                if (op is ConvolutionOp conv)
                {
                    convolutions.Add(new DeviceConvolution(conv.Module, DeviceTile.Standard, KSplit: 1));
                }

                uses.Add(new BufferUse(op.Destination, op.Reads, -1));
            }

            EquatableArray<PlannedBuffer> buffers = MemoryPlanner.Assign(lengths, uses, NetworkGraph.Input, graph.Output, out long arena, out long withoutReuse);
            if (arena > int.MaxValue)
            {
                error = new PlanError(PlanErrorKind.TooLarge, "arena", "the device arena needs " + arena.ToString("N0", CultureInfo.InvariantCulture) + " floats");
                return null;
            }

            return new DeviceSchedule(graph, new EquatableArray<DeviceConvolution>(convolutions.ToArray()), buffers, (int)arena, withoutReuse);
        }
    }
}
