using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ResNetGen.Kernels;

/// <summary>
/// 2-D convolution as an implicit GEMM: for each image and group, output[Cout, pixels] = W[Cout, K] x patches[K, pixels],
/// where K = InChannelsPerGroup x Kernel x Kernel. Weights come pre-packed from <see cref="ConvolutionLayer"/>;
/// the patch matrix is never materialised: each block of <see cref="PanelColumns"/> output pixels is gathered
/// (im2col for just those columns) into a small per-thread panel, then a register-blocked
/// <see cref="PanelRows"/> x <see cref="PanelColumns"/> micro-kernel accumulates it and applies the epilogue
/// (bias, optional residual, optional ReLU) as it stores, so each output is written exactly once.
/// </summary>
public static class Convolution
{
    /// <summary>Output channels per micro-kernel tile.</summary>
    public const int PanelRows = 6;

    /// <summary>Output pixels per micro-kernel tile (two <see cref="Vector256{T}"/> of floats).</summary>
    public const int PanelColumns = 16;

    [ThreadStatic]
    private static float[]? t_panel;

    /// <summary>Runs one convolution over a whole batch (NCHW in, NCHW out).</summary>
    /// <typeparam name="TEpilogue">What is done with each output: <see cref="Bias"/>, <see cref="BiasRelu"/> or <see cref="BiasResidualRelu"/>.</typeparam>
    /// <param name="layer">Prepared weights.</param>
    /// <param name="geometry">Every size of the call.</param>
    /// <param name="source">Input feature maps, <c>Batch x InChannels x InHeight x InWidth</c>.</param>
    /// <param name="destination">Output feature maps, <c>Batch x OutChannels x OutHeight x OutWidth</c>; must not overlap the source or residual.</param>
    /// <param name="residual">Added before ReLU when <typeparamref name="TEpilogue"/> uses it; same shape as the output. Otherwise ignored.</param>
    /// <exception cref="ArgumentException">The geometry does not match the layer, or a span is too short.</exception>
    public static unsafe void Forward<TEpilogue>(
        ConvolutionLayer layer, in ConvolutionGeometry geometry, ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<float> residual)
        where TEpilogue : struct, IEpilogue
    {
        Validate<TEpilogue>(layer, geometry, source.Length, destination.Length, residual.Length);
        int reduction = layer.ReductionLength;
        float[] panel = Panel(reduction);
        bool vectorized = KernelSettings.UseAvx2Fma;
        int groups = geometry.Groups;
        int inPerGroup = layer.InChannelsPerGroup * geometry.InHeight * geometry.InWidth;
        int outPerGroup = layer.OutChannelsPerGroup * geometry.OutputPixels;
        int panelLength = reduction * PanelRows;

        fixed (float* input = source)
        fixed (float* output = destination)
        fixed (float* shortcut = residual)
        fixed (float* weights = layer.PackedWeights)
        fixed (float* bias = layer.Bias)
        fixed (float* patches = panel)
        {
            for (int n = 0; n < geometry.Batch; n++)
            {
                for (int g = 0; g < groups; g++)
                {
                    long imageIn = ((long)n * geometry.InputImageLength) + ((long)g * inPerGroup);
                    long imageOut = ((long)n * geometry.OutputImageLength) + ((long)g * outPerGroup);
                    float* groupWeights = weights + ((long)g * layer.PanelsPerGroup * panelLength);
                    float* groupBias = bias + (g * layer.OutChannelsPerGroup);
                    float* groupResidual = TEpilogue.UsesResidual ? shortcut + imageOut : null;
                    ConvolveGroup<TEpilogue>(layer, geometry, input + imageIn, output + imageOut, groupResidual, groupWeights, groupBias, patches, vectorized);
                }
            }
        }
    }

