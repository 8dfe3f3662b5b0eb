using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ResNetGen.Planning
{
    /// <summary>How the CPU runs one convolution of the graph.</summary>
    /// <param name="Module">The convolution's torchvision module.</param>
    /// <param name="Algorithm">The kernel variant on the schedule's profile (<see cref="AlgorithmOn"/>).</param>
    /// <param name="Direct">The direct kernel variant (<see cref="CpuTuning.ChooseDirect"/>): <paramref name="Algorithm"/> unless that is Winograd.</param>
    /// <param name="WinogradTiles">
    /// The 4x4 output blocks of one call where Winograd can compute the convolution, and 0 where it cannot: then every
    /// profile chooses between Winograd and <paramref name="Direct"/> (<see cref="AlgorithmOn"/>), and the arena has its workspace.
    /// </param>
    /// <param name="Taps">The taps it runs with: the whole kernel unless some read only padding (<see cref="TapWindow"/>).</param>
    /// <param name="Workspace">The buffer of scratch memory Winograd needs while the op runs, or -1.</param>
    /// <param name="Pool">
    /// The max pool that reads only this convolution's output and runs in the same kernel call, band by band as the rows are
    /// made (<see cref="CpuSchedule.PoolsInItsConvolution"/>), or null.
    /// </param>
    internal sealed record CpuConvolution(string Module, ConvolutionAlgorithm Algorithm, ConvolutionAlgorithm Direct, long WinogradTiles, TapWindow Taps, int Workspace, MaxPoolOp? Pool = null) : IConvolutionSchedule
    {
        /// <summary>Whether the CPU's profile chooses this convolution's algorithm (Winograd can compute it).</summary>
        public bool ChoosesByProfile => WinogradTiles > 0;

        /// <summary>The algorithm the convolution <paramref name="op"/> runs with on a CPU of <paramref name="profile"/>.</summary>
        public ConvolutionAlgorithm AlgorithmOn(CpuTuningProfile profile, ConvolutionOp op) =>
            ChoosesByProfile && profile.WinogradPays(WinogradTiles, op.OutputShape.Height, op.OutputShape.Width) ? ConvolutionAlgorithm.Winograd : Direct;
    }

    /// <summary>
    /// The CPU's way of running a <see cref="NetworkGraph"/>: the algorithm and live taps of each convolution, whether a batch
    /// runs one image at a time, the workspaces, and the arena layout. A pure function of the graph
    /// (<see cref="Create"/>), shared by the generator, which emits it as literals, and the fused dynamic graph, which
    /// follows it at run time, so both give the same bits.
    /// </summary>
    /// <param name="Graph">What is computed.</param>
    /// <param name="Profile">The CPU profile the convolutions' <see cref="CpuConvolution.Algorithm"/>s are chosen for; the rest of the schedule, the arena included, is the same for every profile.</param>
    /// <param name="ImageByImage">
    /// Whether the batch runs one image at a time through the backbone (<see cref="CpuTuning.ImageByImageMinimumIntensity"/>):
    /// every kernel then runs with a batch of one, the global average pool writes each image's features after the
    /// backbone's maps (from <see cref="FeaturesOffset"/>), and the classifier reads all of them at once.
    /// </param>
    /// <param name="KernelBatch">The images each backbone kernel call runs: 1 when <paramref name="ImageByImage"/>, else the batch.</param>
    /// <param name="Convolutions">Each convolution's schedule, in execution order.</param>
    /// <param name="Buffers">The graph's values by id (each for <paramref name="KernelBatch"/> images), then the workspaces.</param>
    /// <param name="BackboneArenaLength">Floats of arena the scheduled ops take.</param>
    /// <param name="ArenaLengthWithoutReuse">Floats the scheduled ops would take if no two buffers shared memory.</param>
    /// <param name="FeaturesOffset">Where the batch's pooled features start when <paramref name="ImageByImage"/> (on a cache line after the backbone's maps); -1 otherwise.</param>
    /// <param name="ArenaLength">Floats of arena one call needs.</param>
    internal sealed record CpuSchedule(
        NetworkGraph Graph,
        CpuTuningProfile Profile,
        bool ImageByImage,
        int KernelBatch,
        EquatableArray<CpuConvolution> Convolutions,
        EquatableArray<PlannedBuffer> Buffers,
        int BackboneArenaLength,
        long ArenaLengthWithoutReuse,
        long FeaturesOffset,
        int ArenaLength)
    {
        /// <summary>The buffer that holds graph value <paramref name="value"/>.</summary>
        public PlannedBuffer BufferOf(int value) => Buffers[value];

        /// <summary>The schedule of a convolution of <see cref="Graph"/>.</summary>
        public CpuConvolution Of(ConvolutionOp op) => ConvolutionSchedule.Find(Convolutions, op);

        /// <summary>Whether <paramref name="pool"/> runs in the call of the convolution whose output it reads (<see cref="CpuConvolution.Pool"/>).</summary>
        public bool PoolsInItsConvolution(MaxPoolOp pool)
        {
            foreach (CpuConvolution convolution in Convolutions)
            {
                if (convolution.Pool == pool)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Schedules <paramref name="graph"/> for a CPU of <paramref name="profile"/>, or says why its arena cannot exist (a
        /// buffer or the arena over <see cref="int.MaxValue"/> floats).
        /// </summary>
        public static CpuSchedule? Create(NetworkGraph graph, CpuTuningProfile profile, out PlanError? error)
        {
            error = null;
            bool imageByImage = CpuTuning.RunsImageByImage(graph);
            int batch = imageByImage ? 1 : graph.Spec.BatchSize;

            // Buffers in creation order (each workspace right after the value its convolution writes), so that the memory
            // planner's ties fall as they always have.
            var lengths = new List<long>();
            var names = new List<string>();
            foreach (GraphValue value in graph.Values)
            {
                lengths.Add(value.Shape.Length * batch);
                names.Add(value.Id == NetworkGraph.Input ? "the input" : "the output of '" + value.Producer + "'");
            }

            List<CpuConvolution> convolutions = ScheduleConvolutions(graph, profile, batch, lengths, names, out List<BufferUse> uses, out Dictionary<int, int> workspaceAfter);
            PoolInConvolutions(graph, convolutions, uses);
            int[] order = CreationOrder(graph.Values.Count, workspaceAfter);
            for (int i = 0; i < order.Length; i++)
            {
                if (lengths[order[i]] > int.MaxValue)
                {
                    error = new PlanError(PlanErrorKind.TooLarge, names[order[i]], names[order[i]] + " needs " + lengths[order[i]].ToString("N0", CultureInfo.InvariantCulture) + " floats");
                    return null;
                }
            }

            PlannedBuffer[] buffers = Place(lengths, uses, order, graph.Output, out long backbone, out long withoutReuse);
            long featuresOffset = -1;
            long arena = backbone;
            if (imageByImage)
            {
                featuresOffset = (backbone + MemoryPlanner.Alignment - 1) / MemoryPlanner.Alignment * MemoryPlanner.Alignment;
                arena = featuresOffset + ((long)graph.Spec.BatchSize * graph.FeatureLength);
            }

            if (arena > int.MaxValue)
            {
                error = new PlanError(PlanErrorKind.TooLarge, "arena", "the arena needs " + arena.ToString("N0", CultureInfo.InvariantCulture) + " floats");
                return null;
            }

            return new CpuSchedule(
                graph,
                profile,
                imageByImage,
                batch,
                new EquatableArray<CpuConvolution>(convolutions.ToArray()),
                new EquatableArray<PlannedBuffer>(buffers),
                (int)backbone,
                withoutReuse,
                featuresOffset,
                (int)arena);
        }

        /// <summary>
        /// Each convolution's algorithm, live taps and workspace for kernel calls of <paramref name="batch"/> images; the
        /// workspaces (one for every convolution Winograd can compute, whichever profile runs it) are added to
        /// <paramref name="lengths"/>, and every op's buffers to <paramref name="uses"/>.
        /// </summary>
        private static List<CpuConvolution> ScheduleConvolutions(
            NetworkGraph graph, CpuTuningProfile profile, int batch, List<long> lengths, List<string> names, out List<BufferUse> uses, out Dictionary<int, int> workspaceAfter)
        {
            var convolutions = new List<CpuConvolution>();
            uses = new List<BufferUse>();
            workspaceAfter = new Dictionary<int, int>();
            foreach (GraphOp op in graph.Ops)
            {
                int workspace = -1;
                if (op is ConvolutionOp conv)
                {
                    TapWindow taps = TapWindow.Of(conv.InputShape, conv.OutputShape, conv.Kernel, conv.Stride, conv.Padding, conv.Dilation);
                    FeatureShape o = conv.OutputShape;
                    ConvolutionAlgorithm direct = CpuTuning.ChooseDirect(conv.InputShape.Channels, taps.Count, conv.Stride, taps.Padding, conv.Dilation, conv.Groups);
                    long winogradTiles = CpuTuning.SupportsWinograd(conv.InputShape.Channels, o.Channels, taps.Count, conv.Stride, taps.Padding, conv.Dilation, conv.Groups)
                        ? CpuTuning.WinogradTiles(batch, o.Height, o.Width)
                        : 0;
                    long workspaceLength = winogradTiles > 0
                        ? CpuTuning.WorkspaceLength(ConvolutionAlgorithm.Winograd, batch, conv.InputShape.Channels, o.Channels, o.Height, o.Width)
                        : 0;
                    if (workspaceLength > 0)
                    {
                        workspace = lengths.Count;
                        workspaceAfter[conv.Destination] = workspace;
                        lengths.Add(workspaceLength);
                        names.Add("the " + conv.Module + " workspace");
                    }

                    var scheduled = new CpuConvolution(conv.Module, direct, direct, winogradTiles, taps, workspace);
                    convolutions.Add(scheduled with { Algorithm = scheduled.AlgorithmOn(profile, conv) });
                }

                // A residual is read once per output element, just before that element is stored: the sum can take its place.
                uses.Add(new BufferUse(op.Destination, op.Reads, workspace, op is ConvolutionOp { Residual: >= 0 } withResidual ? withResidual.Residual : -1));
            }

            return convolutions;
        }

        /// <summary>
        /// Gives each 3x3, stride-2, padding-1 max pool (torchvision's, after the stem) to the convolution it reads from when
        /// that convolution adds no residual, runs a direct algorithm on every profile (no profile chooses Winograd for it), and nothing else reads its output: the
        /// pool then reads each band of rows just after the convolution wrote it, still in the core's cache. The convolution's
        /// output stays in the arena as the pooling's scratch, and the pool's output is alive from the convolution's op on
        /// (<see cref="BufferUse.AlsoWrites"/>), so it never shares memory with the convolution's input.
        /// </summary>
        private static void PoolInConvolutions(NetworkGraph graph, List<CpuConvolution> convolutions, List<BufferUse> uses)
        {
            List<GraphOp> ops = graph.Ops.ToList();
            foreach (MaxPoolOp pool in ops.OfType<MaxPoolOp>())
            {
                int opIndex = ops.FindIndex(op => op is ConvolutionOp { Residual: < 0 } && op.Destination == pool.Source);
                int index = opIndex < 0 ? -1 : convolutions.FindIndex(c => c.Module == ops[opIndex].Module);
                bool onlyReader = ops.Count(op => op.Reads.Contains(pool.Source)) == 1;
                if (index >= 0 && onlyReader && pool is { Kernel: 3, Stride: 2, Padding: 1 } && !convolutions[index].ChoosesByProfile)
                {
                    convolutions[index] = convolutions[index] with { Pool = pool };
                    uses[opIndex] = uses[opIndex] with { AlsoWrites = pool.Destination };
                }
            }
        }

        /// <summary>
        /// The arena layout: the memory planner breaks ties between equal lengths in creation order (<paramref name="order"/>),
        /// while buffer ids here put the values first, so the buffers are ranked for it and the answer mapped back.
        /// </summary>
        private static PlannedBuffer[] Place(List<long> lengths, List<BufferUse> uses, int[] order, int output, out long arena, out long withoutReuse)
        {
            var rank = new int[order.Length];
            var rankedLengths = new long[order.Length];
            for (int i = 0; i < order.Length; i++)
            {
                rank[order[i]] = i;
                rankedLengths[i] = lengths[order[i]];
            }

            var rankedUses = new List<BufferUse>();
            foreach (BufferUse use in uses)
            {
                var reads = new int[use.Reads.Count];
                for (int r = 0; r < reads.Length; r++)
                {
                    reads[r] = rank[use.Reads[r]];
                }

                rankedUses.Add(new BufferUse(rank[use.Destination], new EquatableArray<int>(reads), use.Workspace >= 0 ? rank[use.Workspace] : -1, use.InPlaceOf >= 0 ? rank[use.InPlaceOf] : -1, use.AlsoWrites >= 0 ? rank[use.AlsoWrites] : -1));
            }

            EquatableArray<PlannedBuffer> ranked = MemoryPlanner.Assign(rankedLengths, rankedUses, rank[NetworkGraph.Input], rank[output], out arena, out withoutReuse);
            var buffers = new PlannedBuffer[order.Length];
            for (int i = 0; i < order.Length; i++)
            {
                buffers[order[i]] = ranked[i] with { Id = order[i], Overwrites = ranked[i].Overwrites >= 0 ? order[ranked[i].Overwrites] : -1 };
            }

            return buffers;
        }

        /// <summary>Buffer indices in the order they came into being: each value, then the workspace of the convolution that writes it.</summary>
        private static int[] CreationOrder(int values, Dictionary<int, int> workspaceAfter)
        {
            var order = new List<int>();
            for (int value = 0; value < values; value++)
            {
                order.Add(value);
                if (workspaceAfter.TryGetValue(value, out int workspace))
                {
                    order.Add(workspace);
                }
            }

            return order.ToArray();
        }
    }
}
