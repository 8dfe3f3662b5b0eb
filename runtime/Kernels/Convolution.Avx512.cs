using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>
/// The AVX-512 micro-kernel: the same six pixels as the AVX2 tile, but up to four panels (64 output channels) at once,
/// one 512-bit accumulator per pixel and panel. Twenty-four accumulators, four weight vectors and one broadcast fill
/// 29 of the 32 vector registers, and each input value broadcast is reused by four fused multiply-adds, so there are
/// ten loads for every 24 FMAs (the AVX2 tile has eight for 12). Each output is accumulated over the same values in the
/// same order as on the other paths, so all three are bit-identical.
/// </summary>
public static unsafe partial class Convolution
{
    /// <summary>Panels the AVX-512 micro-kernel computes at once, at most.</summary>
    internal const int Avx512Panels = 4;

    /// <summary>
    /// Runs the AVX-512 tile on <see cref="Target.Panels"/> (1 to 4) consecutive panels of one group. A tile with fewer
    /// than six valid rows (the last of a map whose pixels are not a multiple of six, such as the single pixel left of a
    /// 7x7 map) computes only one, two or four rows, so its cost follows its rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAvx512<TEpilogue>(ref Job job, ref Target target)
        where TEpilogue : struct, IEpilogue
    {
        switch (target.Rows)
        {
            case 1:
                TileAvx512<TEpilogue, OneRow>(ref job, ref target);
                break;
            case 2:
                TileAvx512<TEpilogue, TwoRows>(ref job, ref target);
                break;
            case 3 or 4:
                TileAvx512<TEpilogue, FourRows>(ref job, ref target);
                break;
            default:
                TileAvx512<TEpilogue, SixRows>(ref job, ref target);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAvx512<TEpilogue, TRows>(ref Job job, ref Target target)
        where TEpilogue : struct, IEpilogue
        where TRows : struct, IRowCount
    {
        switch (target.Panels)
        {
            case 4:
                TileAvx512<TEpilogue, TRows, FourPanels>(ref job, ref target);
                break;
            case 3:
                TileAvx512<TEpilogue, TRows, ThreePanels>(ref job, ref target);
                break;
            case 2:
                TileAvx512<TEpilogue, TRows, TwoPanels>(ref job, ref target);
                break;
            default:
                TileAvx512<TEpilogue, TRows, OnePanel>(ref job, ref target);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAvx512<TEpilogue, TRows, TPanels>(ref Job job, ref Target target)
        where TEpilogue : struct, IEpilogue
        where TRows : struct, IRowCount
        where TPanels : struct, IPanelCount
    {
        int panels = TPanels.Count;
        int computed = TRows.Count;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default, c53 = default;
        float* w0 = target.Weights;
        float* w1 = w0 + target.PanelStride;
        float* w2 = w1 + target.PanelStride;
        float* w3 = w2 + target.PanelStride;
        int length = job.SegmentLength;
        float** inputs = target.Inputs;
        for (int segment = 0; segment < job.Segments; segment++, inputs += PixelTile)
        {
            float* a0 = inputs[0];
            float* a1 = inputs[1];
            float* a2 = inputs[2];
            float* a3 = inputs[3];
            float* a4 = inputs[4];
            float* a5 = inputs[5];
            for (int c = 0; c < length; c++)
            {
                Vector512<float> b0 = Vector512.Load(w0);
                Vector512<float> b1 = panels > 1 ? Vector512.Load(w1) : default;
                Vector512<float> b2 = panels > 2 ? Vector512.Load(w2) : default;
                Vector512<float> b3 = panels > 3 ? Vector512.Load(w3) : default;
                w0 += ChannelTile;
                w1 += ChannelTile;
                w2 += ChannelTile;
                w3 += ChannelTile;

                Vector512<float> a = Vector512.Create(a0[c]);
                c00 = Vector512.FusedMultiplyAdd(a, b0, c00);
                if (panels > 1) { c01 = Vector512.FusedMultiplyAdd(a, b1, c01); }
                if (panels > 2) { c02 = Vector512.FusedMultiplyAdd(a, b2, c02); }
                if (panels > 3) { c03 = Vector512.FusedMultiplyAdd(a, b3, c03); }

                if (computed > 1)
                {
                    a = Vector512.Create(a1[c]);
                    c10 = Vector512.FusedMultiplyAdd(a, b0, c10);
                    if (panels > 1) { c11 = Vector512.FusedMultiplyAdd(a, b1, c11); }
                    if (panels > 2) { c12 = Vector512.FusedMultiplyAdd(a, b2, c12); }
                    if (panels > 3) { c13 = Vector512.FusedMultiplyAdd(a, b3, c13); }
                }

                if (computed > 2)
                {
                    a = Vector512.Create(a2[c]);
                    c20 = Vector512.FusedMultiplyAdd(a, b0, c20);
                    if (panels > 1) { c21 = Vector512.FusedMultiplyAdd(a, b1, c21); }
                    if (panels > 2) { c22 = Vector512.FusedMultiplyAdd(a, b2, c22); }
                    if (panels > 3) { c23 = Vector512.FusedMultiplyAdd(a, b3, c23); }
                }

                if (computed > 3)
                {
                    a = Vector512.Create(a3[c]);
                    c30 = Vector512.FusedMultiplyAdd(a, b0, c30);
                    if (panels > 1) { c31 = Vector512.FusedMultiplyAdd(a, b1, c31); }
                    if (panels > 2) { c32 = Vector512.FusedMultiplyAdd(a, b2, c32); }
                    if (panels > 3) { c33 = Vector512.FusedMultiplyAdd(a, b3, c33); }
                }

                if (computed > 4)
                {
                    a = Vector512.Create(a4[c]);
                    c40 = Vector512.FusedMultiplyAdd(a, b0, c40);
                    if (panels > 1) { c41 = Vector512.FusedMultiplyAdd(a, b1, c41); }
                    if (panels > 2) { c42 = Vector512.FusedMultiplyAdd(a, b2, c42); }
                    if (panels > 3) { c43 = Vector512.FusedMultiplyAdd(a, b3, c43); }
                }

                if (computed > 5)
                {
                    a = Vector512.Create(a5[c]);
                    c50 = Vector512.FusedMultiplyAdd(a, b0, c50);
                    if (panels > 1) { c51 = Vector512.FusedMultiplyAdd(a, b1, c51); }
                    if (panels > 2) { c52 = Vector512.FusedMultiplyAdd(a, b2, c52); }
                    if (panels > 3) { c53 = Vector512.FusedMultiplyAdd(a, b3, c53); }
                }
            }
        }

        // Row by row, panel by panel; only the last panel can be partial (the group's last channels).
        int rows = target.Rows;
        int full = target.Channels == ChannelTile ? panels : panels - 1;
        StoreRowAvx512<TEpilogue>(ref job, ref target, 0, full, c00, c01, c02, c03);
        if (rows > 1)
        {
            StoreRowAvx512<TEpilogue>(ref job, ref target, 1, full, c10, c11, c12, c13);
        }

        if (rows > 2)
        {
            StoreRowAvx512<TEpilogue>(ref job, ref target, 2, full, c20, c21, c22, c23);
        }

        if (rows > 3)
        {
            StoreRowAvx512<TEpilogue>(ref job, ref target, 3, full, c30, c31, c32, c33);
        }

        if (rows > 4)
        {
            StoreRowAvx512<TEpilogue>(ref job, ref target, 4, full, c40, c41, c42, c43);
        }

        if (rows > 5)
        {
            StoreRowAvx512<TEpilogue>(ref job, ref target, 5, full, c50, c51, c52, c53);
        }

        if (full < panels)
        {
            float* tile = stackalloc float[PixelTile * ChannelTile];
            LastPanel<TPanels>(c00, c01, c02, c03).Store(tile);
            LastPanel<TPanels>(c10, c11, c12, c13).Store(tile + 16);
            LastPanel<TPanels>(c20, c21, c22, c23).Store(tile + 32);
            LastPanel<TPanels>(c30, c31, c32, c33).Store(tile + 48);
            LastPanel<TPanels>(c40, c41, c42, c43).Store(tile + 64);
            LastPanel<TPanels>(c50, c51, c52, c53).Store(tile + 80);
            int offset = full * ChannelTile;
            var last = target;
            last.Output += offset;
            last.Residual = last.Residual == null ? null : last.Residual + offset;
            last.Bias += offset;
            StorePartial<TEpilogue>(ref job, ref last, tile);
        }
    }

    /// <summary>
    /// The accumulator of a row's last panel. A static method rather than a local function: a local function would capture
    /// the panel count, and a captured local lives in memory, which under NativeAOT (where the local function is not
    /// inlined) made the tile's inner loop read it from the stack and spill accumulators around the stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LastPanel<TPanels>(Vector512<float> p0, Vector512<float> p1, Vector512<float> p2, Vector512<float> p3)
        where TPanels : struct, IPanelCount =>
        TPanels.Count == 4 ? p3 : TPanels.Count == 3 ? p2 : TPanels.Count == 2 ? p1 : p0;

    /// <summary>Stores the first <paramref name="full"/> panels of one row of the tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRowAvx512<TEpilogue>(
        ref Job job, ref Target target, int row, int full, Vector512<float> p0, Vector512<float> p1, Vector512<float> p2, Vector512<float> p3)
        where TEpilogue : struct, IEpilogue
    {
        long offset = (long)row * job.OutChannels;
        float* output = target.Output + offset;
        float* residual = TEpilogue.UsesResidual ? target.Residual + offset : null;
        float* bias = target.Bias;
        if (full > 0)
        {
            StoreAvx512<TEpilogue>(p0 + Vector512.Load(bias), output, residual);
        }

        if (full > 1)
        {
            StoreAvx512<TEpilogue>(p1 + Vector512.Load(bias + 16), output + 16, residual + 16);
        }

        if (full > 2)
        {
            StoreAvx512<TEpilogue>(p2 + Vector512.Load(bias + 32), output + 32, residual + 32);
        }

        if (full > 3)
        {
            StoreAvx512<TEpilogue>(p3 + Vector512.Load(bias + 48), output + 48, residual + 48);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreAvx512<TEpilogue>(Vector512<float> sum, float* output, float* residual)
        where TEpilogue : struct, IEpilogue
    {
        Vector512<float> shortcut = TEpilogue.UsesResidual ? Vector512.Load(residual) : default;
        TEpilogue.Apply(sum, shortcut).Store(output);
    }

    /// <summary>How many of the six rows a micro-kernel instantiation computes, as a constant the JIT folds.</summary>
    private interface IRowCount
    {
        static abstract int Count { get; }
    }

    private readonly struct OneRow : IRowCount
    {
        public static int Count => 1;
    }

    private readonly struct TwoRows : IRowCount
    {
        public static int Count => 2;
    }

    private readonly struct FourRows : IRowCount
    {
        public static int Count => 4;
    }

    private readonly struct SixRows : IRowCount
    {
        public static int Count => 6;
    }

    /// <summary>How many panels a micro-kernel instantiation computes, as a constant the JIT folds.</summary>
    private interface IPanelCount
    {
        static abstract int Count { get; }
    }

    private readonly struct OnePanel : IPanelCount
    {
        public static int Count => 1;
    }

    private readonly struct TwoPanels : IPanelCount
    {
        public static int Count => 2;
    }

    private readonly struct ThreePanels : IPanelCount
    {
        public static int Count => 3;
    }

    private readonly struct FourPanels : IPanelCount
    {
        public static int Count => 4;
    }
}