    private static unsafe void ConvolveGroup<TEpilogue>(
        ConvolutionLayer layer, in ConvolutionGeometry geometry, float* input, float* output, float* residual,
        float* weights, float* bias, float* patches, bool vectorized)
        where TEpilogue : struct, IEpilogue
    {
        int pixels = geometry.OutputPixels;
        int rows = layer.OutChannelsPerGroup;
        int reduction = layer.ReductionLength;
        for (int column = 0; column < pixels; column += PanelColumns)
        {
            int columns = Math.Min(PanelColumns, pixels - column);
            GatherPatches(geometry, layer.InChannelsPerGroup, input, column, columns, patches);
            for (int panel = 0; panel < layer.PanelsPerGroup; panel++)
            {
                int row = panel * PanelRows;
                int tileRows = Math.Min(PanelRows, rows - row);
                float* a = weights + ((long)panel * reduction * PanelRows);
                float* c = output + ((long)row * pixels) + column;
                float* r = residual == null ? null : residual + ((long)row * pixels) + column;
                if (vectorized)
                {
                    MicroKernelAvx2<TEpilogue>(a, patches, reduction, bias + row, c, r, pixels, tileRows, columns);
                }
                else
                {
                    MicroKernelScalar<TEpilogue>(a, patches, reduction, bias + row, c, r, pixels, tileRows, columns);
                }
            }
        }
    }

