using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ResNetGen.Kernels;

/// <summary>
/// 2-D convolution on channels-last (NHWC) feature maps, as an indirect implicit GEMM: for each tile of
/// <see cref="PixelTile"/> output pixels and <see cref="ChannelTile"/> output channels, a register-blocked
/// micro-kernel walks the kernel taps; for each tap it points at the six input pixels the tap reads (or at zeros
/// when the tap falls in the padding) and accumulates <c>input channels x 12</c> fused multiply-adds from the
/// packed weights. No patch matrix is ever built, and the epilogue (bias, optional residual, optional ReLU) is
/// applied as the tile is stored, so each output is written exactly once. Tiles are spread over
/// <see cref="WorkerPool.Shared"/>.
/// </summary>
public static unsafe class Convolution
{
    /// <summary>Output pixels per micro-kernel tile (rows of broadcasts).</summary>
    public const int PixelTile = 6;

    /// <summary>Output channels per micro-kernel tile (two <see cref="Vector256{T}"/> of floats).</summary>
    public const int ChannelTile = 16;

    /// <summary>Tasks per thread a call is cut into, so uneven tasks still balance.</summary>
    private const int TasksPerThread = 8;

    /// <summary>Zeros read by taps that fall in the padding; as long as the widest input channel count.</summary>
    private static float[] s_zeros = GC.AllocateArray<float>(4096, pinned: true);

    /// <summary>Runs one convolution over a whole batch (NHWC in, NHWC out).</summary>
    /// <typeparam name="TEpilogue">What is done with each output: <see cref="Bias"/>, <see cref="BiasRelu"/> or <see cref="BiasResidualRelu"/>.</typeparam>
    /// <param name="layer">Prepared weights.</param>
    /// <param name="geometry">Every size of the call.</param>
    /// <param name="source">Input feature maps, <c>Batch x InHeight x InWidth x InChannels</c>.</param>
    /// <param name="destination">Output feature maps, <c>Batch x OutHeight x OutWidth x OutChannels</c>; must not overlap the source or residual.</param>
    /// <param name="residual">Added before ReLU when <typeparamref name="TEpilogue"/> uses it; same layout as the output. Otherwise ignored.</param>
    /// <exception cref="ArgumentException">The geometry does not match the layer, or a span is too short.</exception>
    public static void Forward<TEpilogue>(
        ConvolutionLayer layer, in ConvolutionGeometry geometry, ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<float> residual)
        where TEpilogue : struct, IEpilogue
    {
        Validate<TEpilogue>(layer, geometry, source.Length, destination.Length, residual.Length);
        float[] zeros = Zeros(layer.InChannelsPerGroup);
        fixed (float* input = source)
        fixed (float* output = destination)
        fixed (float* shortcut = residual)
        fixed (float* weights = layer.PackedWeights)
        fixed (float* bias = layer.PackedBias)
        fixed (float* zero = zeros)
        {
            var job = new Job
            {
                Input = input,
                Output = output,
                Residual = TEpilogue.UsesResidual ? shortcut : null,
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
                Vectorized = KernelSettings.UseAvx2Fma,
            };

            WorkerPool pool = WorkerPool.Shared;
            int panels = geometry.Groups * layer.PanelsPerGroup;
            int tiles = (job.Pixels + PixelTile - 1) / PixelTile;
            int chunks = Math.Clamp((pool.ThreadCount * TasksPerThread) / panels, 1, tiles);
            job.TilesPerChunk = (tiles + chunks - 1) / chunks;
            job.Chunks = (tiles + job.TilesPerChunk - 1) / job.TilesPerChunk;
            pool.Run(&Execute<TEpilogue>, &job, panels * job.Chunks);
        }
    }

