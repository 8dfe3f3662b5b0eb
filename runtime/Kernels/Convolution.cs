using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>
/// 2-D convolution on channels-last (NHWC) feature maps, as an indirect implicit GEMM: for each tile of
/// <see cref="PixelTile"/> output pixels and <see cref="ChannelTile"/> output channels, a register-blocked
/// micro-kernel walks the kernel taps; for each tap it points at the six input pixels the tap reads (or at zeros
/// when the tap falls in the padding) and accumulates <c>input channels x 12</c> fused multiply-adds from the
/// packed weights. No patch matrix is ever built, and the epilogue (bias, optional residual, optional ReLU) is
/// applied as the tile is stored, so each output is written exactly once. Tiles are spread over
/// a <see cref="WorkerPool"/>, <see cref="WorkerPool.Shared"/> unless the call names another.
/// </summary>
/// <remarks>
/// <para>
/// This file is the driver: validation, task split, input tables and the choice of micro-kernel. Each micro-kernel
/// lives in the file of its instruction set: <c>Convolution.Avx512.cs</c>, <c>Convolution.Avx2.cs</c> and
/// <c>Convolution.Scalar.cs</c>. The vector tiles use the cross-platform <see cref="Vector256"/> and
/// <see cref="Vector512"/> APIs throughout; which tile runs is decided once per call from
/// <see cref="KernelSettings.InstructionSet"/>, never inside a tile.
/// </para>
/// <para>
/// On Arm64 there is no 128-bit (<see cref="Vector128"/>) tile. <c>Avx2.IsSupported</c>, <c>Fma.IsSupported</c> and
/// <c>Avx512F.IsSupported</c> are false there, and so is <see cref="Vector256.IsHardwareAccelerated"/> (AdvSimd registers
/// are 128 bits wide), so <see cref="KernelSettings.HardwareInstructionSet"/> is <see cref="KernelInstructionSet.Scalar"/>
/// and every convolution runs the scalar tile; the <see cref="Vector256"/> and <see cref="Vector512"/> tiles are never
/// called. Code elsewhere that uses <see cref="Vector256"/> without such a check (the Winograd transforms, max pooling,
/// the epilogues of the vector tiles) does run on Arm64, emulated by the runtime's software fallback (each 256-bit
/// operation done as two 128-bit halves). The linear layer's vector dot product is gated on
/// <see cref="KernelSettings.InstructionSet"/> and takes its scalar loop there.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
// Every stackalloc here is written before it is read. Zeroing them is not only wasted: under NativeAOT the zeroing is a
// call, and a call in a tile's epilogue, where the accumulators are still live, makes the register allocator spill all
// of them inside the tile's inner loop (measured: the AVX2 tile 9 times slower than under the JIT).
[SkipLocalsInit]
public static unsafe partial class Convolution
{
    /// <summary>Output pixels per micro-kernel tile (rows of broadcasts).</summary>
    public const int PixelTile = 6;

    /// <summary>Output channels per micro-kernel tile (two <see cref="Vector256{T}"/> of floats).</summary>
    public const int ChannelTile = 16;

    /// <summary>
    /// Bytes of weight panels one task covers (256 KB, half of a Zen 3 core's L2): every tile of input rows is read
    /// once and reused across that many panels. Measured on ResNet-50 at 224x224: about 10% less CPU time per call
    /// than one panel per task.
    /// </summary>
    internal const int PanelBudget = 256 * 1024;

    /// <summary>Tasks per thread a call is cut into, so uneven tasks still balance.</summary>
    private const int TasksPerThread = 8;

    /// <summary>Zeros read by taps that fall in the padding; as long as the widest input channel count.</summary>
    private static float[] s_zeros = GC.AllocateArray<float>(4096, pinned: true);

