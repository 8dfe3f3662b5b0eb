using System.Collections.Generic;
using System.Globalization;

namespace ResNetGen.Planning
{
    /// <summary>
    /// The thread-group shape of the device's implicit-GEMM convolution: <paramref name="Pixels"/> output pixels by
    /// <paramref name="Channels"/> output channels per group, K (input channels x taps) walked <paramref name="Depth"/> at a
    /// time through two shared-memory stages, with <paramref name="Threads"/> threads, each holding
    /// <c>Pixels x Channels / Threads</c> sums in registers.
    /// </summary>
    internal readonly record struct DeviceTile(int Pixels, int Channels, int Depth, int Threads)
    {
        /// <summary>128 pixels x 64 channels, K steps of 16, 128 threads of 8 x 8 sums: the early, wide maps.</summary>
        public static DeviceTile Large => new DeviceTile(128, 64, 16, 128);

        /// <summary>64 pixels x 64 channels, K steps of 32, 128 threads of 4 x 8 sums.</summary>
        public static DeviceTile Standard => new DeviceTile(64, 64, 32, 128);

        /// <summary>32 pixels x 64 channels, K steps of 32, 128 threads of 2 x 8 sums: 14x14 and 7x7 maps.</summary>
        public static DeviceTile Small => new DeviceTile(32, 64, 32, 128);

        /// <summary>256 pixels x 8 channels, K steps of 16, 128 threads of 2 x 8 sums: grouped convolutions of 8 channels per group or fewer.</summary>
        public static DeviceTile Grouped => new DeviceTile(256, 8, 16, 128);

        /// <summary>Every tile of the family, largest pixel extent first.</summary>
        public static DeviceTile[] All => new[] { Grouped, Large, Standard, Small };

        /// <summary>The ResNetGen.Ilgpu type of this tile, e.g. <c>Tile128x64x16</c>.</summary>
        public string TypeName => string.Format(CultureInfo.InvariantCulture, "Tile{0}x{1}x{2}", Pixels, Channels, Depth);

        /// <summary>
        /// Bytes of shared memory a group takes: two stages of the patch tile (rows padded by one float) and of the weight
        /// tile (a quad of padding after every 32 channels but the last), and three ints per pixel.
        /// </summary>
        public int SharedMemoryBytes
        {
            get
            {
                int quads = Channels / 4;
                int weightRow = 4 * (quads + ((quads - 1) / 8));
                return ((2 * Depth * (Pixels + 1 + weightRow)) + (3 * Pixels)) * 4;
            }
        }

        public override string ToString() =>
            string.Format(CultureInfo.InvariantCulture, "{0} pixels x {1} channels, K steps of {2}, {3} threads", Pixels, Channels, Depth, Threads);
    }

    /// <summary>
    /// How the device runs one convolution: its tile, how many slices K is split into (1: not split), the buffer of the
    /// slices' partial sums (-1 when not split), the kernel taps it runs with (the whole kernel unless some read only
    /// padding: <see cref="TapWindow"/>), and why, in words, for the generated comment.
    /// </summary>
    internal sealed record DeviceConvolution(string Module, DeviceTile Tile, int KSplit, int Partials, TapWindow Taps, string Reason) : IConvolutionSchedule
    {
        /// <summary>Reduction values of one output: input channels per group x the live taps.</summary>
        public long Reduction(ConvolutionOp op) => (long)(op.InputShape.Channels / op.Groups) * Taps.Count * Taps.Count;

        /// <summary>Reduction steps one thread group walks (of the tile's depth), in the slowest slice.</summary>
        public int SerialSteps(ConvolutionOp op)
        {
            long steps = (Reduction(op) + Tile.Depth - 1) / Tile.Depth;
            return (int)((steps + KSplit - 1) / KSplit);
        }

        /// <summary>Thread groups one launch of a batch of <paramref name="images"/> starts: pixel tiles x channel tiles x K slices.</summary>
        public long Groups(ConvolutionOp op, int images)
        {
            long pixels = (long)images * op.OutputShape.Height * op.OutputShape.Width;
            long pixelTiles = (pixels + Tile.Pixels - 1) / Tile.Pixels;
            long channelTiles = (op.OutputShape.Channels / op.Groups + Tile.Channels - 1) / Tile.Channels;
            return pixelTiles * channelTiles * op.Groups * KSplit;
        }
    }

