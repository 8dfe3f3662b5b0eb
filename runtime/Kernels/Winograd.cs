using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ResNetGen.Planning;

namespace ResNetGen.Kernels;

/// <summary>
/// 3x3, stride 1, padding 1 convolutions by Winograd's minimal filtering F(4x4, 3x3): each 4x4 block of output pixels
/// is computed from a 6x6 block of input pixels with 36 multiplications per channel pair instead of 144.
/// <list type="number">
/// <item>Input transform: every 6x6 input block <c>d</c> (overlapping by two pixels, zeros outside the map) becomes
/// <c>V = B^T d B</c>, 36 values per input channel, stored as 36 matrices of <c>tiles x InChannels</c>.</item>
/// <item>36 independent products <c>M[xi] = V[xi] U[xi]</c> of <c>tiles x InChannels</c> by <c>InChannels x OutChannels</c>,
/// computed by <see cref="Convolution"/>'s register-blocked micro-kernel on weights transformed once at load
/// (<c>U = G g G^T</c>, see <see cref="TransformWeights"/>).</item>
/// <item>Output transform: <c>Y = A^T M A</c> gives the 4x4 outputs of each block; bias, residual and ReLU are applied
/// as they are stored.</item>
/// </list>
/// The transforms work on eight channels at a time with additions and multiplications only (never fused), in the same
/// order on every path, so results do not depend on the instruction set. Every step is spread over
/// <see cref="WorkerPool.Shared"/>; the transformed blocks live in a workspace the caller provides (a slice of the
/// network's arena), so a call allocates nothing. When the workspace holds fewer blocks than the call has, the blocks
/// go through the three steps in several passes, and each pass reads the transformed weights again.
/// </summary>
/// <remarks>
/// The matrices are Lavin and Gray's for the interpolation points 0, 1, -1, 2, -2 and infinity. In float32 the error
/// reaches about 1e-6 of the sum of the products' magnitudes (the kernel tests allow 1e-5, the direct kernels 1e-6);
/// through whole 224x224 networks the relative error against torchvision stays below 1e-6 (README, Parity).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit] // as Convolution: every stackalloc is written before it is read, and zeroing one is a call under NativeAOT
public static unsafe class Winograd
{
    /// <summary>Output pixels per block side.</summary>
    public const int OutputTile = 4;

    /// <summary>Input pixels per block side: <see cref="OutputTile"/> + 3 - 1.</summary>
    public const int InputTile = 6;

    /// <summary>Transformed values per block and channel: <see cref="InputTile"/> squared.</summary>
    public const int Points = CpuTuning.WinogradPoints;

    /// <summary>Channels the transforms process at once; input and output channel counts must be multiples of it.</summary>
    public const int ChannelBlock = CpuTuning.WinogradChannelBlock;

    /// <summary>Blocks (tasks) per thread each transform is cut into.</summary>
    private const int TasksPerThread = 4;

    /// <summary>
    /// Floats of workspace for one 4x4 block: its transformed input and its 36 products, <c>36 x (in + out channels)</c>.
    /// A call needs at least this much; with room for all of its <c>batch x ceil(height / 4) x ceil(width / 4)</c> blocks it
    /// runs in one pass.
    /// </summary>
    public static long WorkspaceLength(int inChannels, int outChannels) => CpuTuning.WinogradWorkspacePerTile(inChannels, outChannels);

    /// <summary>True when the geometry is one this class computes: 3x3, stride 1, padding 1, no dilation, one group, channels in multiples of 8.</summary>
    public static bool Supports(in ConvolutionGeometry g) =>
        CpuTuning.SupportsWinograd(g.InChannels, g.OutChannels, g.Kernel, g.Stride, g.Padding, g.Dilation, g.Groups);

    /// <summary>
    /// Transforms folded 3x3 weights (OIHW) into the layout the products read: <c>U = G g G^T</c> for every channel pair,
    /// computed in double and rounded once, stored as <c>[point][panel][input channel][channel in panel]</c> with panels of
    /// <see cref="Convolution.ChannelTile"/> output channels, zero-padded.
    /// </summary>
    internal static float[] TransformWeights(ReadOnlySpan<float> weights, int outChannels, int inChannels)
    {
        const int Tile = Convolution.ChannelTile;
        int panels = (outChannels + Tile - 1) / Tile;
        long pointLength = (long)panels * inChannels * Tile;
        var packed = GC.AllocateArray<float>(checked((int)(Points * pointLength)), pinned: true);
        Span<double> g = stackalloc double[9];
        Span<double> gg = stackalloc double[InputTile * 3];
        Span<double> u = stackalloc double[InputTile];
        for (int o = 0; o < outChannels; o++)
        {
            int panel = o / Tile;
            int lane = o % Tile;
            for (int c = 0; c < inChannels; c++)
            {
                for (int t = 0; t < 9; t++)
                {
                    g[t] = weights[(((o * inChannels) + c) * 9) + t];
                }

                // G g: transform each of the three kernel columns, then each of the six resulting rows.
                for (int x = 0; x < 3; x++)
                {
                    KernelColumn(g[x], g[3 + x], g[6 + x], gg, x, 3);
                }

                for (int y = 0; y < InputTile; y++)
                {
                    KernelColumn(gg[(y * 3) + 0], gg[(y * 3) + 1], gg[(y * 3) + 2], u, 0, 1);
                    for (int x = 0; x < InputTile; x++)
                    {
                        long point = (y * InputTile) + x;
                        packed[(point * pointLength) + (((long)panel * inChannels) + c) * Tile + lane] = (float)u[x];
                    }
                }
            }
        }

        return packed;
    }