    /// <summary>One task: one panel of 16 output channels over one chunk of pixel tiles.</summary>
    private static void Execute<TEpilogue>(void* context, int task)
        where TEpilogue : struct, IEpilogue
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        int panel = task / job.Chunks;
        int chunk = task % job.Chunks;
        int group = panel / job.PanelsPerGroup;
        int channel = (group * job.OutChannelsPerGroup) + ((panel % job.PanelsPerGroup) * ChannelTile);
        int channels = Math.Min(ChannelTile, ((group + 1) * job.OutChannelsPerGroup) - channel);
        float* weights = job.Weights + ((long)panel * job.PanelLength);
        float* bias = job.Bias + (panel * ChannelTile);
        float* input = job.Input + (group * job.InChannelsPerGroup);
        int firstTile = chunk * job.TilesPerChunk;
        int lastTile = Math.Min(firstTile + job.TilesPerChunk, (job.Pixels + PixelTile - 1) / PixelTile);
        for (int tile = firstTile; tile < lastTile; tile++)
        {
            int pixel = tile * PixelTile;
            int rows = Math.Min(PixelTile, job.Pixels - pixel);
            float* output = job.Output + ((long)pixel * job.OutChannels) + channel;
            float* residual = job.Residual == null ? null : job.Residual + ((long)pixel * job.OutChannels) + channel;
            if (job.Vectorized)
            {
                TileAvx2<TEpilogue>(ref job, input, weights, bias, output, residual, pixel, rows, channels);
            }
            else
            {
                TileScalar<TEpilogue>(ref job, input, weights, bias, output, residual, pixel, rows, channels);
            }
        }
    }

    /// <summary>Where output pixel <paramref name="pixel"/>'s window starts: its image's first input element and its top-left tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Origin(ref Job job, int pixel, out long image, out int y, out int x)
    {
        int plane = job.OutHeight * job.OutWidth;
        int n = pixel / plane;
        int rest = pixel - (n * plane);
        int oy = rest / job.OutWidth;
        int ox = rest - (oy * job.OutWidth);
        image = (long)n * job.InHeight * job.InWidth * job.InChannels;
        y = (oy * job.Stride) - job.Padding;
        x = (ox * job.Stride) - job.Padding;
    }

    /// <summary>The input channels tap (<paramref name="dy"/>, <paramref name="dx"/>) of a window reads, or zeros in the padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Tap(ref Job job, float* input, long image, int y, int x, int dy, int dx)
    {
        y += dy;
        x += dx;
        return (uint)y < (uint)job.InHeight && (uint)x < (uint)job.InWidth
            ? input + image + ((((long)y * job.InWidth) + x) * job.InChannels)
            : job.Zeros;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAvx2<TEpilogue>(ref Job job, float* input, float* w, float* bias, float* output, float* residual, int pixel, int rows, int channels)
        where TEpilogue : struct, IEpilogue
    {
        // Rows past the last pixel repeat the last pixel; their results are never stored.
        Origin(ref job, pixel, out long i0, out int y0, out int x0);
        Origin(ref job, pixel + Math.Min(1, rows - 1), out long i1, out int y1, out int x1);
        Origin(ref job, pixel + Math.Min(2, rows - 1), out long i2, out int y2, out int x2);
        Origin(ref job, pixel + Math.Min(3, rows - 1), out long i3, out int y3, out int x3);
        Origin(ref job, pixel + Math.Min(4, rows - 1), out long i4, out int y4, out int x4);
        Origin(ref job, pixel + Math.Min(5, rows - 1), out long i5, out int y5, out int x5);

        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int kernel = job.Kernel;
        int dilation = job.Dilation;
        int inChannels = job.InChannelsPerGroup;
        for (int ky = 0; ky < kernel; ky++)
        {
            int dy = ky * dilation;
            for (int kx = 0; kx < kernel; kx++)
            {
                int dx = kx * dilation;
                float* a0 = Tap(ref job, input, i0, y0, x0, dy, dx);
                float* a1 = Tap(ref job, input, i1, y1, x1, dy, dx);
                float* a2 = Tap(ref job, input, i2, y2, x2, dy, dx);
                float* a3 = Tap(ref job, input, i3, y3, x3, dy, dx);
                float* a4 = Tap(ref job, input, i4, y4, x4, dy, dx);
                float* a5 = Tap(ref job, input, i5, y5, x5, dy, dx);
                for (int c = 0; c < inChannels; c++)
                {
                    Vector256<float> b0 = Avx.LoadVector256(w);
                    Vector256<float> b1 = Avx.LoadVector256(w + 8);
                    Vector256<float> a = Vector256.Create(a0[c]);
                    c00 = Fma.MultiplyAdd(a, b0, c00);
                    c01 = Fma.MultiplyAdd(a, b1, c01);
                    a = Vector256.Create(a1[c]);
                    c10 = Fma.MultiplyAdd(a, b0, c10);
                    c11 = Fma.MultiplyAdd(a, b1, c11);
                    a = Vector256.Create(a2[c]);
                    c20 = Fma.MultiplyAdd(a, b0, c20);
                    c21 = Fma.MultiplyAdd(a, b1, c21);
                    a = Vector256.Create(a3[c]);
                    c30 = Fma.MultiplyAdd(a, b0, c30);
                    c31 = Fma.MultiplyAdd(a, b1, c31);
                    a = Vector256.Create(a4[c]);
                    c40 = Fma.MultiplyAdd(a, b0, c40);
                    c41 = Fma.MultiplyAdd(a, b1, c41);
                    a = Vector256.Create(a5[c]);
                    c50 = Fma.MultiplyAdd(a, b0, c50);
                    c51 = Fma.MultiplyAdd(a, b1, c51);
                    w += ChannelTile;
                }
            }
        }

        if (channels == ChannelTile)
        {
            Vector256<float> bias0 = Avx.LoadVector256(bias);
            Vector256<float> bias1 = Avx.LoadVector256(bias + 8);
            int stride = job.OutChannels;
            StoreRow<TEpilogue>(c00 + bias0, c01 + bias1, output, residual);
            if (rows > 1)
            {
                StoreRow<TEpilogue>(c10 + bias0, c11 + bias1, output + stride, residual == null ? null : residual + stride);
            }

            if (rows > 2)
            {
                StoreRow<TEpilogue>(c20 + bias0, c21 + bias1, output + (2 * stride), residual == null ? null : residual + (2 * stride));
            }

            if (rows > 3)
            {
                StoreRow<TEpilogue>(c30 + bias0, c31 + bias1, output + (3 * stride), residual == null ? null : residual + (3 * stride));
            }

            if (rows > 4)
            {
                StoreRow<TEpilogue>(c40 + bias0, c41 + bias1, output + (4 * stride), residual == null ? null : residual + (4 * stride));
            }

            if (rows > 5)
            {
                StoreRow<TEpilogue>(c50 + bias0, c51 + bias1, output + (5 * stride), residual == null ? null : residual + (5 * stride));
            }

            return;
        }

        float* tile = stackalloc float[PixelTile * ChannelTile];
        c00.Store(tile);
        c01.Store(tile + 8);
        c10.Store(tile + 16);
        c11.Store(tile + 24);
        c20.Store(tile + 32);
        c21.Store(tile + 40);
        c30.Store(tile + 48);
        c31.Store(tile + 56);
        c40.Store(tile + 64);
        c41.Store(tile + 72);
        c50.Store(tile + 80);
        c51.Store(tile + 88);
        StorePartial<TEpilogue>(ref job, tile, bias, output, residual, rows, channels);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TEpilogue>(Vector256<float> low, Vector256<float> high, float* output, float* residual)
        where TEpilogue : struct, IEpilogue
    {
        Vector256<float> r0 = TEpilogue.UsesResidual ? Avx.LoadVector256(residual) : default;
        Vector256<float> r1 = TEpilogue.UsesResidual ? Avx.LoadVector256(residual + 8) : default;
        Avx.Store(output, TEpilogue.Apply(low, r0));
        Avx.Store(output + 8, TEpilogue.Apply(high, r1));
    }

    /// <summary>The portable micro-kernel: the same tile, accumulated one float at a time in the same order, so results are bit-identical.</summary>
    private static void TileScalar<TEpilogue>(ref Job job, float* input, float* w, float* bias, float* output, float* residual, int pixel, int rows, int channels)
        where TEpilogue : struct, IEpilogue
    {
        float* tile = stackalloc float[PixelTile * ChannelTile];
        new Span<float>(tile, PixelTile * ChannelTile).Clear();
        long* images = stackalloc long[PixelTile];
        int* ys = stackalloc int[PixelTile];
        int* xs = stackalloc int[PixelTile];
        float** taps = stackalloc float*[PixelTile];
        for (int r = 0; r < PixelTile; r++)
        {
            Origin(ref job, pixel + Math.Min(r, rows - 1), out images[r], out ys[r], out xs[r]);
        }

        for (int ky = 0; ky < job.Kernel; ky++)
        {
            for (int kx = 0; kx < job.Kernel; kx++)
            {
                for (int r = 0; r < PixelTile; r++)
                {
                    taps[r] = Tap(ref job, input, images[r], ys[r], xs[r], ky * job.Dilation, kx * job.Dilation);
                }

                for (int c = 0; c < job.InChannelsPerGroup; c++)
                {
                    for (int r = 0; r < PixelTile; r++)
                    {
                        float a = taps[r][c];
                        float* accumulators = tile + (r * ChannelTile);
                        for (int j = 0; j < ChannelTile; j++)
                        {
                            accumulators[j] = MathF.FusedMultiplyAdd(a, w[j], accumulators[j]);
                        }
                    }

                    w += ChannelTile;
                }
            }
        }

        StorePartial<TEpilogue>(ref job, tile, bias, output, residual, rows, channels);
    }

    private static void StorePartial<TEpilogue>(ref Job job, float* tile, float* bias, float* output, float* residual, int rows, int channels)
        where TEpilogue : struct, IEpilogue
    {
        for (int r = 0; r < rows; r++)
        {
            long row = (long)r * job.OutChannels;
            for (int j = 0; j < channels; j++)
            {
                float shortcut = TEpilogue.UsesResidual ? residual[row + j] : 0f;
                output[row + j] = TEpilogue.Apply(tile[(r * ChannelTile) + j] + bias[j], shortcut);
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
        public int TilesPerChunk;
        public int Chunks;
        public bool Vectorized;
    }
}