    /// <summary>
    /// The device's tuning, for a GPU of the H100/H200 class (132 multiprocessors): the schedule is decided at compile time
    /// from the literal shapes, so it aims at that device, and any smaller one is filled at least as well.
    /// </summary>
    internal static class DeviceTuning
    {
        /// <summary>Multiprocessors of the device the schedule aims to fill (NVIDIA H100 and H200: 132).</summary>
        public const int ReferenceMultiprocessors = 132;

        /// <summary>
        /// A split aims at this many thread groups: two per multiprocessor, so that one group's loads overlap another's
        /// multiply-adds (a multiprocessor holds many more small groups than that).
        /// </summary>
        public const int TargetGroups = 2 * ReferenceMultiprocessors;

        /// <summary>K is split only so far that each slice still walks at least this many steps: fewer would spend more on the partial sums than they save.</summary>
        public const int MinimumStepsPerSlice = 4;

        /// <summary>At most this many slices: each adds a full output of partial sums to read back.</summary>
        public const int MaximumSplit = 16;

        /// <summary>
        /// The tile and K split for one convolution: the grouped tile for groups of 8 channels or fewer; else the largest
        /// tile that still gives every multiprocessor a group; and where even the smallest tile gives fewer than
        /// <see cref="TargetGroups"/>, K split into as many slices as reach it, each slice at least <see cref="MinimumStepsPerSlice"/> steps.
        /// </summary>
        public static (DeviceTile Tile, int KSplit, string Reason) Choose(ConvolutionOp op, TapWindow taps, int batch)
        {
            int perGroup = op.OutputShape.Channels / op.Groups;
            DeviceTile tile;
            string reason;
            if (perGroup <= DeviceTile.Grouped.Channels)
            {
                tile = DeviceTile.Grouped;
                reason = string.Format(CultureInfo.InvariantCulture, "{0} channels per group", perGroup);
            }
            else
            {
                tile = DeviceTile.Small;
                reason = "too few pixels for a larger tile to fill the device";
                foreach (DeviceTile candidate in new[] { DeviceTile.Large, DeviceTile.Standard })
                {
                    if (new DeviceConvolution(op.Module, candidate, 1, -1, taps, string.Empty).Groups(op, batch) >= ReferenceMultiprocessors)
                    {
                        tile = candidate;
                        reason = "the largest tile that still gives every multiprocessor a group";
                        break;
                    }
                }
            }

            var whole = new DeviceConvolution(op.Module, tile, 1, -1, taps, reason);
            long groups = whole.Groups(op, batch);
            int steps = whole.SerialSteps(op);
            if (groups >= TargetGroups || steps < 2 * MinimumStepsPerSlice)
            {
                return (tile, 1, reason);
            }

            int split = (int)System.Math.Min((TargetGroups + groups - 1) / groups, System.Math.Min(steps / MinimumStepsPerSlice, MaximumSplit));
            return split <= 1
                ? (tile, 1, reason)
                : (tile, split, string.Format(CultureInfo.InvariantCulture, "{0}; {1} groups alone would leave multiprocessors short of two each, so K is split in {2}", reason, groups, split));
        }
    }

    /// <summary>
    /// The device's way of running a <see cref="NetworkGraph"/>: each convolution's live taps (the CPU schedule's
    /// <see cref="TapWindow"/>), tile and K split (<see cref="DeviceTuning"/>), and the device arena: the graph's values for the whole batch and the partial sums of the
    /// split convolutions. The whole batch runs layer by layer (a GPU wants every image's pixels in one launch) and the kernels
    /// run the whole kernel window. A pure function of the graph.
    /// </summary>
    internal sealed record DeviceSchedule(
        NetworkGraph Graph,
        EquatableArray<DeviceConvolution> Convolutions,
        EquatableArray<PlannedBuffer> Buffers,
        int ArenaLength,
        long ArenaLengthWithoutReuse)
    {
        /// <summary>The buffer that holds graph value <paramref name="value"/> for the whole batch (workspaces follow the values).</summary>
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
                int partials = -1;
                if (op is ConvolutionOp conv)
                {
                    TapWindow taps = TapWindow.Of(conv.InputShape, conv.OutputShape, conv.Kernel, conv.Stride, conv.Padding, conv.Dilation);
                    (DeviceTile tile, int split, string reason) = DeviceTuning.Choose(conv, taps, batch);
                    if (split > 1)
                    {
                        partials = lengths.Count;
                        lengths.Add(split * conv.OutputShape.Length * batch);
                    }

                    convolutions.Add(new DeviceConvolution(conv.Module, tile, split, partials, taps, reason));
                }

                uses.Add(new BufferUse(op.Destination, op.Reads, partials));
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