    /// <summary>
    /// <c>G (g0, g1, g2)</c>: the six transformed values of three kernel taps, written to
    /// <paramref name="destination"/>[offset + i * stride].
    /// </summary>
    private static void KernelColumn(double g0, double g1, double g2, Span<double> destination, int offset, int stride)
    {
        destination[offset] = g0 / 4;
        destination[offset + stride] = -(g0 + g1 + g2) / 6;
        destination[offset + (2 * stride)] = -(g0 - g1 + g2) / 6;
        destination[offset + (3 * stride)] = (g0 / 24) + (g1 / 12) + (g2 / 6);
        destination[offset + (4 * stride)] = (g0 / 24) - (g1 / 12) + (g2 / 6);
        destination[offset + (5 * stride)] = g2;
    }

    /// <summary>
    /// Runs one Winograd convolution; <see cref="Convolution.Forward{TEpilogue}"/> validates the arguments and calls it.
    /// The blocks are processed in as few passes as the workspace allows (at least <see cref="WorkspaceLength(int, int)"/>
    /// floats for one block), each pass through the three steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward<TEpilogue>(
        ConvolutionLayer layer, in ConvolutionGeometry geometry, float* input, float* output, float* residual, float* weights, float* bias,
        float* workspace, long workspaceLength, float* zeros, WorkerPool pool)
        where TEpilogue : struct, IEpilogue
    {
        int tilesHigh = (geometry.OutHeight + OutputTile - 1) / OutputTile;
        int tilesWide = (geometry.OutWidth + OutputTile - 1) / OutputTile;
        int tiles = geometry.Batch * tilesHigh * tilesWide;
        int capacity = (int)Math.Min(tiles, workspaceLength / WorkspaceLength(geometry.InChannels, geometry.OutChannels));
        int passes = (tiles + capacity - 1) / capacity;
        int tilesPerPass = (tiles + passes - 1) / passes;
        var job = new Job
        {
            Input = input,
            Output = output,
            Residual = TEpilogue.UsesResidual ? residual : null,
            Weights = weights,
            Bias = bias,
            Zeros = zeros,
            Transformed = workspace,
            Products = workspace + ((long)Points * tilesPerPass * geometry.InChannels),
            InChannels = geometry.InChannels,
            OutChannels = geometry.OutChannels,
            Height = geometry.OutHeight,
            Width = geometry.OutWidth,
            TilesHigh = tilesHigh,
            TilesWide = tilesWide,
            Panels = layer.PanelsPerGroup,
            InstructionSet = KernelSettings.InstructionSet,
        };

        // Panel blocks keep each product task's weights within the same L2 budget as the direct convolution's.
        job.PanelsPerTask = Convolution.PanelsPerTask(geometry.InChannels * Convolution.ChannelTile, job.Panels, job.InstructionSet);
        job.PanelBlocks = (job.Panels + job.PanelsPerTask - 1) / job.PanelsPerTask;
        for (int firstTile = 0; firstTile < tiles; firstTile += tilesPerPass)
        {
            job.FirstTile = firstTile;
            job.Tiles = Math.Min(tilesPerPass, tiles - firstTile);
            job.TileChunks = Math.Min(job.Tiles, pool.ThreadCount * TasksPerThread);
            job.TilesPerChunk = (job.Tiles + job.TileChunks - 1) / job.TileChunks;
            job.TileChunks = (job.Tiles + job.TilesPerChunk - 1) / job.TilesPerChunk;
            pool.Run(&TransformInput, &job, job.TileChunks);
            pool.Run(&Multiply, &job, Points * job.PanelBlocks);
            pool.Run(&TransformOutput<TEpilogue>, &job, job.TileChunks);
        }
    }

    /// <summary>The blocks of this pass that transform task <paramref name="task"/> covers, [first, last).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int First, int Last) Chunk(ref Job job, int task)
    {
        int first = task * job.TilesPerChunk;
        return (first, Math.Min(first + job.TilesPerChunk, job.Tiles));
    }

    /// <summary>Where block <paramref name="tile"/> starts: its image and its top-left output pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int Image, int Y, int X) Locate(ref Job job, int tile)
    {
        int perImage = job.TilesHigh * job.TilesWide;
        int image = tile / perImage;
        int rest = tile - (image * perImage);
        int row = rest / job.TilesWide;
        return (image, row * OutputTile, (rest - (row * job.TilesWide)) * OutputTile);
    }

    /// <summary>Step 1 for one chunk of blocks: <c>V = B^T d B</c>, eight channels at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput(void* context, int task)
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        float** taps = stackalloc float*[Points];
        Vector256<float>* columns = stackalloc Vector256<float>[Points];
        Vector256<float>* values = stackalloc Vector256<float>[InputTile];
        int channels = job.InChannels;
        long pointStride = (long)job.Tiles * channels;
        (int first, int last) = Chunk(ref job, task);
        for (int tile = first; tile < last; tile++)
        {
            // The 36 input pixels of the block (padding 1: the block starts one pixel up and left of its outputs).
            (int image, int oy, int ox) = Locate(ref job, job.FirstTile + tile);
            for (int i = 0; i < InputTile; i++)
            {
                int y = oy - 1 + i;
                for (int j = 0; j < InputTile; j++)
                {
                    int x = ox - 1 + j;
                    taps[(i * InputTile) + j] = (uint)y < (uint)job.Height && (uint)x < (uint)job.Width
                        ? job.Input + ((((long)image * job.Height) + y) * job.Width + x) * channels
                        : job.Zeros;
                }
            }

            float* transformed = job.Transformed + ((long)tile * channels);
            for (int c = 0; c < channels; c += ChannelBlock)
            {
                // B^T d: each column of the block, then (B^T d) B: each row of the result.
                for (int j = 0; j < InputTile; j++)
                {
                    InputLine(
                        Vector256.Load(taps[j] + c),
                        Vector256.Load(taps[InputTile + j] + c),
                        Vector256.Load(taps[(2 * InputTile) + j] + c),
                        Vector256.Load(taps[(3 * InputTile) + j] + c),
                        Vector256.Load(taps[(4 * InputTile) + j] + c),
                        Vector256.Load(taps[(5 * InputTile) + j] + c),
                        columns + j,
                        InputTile);
                }

                for (int i = 0; i < InputTile; i++)
                {
                    Vector256<float>* row = columns + (i * InputTile);
                    InputLine(row[0], row[1], row[2], row[3], row[4], row[5], values, 1);
                    for (int j = 0; j < InputTile; j++)
                    {
                        values[j].Store(transformed + ((((long)i * InputTile) + j) * pointStride) + c);
                    }
                }
            }
        }
    }

    /// <summary><c>B^T (d0 .. d5)</c>, written to <paramref name="destination"/>[i * stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputLine(
        Vector256<float> d0, Vector256<float> d1, Vector256<float> d2, Vector256<float> d3, Vector256<float> d4, Vector256<float> d5,
        Vector256<float>* destination, int stride)
    {
        Vector256<float> four = Vector256.Create(4f);
        Vector256<float> five = Vector256.Create(5f);
        Vector256<float> two = Vector256.Create(2f);
        Vector256<float> sum12 = d1 + d2;
        Vector256<float> difference12 = d1 - d2;
        Vector256<float> difference31 = d3 - d1;
        Vector256<float> difference42 = d4 - d2;
        destination[0] = ((four * d0) - (five * d2)) + d4;
        destination[stride] = (d3 + d4) - (four * sum12);
        destination[2 * stride] = (d4 - d3) + (four * difference12);
        destination[3 * stride] = difference42 + (two * difference31);
        destination[4 * stride] = difference42 - (two * difference31);
        destination[5 * stride] = ((four * d1) - (five * d3)) + d5;
    }

    /// <summary>Step 2 for one point and one block of panels: <c>M[point] = V[point] U[point]</c> for every block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(void* context, int task)
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        const int Rows = Convolution.PixelTile;
        const int Tile = Convolution.ChannelTile;
        int point = task / job.PanelBlocks;
        int firstPanel = task % job.PanelBlocks * job.PanelsPerTask;
        int lastPanel = Math.Min(firstPanel + job.PanelsPerTask, job.Panels);
        int channels = job.InChannels;
        int outChannels = job.OutChannels;
        float* transformed = job.Transformed + ((long)point * job.Tiles * channels);
        float* weights = job.Weights + ((long)point * job.Panels * channels * Tile);
        float* products = job.Products + ((long)point * job.Tiles * outChannels);
        float** rows = stackalloc float*[Rows];
        for (int tile = 0; tile < job.Tiles; tile += Rows)
        {
            int count = Math.Min(Rows, job.Tiles - tile);
            for (int r = 0; r < Rows; r++)
            {
                rows[r] = transformed + ((long)(tile + Math.Min(r, count - 1)) * channels);
            }

            Convolution.MultiplyPanels(
                rows, count, weights, firstPanel, lastPanel, channels, job.Zeros, products + ((long)tile * outChannels), outChannels, job.InstructionSet);
        }
    }

    /// <summary>Step 3 for one chunk of blocks: <c>Y = A^T M A</c>, plus bias, residual and ReLU, stored where the block lies inside the map.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutput<TEpilogue>(void* context, int task)
        where TEpilogue : struct, IEpilogue
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        const int Outputs = OutputTile * OutputTile;
        float** targets = stackalloc float*[Outputs];
        long* offsets = stackalloc long[Outputs];
        Vector256<float>* columns = stackalloc Vector256<float>[OutputTile * InputTile];
        Vector256<float>* values = stackalloc Vector256<float>[OutputTile];
        int channels = job.OutChannels;
        long pointStride = (long)job.Tiles * channels;
        (int first, int last) = Chunk(ref job, task);
        for (int tile = first; tile < last; tile++)
        {
            (int image, int oy, int ox) = Locate(ref job, job.FirstTile + tile);
            for (int i = 0; i < OutputTile; i++)
            {
                for (int j = 0; j < OutputTile; j++)
                {
                    int y = oy + i;
                    int x = ox + j;
                    bool inside = y < job.Height && x < job.Width;
                    long offset = ((((long)image * job.Height) + y) * job.Width + x) * channels;
                    offsets[(i * OutputTile) + j] = offset;
                    targets[(i * OutputTile) + j] = inside ? job.Output + offset : null;
                }
            }

            float* products = job.Products + ((long)tile * channels);
            for (int k = 0; k < channels; k += ChannelBlock)
            {
                // A^T M: each column of the 6x6 products, then (A^T M) A: each of the four resulting rows.
                for (int j = 0; j < InputTile; j++)
                {
                    float* column = products + (j * pointStride) + k;
                    OutputLine(
                        Vector256.Load(column),
                        Vector256.Load(column + (InputTile * pointStride)),
                        Vector256.Load(column + (2 * InputTile * pointStride)),
                        Vector256.Load(column + (3 * InputTile * pointStride)),
                        Vector256.Load(column + (4 * InputTile * pointStride)),
                        Vector256.Load(column + (5 * InputTile * pointStride)),
                        columns + j,
                        InputTile);
                }

                Vector256<float> bias = Vector256.Load(job.Bias + k);
                for (int i = 0; i < OutputTile; i++)
                {
                    Vector256<float>* row = columns + (i * InputTile);
                    OutputLine(row[0], row[1], row[2], row[3], row[4], row[5], values, 1);
                    for (int j = 0; j < OutputTile; j++)
                    {
                        float* target = targets[(i * OutputTile) + j];
                        if (target != null)
                        {
                            Vector256<float> shortcut = TEpilogue.UsesResidual ? Vector256.Load(job.Residual + offsets[(i * OutputTile) + j] + k) : default;
                            TEpilogue.Apply(values[j] + bias, shortcut).Store(target + k);
                        }
                    }
                }
            }
        }
    }

    /// <summary><c>A^T (m0 .. m5)</c>, written to <paramref name="destination"/>[i * stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputLine(
        Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3, Vector256<float> m4, Vector256<float> m5,
        Vector256<float>* destination, int stride)
    {
        Vector256<float> sum12 = m1 + m2;
        Vector256<float> difference12 = m1 - m2;
        Vector256<float> sum34 = m3 + m4;
        Vector256<float> difference34 = m3 - m4;
        destination[0] = (m0 + sum12) + sum34;
        destination[stride] = difference12 + (Vector256.Create(2f) * difference34);
        destination[2 * stride] = sum12 + (Vector256.Create(4f) * sum34);
        destination[3 * stride] = (difference12 + (Vector256.Create(8f) * difference34)) + m5;
    }

    /// <summary>Everything the three steps of one call share, on the caller's stack for the duration of the call.</summary>
    private struct Job
    {
        public float* Input;
        public float* Output;
        public float* Residual;
        public float* Weights;
        public float* Bias;
        public float* Zeros;
        public float* Transformed;
        public float* Products;
        public int InChannels;
        public int OutChannels;
        public int Height;
        public int Width;
        public int TilesHigh;
        public int TilesWide;
        public int FirstTile;
        public int Tiles;
        public int TileChunks;
        public int TilesPerChunk;
        public int Panels;
        public int PanelsPerTask;
        public int PanelBlocks;
        public KernelInstructionSet InstructionSet;
    }
}