    /// <summary>
    /// im2col for one block of output pixels: patches[k * 16 + j] is the input tap k (channel, ky, kx) of output pixel
    /// <c>column + j</c>, zero where it falls in the padding or past the last pixel.
    /// </summary>
    private static unsafe void GatherPatches(in ConvolutionGeometry geometry, int channels, float* input, int column, int columns, float* patches)
    {
        int height = geometry.InHeight;
        int width = geometry.InWidth;
        int plane = height * width;
        int kernel = geometry.Kernel;
        if (kernel == 1 && geometry.Stride == 1 && geometry.Padding == 0 && columns == PanelColumns)
        {
            // A pointwise convolution's patch matrix is the input itself: copy 16 contiguous pixels per channel.
            for (int ci = 0; ci < channels; ci++)
            {
                new ReadOnlySpan<float>(input + ((long)ci * plane) + column, PanelColumns).CopyTo(new Span<float>(patches + (ci * PanelColumns), PanelColumns));
            }

            return;
        }

        int* originY = stackalloc int[PanelColumns];
        int* originX = stackalloc int[PanelColumns];
        for (int j = 0; j < PanelColumns; j++)
        {
            int pixel = column + Math.Min(j, columns - 1);
            originY[j] = (pixel / geometry.OutWidth * geometry.Stride) - geometry.Padding;
            originX[j] = (pixel % geometry.OutWidth * geometry.Stride) - geometry.Padding;
        }

        int dilation = geometry.Dilation;
        float* row = patches;
        for (int ci = 0; ci < channels; ci++)
        {
            float* channel = input + ((long)ci * plane);
            for (int ky = 0; ky < kernel; ky++)
            {
                int dy = ky * dilation;
                for (int kx = 0; kx < kernel; kx++)
                {
                    int dx = kx * dilation;
                    for (int j = 0; j < PanelColumns; j++)
                    {
                        int y = originY[j] + dy;
                        int x = originX[j] + dx;
                        row[j] = j < columns && (uint)y < (uint)height && (uint)x < (uint)width ? channel[(y * width) + x] : 0f;
                    }

                    row += PanelColumns;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MicroKernelAvx2<TEpilogue>(
        float* a, float* b, int reduction, float* bias, float* c, float* residual, int stride, int rows, int columns)
        where TEpilogue : struct, IEpilogue
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int k = 0; k < reduction; k++)
        {
            Vector256<float> b0 = Avx.LoadVector256(b);
            Vector256<float> b1 = Avx.LoadVector256(b + 8);
            Vector256<float> w = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(w, b0, c00);
            c01 = Fma.MultiplyAdd(w, b1, c01);
            w = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(w, b0, c10);
            c11 = Fma.MultiplyAdd(w, b1, c11);
            w = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(w, b0, c20);
            c21 = Fma.MultiplyAdd(w, b1, c21);
            w = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(w, b0, c30);
            c31 = Fma.MultiplyAdd(w, b1, c31);
            w = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(w, b0, c40);
            c41 = Fma.MultiplyAdd(w, b1, c41);
            w = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(w, b0, c50);
            c51 = Fma.MultiplyAdd(w, b1, c51);
            a += PanelRows;
            b += PanelColumns;
        }

        if (rows == PanelRows && columns == PanelColumns)
        {
            StoreRow<TEpilogue>(c00, c01, bias[0], c, residual);
            StoreRow<TEpilogue>(c10, c11, bias[1], c + stride, residual == null ? null : residual + stride);
            StoreRow<TEpilogue>(c20, c21, bias[2], c + (2 * stride), residual == null ? null : residual + (2 * stride));
            StoreRow<TEpilogue>(c30, c31, bias[3], c + (3 * stride), residual == null ? null : residual + (3 * stride));
            StoreRow<TEpilogue>(c40, c41, bias[4], c + (4 * stride), residual == null ? null : residual + (4 * stride));
            StoreRow<TEpilogue>(c50, c51, bias[5], c + (5 * stride), residual == null ? null : residual + (5 * stride));
            return;
        }

        float* tile = stackalloc float[PanelRows * PanelColumns];
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
        StorePartial<TEpilogue>(tile, bias, c, residual, stride, rows, columns);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow<TEpilogue>(Vector256<float> low, Vector256<float> high, float bias, float* c, float* residual)
        where TEpilogue : struct, IEpilogue
    {
        Vector256<float> shift = Vector256.Create(bias);
        Vector256<float> r0 = TEpilogue.UsesResidual ? Vector256.Load(residual) : default;
        Vector256<float> r1 = TEpilogue.UsesResidual ? Vector256.Load(residual + 8) : default;
        TEpilogue.Apply(low + shift, r0).Store(c);
        TEpilogue.Apply(high + shift, r1).Store(c + 8);
    }

    /// <summary>The portable micro-kernel: the same tile, accumulated one float at a time in the same order.</summary>
    private static unsafe void MicroKernelScalar<TEpilogue>(
        float* a, float* b, int reduction, float* bias, float* c, float* residual, int stride, int rows, int columns)
        where TEpilogue : struct, IEpilogue
    {
        float* tile = stackalloc float[PanelRows * PanelColumns];
        new Span<float>(tile, PanelRows * PanelColumns).Clear();
        for (int k = 0; k < reduction; k++)
        {
            for (int i = 0; i < PanelRows; i++)
            {
                float w = a[i];
                float* t = tile + (i * PanelColumns);
                for (int j = 0; j < PanelColumns; j++)
                {
                    t[j] = MathF.FusedMultiplyAdd(w, b[j], t[j]);
                }
            }

            a += PanelRows;
            b += PanelColumns;
        }

        StorePartial<TEpilogue>(tile, bias, c, residual, stride, rows, columns);
    }

    private static unsafe void StorePartial<TEpilogue>(float* tile, float* bias, float* c, float* residual, int stride, int rows, int columns)
        where TEpilogue : struct, IEpilogue
    {
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                float shortcut = TEpilogue.UsesResidual ? residual[(i * stride) + j] : 0f;
                c[(i * stride) + j] = TEpilogue.Apply(tile[(i * PanelColumns) + j] + bias[i], shortcut);
            }
        }
    }

    private static float[] Panel(int reduction)
    {
        int length = reduction * PanelColumns;
        float[]? panel = t_panel;
        if (panel is null || panel.Length < length)
        {
            panel = t_panel = GC.AllocateArray<float>(Math.Max(length, 4096), pinned: true);
        }

        return panel;
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
}
