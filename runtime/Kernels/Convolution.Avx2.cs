using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>
/// The AVX2 + FMA micro-kernel: six pixels by one panel of 16 output channels, two 256-bit accumulators per pixel (twelve
/// in all), two weight vectors and one broadcast, so each tap's input value feeds two fused multiply-adds. Written with
/// the cross-platform <see cref="Vector256"/> API; <see cref="KernelSettings"/> picks it only where <c>Avx2</c> and
/// <c>Fma</c> are supported, so every operation here compiles to one AVX2/FMA instruction.
/// </summary>
public static unsafe partial class Convolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAvx2<TEpilogue>(ref Job job, ref Target target)
        where TEpilogue : struct, IEpilogue
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* w = target.Weights;
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
                Vector256<float> b0 = Vector256.Load(w);
                Vector256<float> b1 = Vector256.Load(w + 8);
                Vector256<float> a = Vector256.Create(a0[c]);
                c00 = Vector256.FusedMultiplyAdd(a, b0, c00);
                c01 = Vector256.FusedMultiplyAdd(a, b1, c01);
                a = Vector256.Create(a1[c]);
                c10 = Vector256.FusedMultiplyAdd(a, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(a, b1, c11);
                a = Vector256.Create(a2[c]);
                c20 = Vector256.FusedMultiplyAdd(a, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(a, b1, c21);
                a = Vector256.Create(a3[c]);
                c30 = Vector256.FusedMultiplyAdd(a, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(a, b1, c31);
                a = Vector256.Create(a4[c]);
                c40 = Vector256.FusedMultiplyAdd(a, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(a, b1, c41);
                a = Vector256.Create(a5[c]);
                c50 = Vector256.FusedMultiplyAdd(a, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(a, b1, c51);
                w += ChannelTile;
            }
        }

        float* output = target.Output;
        float* residual = target.Residual;
        int rows = target.Rows;
        if (target.Channels == ChannelTile)
        {
            Vector256<float> bias0 = Vector256.Load(target.Bias);
            Vector256<float> bias1 = Vector256.Load(target.Bias + 8);
            int stride = job.OutChannels;
            StoreRowAvx2<TEpilogue>(c00 + bias0, c01 + bias1, output, residual);
            if (rows > 1)
            {
                StoreRowAvx2<TEpilogue>(c10 + bias0, c11 + bias1, output + stride, residual == null ? null : residual + stride);
            }

            if (rows > 2)
            {
                StoreRowAvx2<TEpilogue>(c20 + bias0, c21 + bias1, output + (2 * stride), residual == null ? null : residual + (2 * stride));
            }

            if (rows > 3)
            {
                StoreRowAvx2<TEpilogue>(c30 + bias0, c31 + bias1, output + (3 * stride), residual == null ? null : residual + (3 * stride));
            }

            if (rows > 4)
            {
                StoreRowAvx2<TEpilogue>(c40 + bias0, c41 + bias1, output + (4 * stride), residual == null ? null : residual + (4 * stride));
            }

            if (rows > 5)
            {
                StoreRowAvx2<TEpilogue>(c50 + bias0, c51 + bias1, output + (5 * stride), residual == null ? null : residual + (5 * stride));
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
        StorePartial<TEpilogue>(ref job, ref target, tile);
    }

    /// <summary>Applies the epilogue to one row of the tile (16 channels, bias already added) and stores it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRowAvx2<TEpilogue>(Vector256<float> low, Vector256<float> high, float* output, float* residual)
        where TEpilogue : struct, IEpilogue
    {
        Vector256<float> r0 = TEpilogue.UsesResidual ? Vector256.Load(residual) : default;
        Vector256<float> r1 = TEpilogue.UsesResidual ? Vector256.Load(residual + 8) : default;
        TEpilogue.Apply(low, r0).Store(output);
        TEpilogue.Apply(high, r1).Store(output + 8);
    }
}