    /// <summary>Runs one convolution over a whole batch (NHWC in, NHWC out).</summary>
    /// <typeparam name="TEpilogue">What is done with each output: <see cref="Bias"/>, <see cref="BiasRelu"/> or <see cref="BiasResidualRelu"/>.</typeparam>
    /// <param name="layer">Prepared weights.</param>
    /// <param name="geometry">Every size of the call.</param>
    /// <param name="algorithm">How the micro-kernel reads the input; chosen by the generator per layer, and must be <see cref="Supports">supported</see> for the geometry.</param>
    /// <param name="source">Input feature maps, <c>Batch x InHeight x InWidth x InChannels</c>.</param>
    /// <param name="destination">
    /// Output feature maps, <c>Batch x OutHeight x OutWidth x OutChannels</c>; must not overlap the source. It may start where the
    /// residual starts (the sums then replace the residual in place, each element read just before it is written), but must
    /// not otherwise overlap it.
    /// </param>
    /// <param name="residual">Added before ReLU when <typeparamref name="TEpilogue"/> uses it; same layout as the output. Otherwise ignored.</param>
    /// <param name="workspace">
    /// Scratch for <see cref="ConvolutionAlgorithm.Winograd"/>, not overlapping the other spans: at least
    /// <see cref="Winograd.WorkspaceLength"/> floats (one 4x4 block); more lets the call take fewer passes. The other algorithms need none.
    /// </param>
    /// <param name="workers">The threads that share the call; null for <see cref="WorkerPool.Shared"/>.</param>
    /// <exception cref="ArgumentException">The geometry does not match the layer, the layer was prepared for another algorithm, or a span is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TEpilogue>(
        ConvolutionLayer layer, in ConvolutionGeometry geometry, ConvolutionAlgorithm algorithm, ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<float> residual,
        Span<float> workspace = default, WorkerPool? workers = null)
        where TEpilogue : struct, IEpilogue
    {
        Validate<TEpilogue>(layer, geometry, source.Length, destination.Length, residual.Length);
        ValidateAlgorithm(layer, geometry, algorithm, workspace.Length);
        ValidateOverlaps<TEpilogue>(source, destination, residual);
        float[] zeros = Zeros(layer.InChannelsPerGroup);
        fixed (float* input = source)
        fixed (float* output = destination)
        fixed (float* shortcut = residual)
        fixed (float* scratch = workspace)
        fixed (float* weights = layer.PackedWeights)
        fixed (float* bias = layer.PackedBias)
        fixed (float* zero = zeros)
        {
            if (algorithm == ConvolutionAlgorithm.Winograd)
            {
                Winograd.Forward<TEpilogue>(layer, geometry, input, output, shortcut, weights, bias, scratch, workspace.Length, zero, workers ?? WorkerPool.Shared);
                return;
            }

            Job job = NewJob(layer, geometry, algorithm, input, output, TEpilogue.UsesResidual ? shortcut : null, weights, bias, zero);
            WorkerPool pool = workers ?? WorkerPool.Shared;
            int tasks = SplitIntoTasks(ref job, layer.PanelLength, pool.ThreadCount);
            pool.Run(&Execute<TEpilogue>, &job, tasks);
        }
    }

    /// <summary>The algorithm can compute the geometry, the layer was prepared for it, and the workspace is large enough for it.</summary>
    private static void ValidateAlgorithm(ConvolutionLayer layer, in ConvolutionGeometry geometry, ConvolutionAlgorithm algorithm, int workspaceLength)
    {
        if (!Supports(algorithm, geometry))
        {
            throw new ArgumentException($"{algorithm} cannot compute a {geometry.Kernel}x{geometry.Kernel} convolution with stride {geometry.Stride}, padding {geometry.Padding}, dilation {geometry.Dilation}, {geometry.Groups} group(s) and {geometry.InChannels}→{geometry.OutChannels} channels.", nameof(algorithm));
        }

        if ((algorithm == ConvolutionAlgorithm.Winograd) != layer.IsWinograd)
        {
            throw new ArgumentException(
                layer.IsWinograd
                    ? $"The layer was prepared for {nameof(ConvolutionAlgorithm.Winograd)} and cannot run as {algorithm}."
                    : $"The layer was not prepared for {nameof(ConvolutionAlgorithm.Winograd)}: prepare it with {nameof(ConvolutionLayer)}.{nameof(ConvolutionLayer.Fold)}(..., {nameof(ConvolutionAlgorithm)}.{nameof(ConvolutionAlgorithm.Winograd)}).",
                nameof(algorithm));
        }

        long needed = algorithm == ConvolutionAlgorithm.Winograd ? Winograd.WorkspaceLength(geometry.InChannels, geometry.OutChannels) : 0;
        if (workspaceLength < needed)
        {
            throw new ArgumentException($"The workspace holds {workspaceLength} floats; a Winograd convolution of {geometry.InChannels}→{geometry.OutChannels} channels needs at least {needed}.", "workspace");
        }
    }

    /// <summary>The destination overlaps neither the source nor the residual, unless it is the residual's own memory.</summary>
    private static void ValidateOverlaps<TEpilogue>(ReadOnlySpan<float> source, ReadOnlySpan<float> destination, ReadOnlySpan<float> residual)
        where TEpilogue : struct, IEpilogue
    {
        if (destination.Overlaps(source))
        {
            throw new ArgumentException("The destination overlaps the source: a convolution reads each input pixel for several outputs, so it cannot write over its input.", nameof(destination));
        }

        if (TEpilogue.UsesResidual && destination.Overlaps(residual, out int offset) && offset != 0)
        {
            throw new ArgumentException($"The destination and the residual overlap with their starts {Math.Abs(offset)} floats apart: the destination may be the residual's own memory (the same start) or lie apart from it, nothing in between.", nameof(destination));
        }
    }

    /// <summary>The direct algorithms' call description: pointers, sizes and how the input is read (segments of the reduction).</summary>
    private static Job NewJob(
        ConvolutionLayer layer, in ConvolutionGeometry geometry, ConvolutionAlgorithm algorithm,
        float* input, float* output, float* residual, float* weights, float* bias, float* zero)
    {
        var job = new Job
        {
            Input = input,
            Output = output,
            Residual = residual,
            Weights = weights,
            Bias = bias,
            Zeros = zero,
            InChannels = geometry.InChannels,
            InChannelsPerGroup = layer.InChannelsPerGroup,
            InHeight = geometry.InHeight,
            InWidth = geometry.InWidth,
            OutChannels = geometry.OutChannels,
            OutChannelsPerGroup = layer.OutChannelsPerGroup,
            OutHeight = geometry.OutHeight,
            OutWidth = geometry.OutWidth,
            Kernel = geometry.Kernel,
            Stride = geometry.Stride,
            Padding = geometry.Padding,
            Dilation = geometry.Dilation,
            PanelsPerGroup = layer.PanelsPerGroup,
            Pixels = geometry.Batch * geometry.OutHeight * geometry.OutWidth,
            PanelLength = layer.PanelLength,
            Panels = geometry.Groups * layer.PanelsPerGroup,
            InstructionSet = KernelSettings.InstructionSet,
        };
        job.Mode = algorithm;
        job.Segments = job.Mode switch { ConvolutionAlgorithm.Pointwise or ConvolutionAlgorithm.PackedPointwise => 1, ConvolutionAlgorithm.Rows => geometry.Kernel, _ => geometry.Kernel * geometry.Kernel };
        job.SegmentLength = layer.InChannelsPerGroup * (job.Mode == ConvolutionAlgorithm.Rows ? geometry.Kernel : 1);
        return job;
    }

    /// <summary>
    /// Cuts the call into tasks of a block of panels over a chunk of pixel tiles, about <see cref="TasksPerThread"/> per thread;
    /// returns the number of tasks.
    /// </summary>
    private static int SplitIntoTasks(ref Job job, int panelLength, int threads)
    {
        // A task covers as many panels as fit in PanelBudget bytes, so each tile of input rows is read once
        // and reused across them while their weights stay in the L2 cache.
        job.PanelsPerTask = PanelsPerTask(panelLength, job.Panels, job.InstructionSet);
        int panelBlocks = (job.Panels + job.PanelsPerTask - 1) / job.PanelsPerTask;
        int tiles = (job.Pixels + PixelTile - 1) / PixelTile;
        int chunks = Math.Clamp((threads * TasksPerThread) / panelBlocks, 1, tiles);
        job.TilesPerChunk = (tiles + chunks - 1) / chunks;
        job.Chunks = (tiles + job.TilesPerChunk - 1) / job.TilesPerChunk;
        return panelBlocks * job.Chunks;
    }

    /// <summary>True when <paramref name="algorithm"/> computes <paramref name="g"/> correctly.</summary>
    public static bool Supports(ConvolutionAlgorithm algorithm, in ConvolutionGeometry g) => algorithm switch
    {
        ConvolutionAlgorithm.Pointwise => g.Kernel == 1 && g.Stride == 1 && g.Padding == 0,
        ConvolutionAlgorithm.PackedPointwise => g.Kernel == 1 && g.Padding == 0 && g.Groups == 1,
        ConvolutionAlgorithm.Rows => g.Padding == 0 && g.Dilation == 1 && g.Groups == 1,
        ConvolutionAlgorithm.Taps => true,
        ConvolutionAlgorithm.Winograd => Winograd.Supports(g),
        _ => false,
    };

    /// <summary>
    /// Panels one task covers: as many as fit in <see cref="PanelBudget"/> bytes, and on the AVX-512 path a multiple of
    /// <see cref="Avx512Panels"/>, so that its micro-kernel always gets four panels where the group has them.
    /// </summary>
    internal static int PanelsPerTask(int panelLength, int panels, KernelInstructionSet instructionSet)
    {
        int perTask = Math.Max(1, PanelBudget / (panelLength * sizeof(float)));
        if (instructionSet == KernelInstructionSet.Avx512)
        {
            perTask = (perTask + Avx512Panels - 1) / Avx512Panels * Avx512Panels;
        }

        return Math.Min(perTask, panels);
    }

    /// <summary>
    /// Whether <see cref="ConvolutionAlgorithm.PackedPointwise"/> copies each tile's input rows together on this instruction set.
    /// The AVX2 tile re-reads the six rows for every 16-channel panel, so rows that share L1 sets cost it up to twice the
    /// time; the AVX-512 tile reads them once per four panels, and there the copy measured slower than none (ResNet-50's
    /// 512- to 2048-channel 1x1 layers: 5–15% per layer, strided projections included), so it reads the rows in place.
    /// </summary>
    internal static bool PacksRows(KernelInstructionSet instructionSet) => instructionSet != KernelInstructionSet.Avx512;

    [ThreadStatic]
    private static float[]? t_rows;

    /// <summary>One task: a block of panels of 16 output channels over one chunk of pixel tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Execute<TEpilogue>(void* context, int task)
        where TEpilogue : struct, IEpilogue
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        int firstPanel = task / job.Chunks * job.PanelsPerTask;
        int lastPanel = Math.Min(firstPanel + job.PanelsPerTask, job.Panels);
        int chunk = task % job.Chunks;
        int firstPixel = chunk * job.TilesPerChunk * PixelTile;
        int lastPixel = Math.Min(firstPixel + (job.TilesPerChunk * PixelTile), job.Pixels);
        RunPixels<TEpilogue>(ref job, firstPanel, lastPanel, firstPixel, lastPixel);
    }

    /// <summary>
    /// The panels [<paramref name="firstPanel"/>, <paramref name="lastPanel"/>) of the output pixels [<paramref name="firstPixel"/>,
    /// <paramref name="lastPixel"/>), in tiles of <see cref="PixelTile"/> from the first pixel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPixels<TEpilogue>(ref Job job, int firstPanel, int lastPanel, int firstPixel, int lastPixel)
        where TEpilogue : struct, IEpilogue
    {
        Windows windows = default;
        float* packed = null;
        float[]? rows = null;
        if (job.Mode == ConvolutionAlgorithm.PackedPointwise && PacksRows(job.InstructionSet))
        {
            rows = t_rows;
            int length = job.Segments * PixelTile * PackedStride(job.SegmentLength);
            if (rows is null || rows.Length < length)
            {
                rows = t_rows = GC.AllocateArray<float>(length, pinned: true);
            }

            packed = (float*)Unsafe.AsPointer(ref rows[0]);
        }

        // The input pointers of every segment of the current tile, computed once and shared by all its panels.
        float** inputs = stackalloc float*[job.Segments * PixelTile];
        for (int pixel = firstPixel; pixel < lastPixel; pixel += PixelTile)
        {
            int count = Math.Min(PixelTile, lastPixel - pixel);
            windows.Locate(ref job, pixel, count);
            if (packed != null)
            {
                // One group only: the table is filled once per tile, then pointed at the copies.
                FillInputs(ref job, ref windows, job.Input, inputs);
                PackInputs(ref job, inputs, packed);
            }

            int tableGroup = packed != null ? 0 : -1;
            int step = job.InstructionSet == KernelInstructionSet.Avx512 ? Avx512Panels : 1;
            for (int panel = firstPanel; panel < lastPanel;)
            {
                int group = panel / job.PanelsPerGroup;
                if (group != tableGroup)
                {
                    FillInputs(ref job, ref windows, job.Input + (group * job.InChannelsPerGroup), inputs);
                    tableGroup = group;
                }

                // Consecutive panels of one group share the input table: the AVX-512 tile takes up to four at once.
                int panels = Math.Min(step, Math.Min(lastPanel, (group + 1) * job.PanelsPerGroup) - panel);
                int channel = (group * job.OutChannelsPerGroup) + ((panel % job.PanelsPerGroup) * ChannelTile);
                int lastChannel = channel + ((panels - 1) * ChannelTile);
                var target = new Target
                {
                    Weights = job.Weights + ((long)panel * job.PanelLength),
                    PanelStride = job.PanelLength,
                    Panels = panels,
                    Bias = job.Bias + (panel * ChannelTile),
                    Inputs = inputs,
                    Output = job.Output + ((long)pixel * job.OutChannels) + channel,
                    Residual = job.Residual == null ? null : job.Residual + ((long)pixel * job.OutChannels) + channel,
                    Rows = count,
                    Channels = Math.Min(ChannelTile, ((group + 1) * job.OutChannelsPerGroup) - lastChannel),
                };
                Tile<TEpilogue>(ref job, ref target);
                panel += panels;
            }
        }

        GC.KeepAlive(rows);
    }

    /// <summary>Floats between packed runs: the run plus 16, so consecutive runs never start 4 KB apart.</summary>
    private static int PackedStride(int channels) => channels + 16;

    /// <summary>
    /// Copies the run of input values each pointer of the tile's table points at into <paramref name="packed"/>,
    /// <see cref="PackedStride"/> apart, and points the table at the copies; taps in the padding keep pointing at zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackInputs(ref Job job, float** inputs, float* packed)
    {
        int length = job.SegmentLength;
        int stride = PackedStride(length);
        for (int i = 0; i < job.Segments * PixelTile; i++)
        {
            float* source = inputs[i];
            if (source != job.Zeros)
            {
                float* copy = packed + ((long)i * stride);
                new ReadOnlySpan<float>(source, length).CopyTo(new Span<float>(copy, length));
                inputs[i] = copy;
            }
        }
    }

    /// <summary>
    /// Writes the six input pointers of every segment (a kernel tap, a kernel row, or the whole reduction) of the tile
    /// <paramref name="windows"/> describes: <c>inputs[segment * 6 + row]</c>, zeros for taps in the padding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillInputs(ref Job job, ref Windows windows, float* input, float** inputs)
    {
        for (int segment = 0; segment < job.Segments; segment++)
        {
            for (int r = 0; r < PixelTile; r++)
            {
                float* row;
                switch (job.Mode)
                {
                    case ConvolutionAlgorithm.Pointwise:
                        row = input + ((long)windows.Pixel[r] * job.InChannels);
                        break;
                    case ConvolutionAlgorithm.Rows:
                        row = input + windows.Image[r] + ((((long)(windows.Y[r] + segment) * job.InWidth) + windows.X[r]) * job.InChannels);
                        break;
                    default:
                        int ky = segment / job.Kernel;
                        int y = windows.Y[r] + (ky * job.Dilation);
                        int x = windows.X[r] + ((segment - (ky * job.Kernel)) * job.Dilation);
                        row = (uint)y < (uint)job.InHeight && (uint)x < (uint)job.InWidth
                            ? input + windows.Image[r] + ((((long)y * job.InWidth) + x) * job.InChannels)
                            : job.Zeros;
                        break;
                }

                inputs[(segment * PixelTile) + r] = row;
            }
        }
    }

    /// <summary>
    /// The micro-kernel on a plain matrix product: <paramref name="count"/> rows (six pointers, the last repeated) of
    /// <paramref name="depth"/> values times the packed panels [<paramref name="firstPanel"/>, <paramref name="lastPanel"/>)
    /// of <paramref name="weights"/>, stored without bias at <paramref name="output"/>, rows of <paramref name="outChannels"/>
    /// floats. <paramref name="zeros"/> holds at least <see cref="ChannelTile"/> zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyPanels(
        float** rows, int count, float* weights, int firstPanel, int lastPanel, int depth, float* zeros, float* output, int outChannels, KernelInstructionSet instructionSet)
    {
        var job = new Job { Segments = 1, SegmentLength = depth, OutChannels = outChannels, InstructionSet = instructionSet };
        var target = new Target { Bias = zeros, Inputs = rows, Rows = count, PanelStride = (long)depth * ChannelTile };
        int step = instructionSet == KernelInstructionSet.Avx512 ? Avx512Panels : 1;
        for (int panel = firstPanel; panel < lastPanel; panel += target.Panels)
        {
            target.Panels = Math.Min(step, lastPanel - panel);
            target.Weights = weights + ((long)panel * depth * ChannelTile);
            target.Output = output + (panel * ChannelTile);
            target.Channels = Math.Min(ChannelTile, outChannels - ((panel + target.Panels - 1) * ChannelTile));
            Tile<Bias>(ref job, ref target);
        }
    }

    /// <summary>Runs the micro-kernel of the job's instruction set on one target.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TEpilogue>(ref Job job, ref Target target)
        where TEpilogue : struct, IEpilogue
    {
        switch (job.InstructionSet)
        {
            case KernelInstructionSet.Avx512:
                TileAvx512<TEpilogue>(ref job, ref target);
                break;
            case KernelInstructionSet.Avx2Fma:
                TileAvx2<TEpilogue>(ref job, ref target);
                break;
            default:
                TileScalar<TEpilogue>(ref job, ref target);
                break;
        }
    }

    /// <summary>
    /// Adds the bias to a tile spilled to memory (<see cref="PixelTile"/> rows of <see cref="ChannelTile"/> floats),
    /// applies the epilogue and stores the tile's valid rows and channels: the scalar tile's store, and the vector tiles'
    /// when a panel is partial.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StorePartial<TEpilogue>(ref Job job, ref Target target, float* tile)
        where TEpilogue : struct, IEpilogue
    {
        for (int r = 0; r < target.Rows; r++)
        {
            long row = (long)r * job.OutChannels;
            for (int j = 0; j < target.Channels; j++)
            {
                float shortcut = TEpilogue.UsesResidual ? target.Residual[row + j] : 0f;
                target.Output[row + j] = TEpilogue.Apply(tile[(r * ChannelTile) + j] + target.Bias[j], shortcut);
            }
        }
    }

    private static float[] Zeros(int channels)
    {
        float[] zeros = s_zeros;
        if (zeros.Length < channels)
        {
            zeros = GC.AllocateArray<float>(channels, pinned: true);
            s_zeros = zeros;
        }

        return zeros;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Validate<TEpilogue>(ConvolutionLayer layer, in ConvolutionGeometry g, int source, int destination, int residual)
        where TEpilogue : struct, IEpilogue
    {
        if (g.Groups != layer.Groups || g.Kernel != layer.Kernel || g.OutChannels != layer.OutChannels || g.InChannels != layer.InChannelsPerGroup * layer.Groups)
        {
            throw new ArgumentException(
                $"The geometry ({g.InChannels}→{g.OutChannels} channels, kernel {g.Kernel}, groups {g.Groups}) does not match the layer " +
                $"({layer.InChannelsPerGroup * layer.Groups}→{layer.OutChannels} channels, kernel {layer.Kernel}, groups {layer.Groups}).",
                "geometry");
        }

        long input = (long)g.Batch * g.InputImageLength;
        long output = (long)g.Batch * g.OutputImageLength;
        if (source < input || destination < output || (TEpilogue.UsesResidual && residual < output))
        {
            throw new ArgumentException(
                $"The spans are too short for a batch of {g.Batch}: source {source} (needs {input}), destination {destination} (needs {output})" +
                (TEpilogue.UsesResidual ? $", residual {residual} (needs {output})." : "."));
        }
    }

    /// <summary>Everything a task needs, on the caller's stack for the duration of the call.</summary>
    private struct Job
    {
        public float* Input;
        public float* Output;
        public float* Residual;
        public float* Weights;
        public float* Bias;
        public float* Zeros;
        public int InChannels;
        public int InChannelsPerGroup;
        public int InHeight;
        public int InWidth;
        public int OutChannels;
        public int OutChannelsPerGroup;
        public int OutHeight;
        public int OutWidth;
        public int Kernel;
        public int Stride;
        public int Padding;
        public int Dilation;
        public int PanelsPerGroup;
        public int PanelLength;
        public int Pixels;
        public int Panels;
        public int PanelsPerTask;
        public int TilesPerChunk;
        public int Chunks;
        public int Segments;
        public int SegmentLength;
        public ConvolutionAlgorithm Mode;
        public KernelInstructionSet InstructionSet;
    }

    /// <summary>
    /// One micro-kernel call: which pixels and panels, where the weights, bias, input and output are; <see cref="Channels"/>
    /// counts the valid channels of the last panel.
    /// </summary>
    private struct Target
    {
        public float* Weights;
        /// <summary>Floats from one panel's weights to the next one's.</summary>
        public long PanelStride;
        /// <summary>Consecutive panels of one group (1 to 4; more than one only on the AVX-512 path).</summary>
        public int Panels;
        public float* Bias;
        public float** Inputs;
        public float* Output;
        public float* Residual;
        public int Rows;
        public int Channels;
    }

    /// <summary>
    /// Where the window of each of a tile's six pixels starts: the pixel's index, its image's offset and the top-left
    /// tap's (y, x). Rows past the last pixel repeat it; their results are never stored.
    /// </summary>
    private struct Windows
    {
        public fixed int Pixel[PixelTile];
        public fixed long Image[PixelTile];
        public fixed int Y[PixelTile];
        public fixed int X[PixelTile];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Locate(ref Job job, int pixel, int count)
        {
            int plane = job.OutHeight * job.OutWidth;
            int n = pixel / plane;
            int rest = pixel - (n * plane);
            int oy = rest / job.OutWidth;
            int ox = rest - (oy * job.OutWidth);
            for (int r = 0; r < PixelTile; r++)
            {
                Pixel[r] = pixel + Math.Min(r, count - 1);
                Image[r] = (long)n * job.InHeight * job.InWidth * job.InChannels;
                Y[r] = (oy * job.Stride) - job.Padding;
                X[r] = (ox * job.Stride) - job.Padding;
                if (r + 1 < count && ++ox == job.OutWidth)
                {
                    ox = 0;
                    if (++oy == job.OutHeight)
                    {
                        oy = 0;
                        n++;
                    }
                }
            }
        }
    }
}
