using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>The classifier: <c>y = x W^T + b</c> for each image.</summary>
public static class Linear
{
    /// <summary>Computes <paramref name="outFeatures"/> outputs for each of <paramref name="batch"/> rows of <paramref name="inFeatures"/>.</summary>
    /// <exception cref="ArgumentException">The sizes do not match the layer, or a span is too short.</exception>
    public static void Forward(LinearLayer layer, ReadOnlySpan<float> source, Span<float> destination, int batch, int inFeatures, int outFeatures)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.InFeatures != inFeatures || layer.OutFeatures != outFeatures)
        {
            throw new ArgumentException($"The sizes {inFeatures}→{outFeatures} do not match the layer ({layer.InFeatures}→{layer.OutFeatures}).");
        }

        if (source.Length < (long)batch * inFeatures || destination.Length < (long)batch * outFeatures)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {(long)batch * inFeatures}), destination {destination.Length} (needs {(long)batch * outFeatures}).");
        }

        bool vectorized = KernelSettings.UseAvx2Fma;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> x = source.Slice(n * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
            {
                ReadOnlySpan<float> w = layer.Weight.AsSpan(o * inFeatures, inFeatures);
                destination[(n * outFeatures) + o] = layer.Bias[o] + (vectorized ? DotVector(x, w) : DotScalar(x, w));
            }
        }
    }

    private static float DotVector(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        ReadOnlySpan<Vector256<float>> xv = MemoryMarshal.Cast<float, Vector256<float>>(x);
        ReadOnlySpan<Vector256<float>> wv = MemoryMarshal.Cast<float, Vector256<float>>(w);
        Vector256<float> sum = Vector256<float>.Zero;
        for (int i = 0; i < xv.Length; i++)
        {
            sum = Vector256.FusedMultiplyAdd(xv[i], wv[i], sum);
        }

        float total = Vector256.Sum(sum);
        for (int i = xv.Length * Vector256<float>.Count; i < x.Length; i++)
        {
            total = MathF.FusedMultiplyAdd(x[i], w[i], total);
        }

        return total;
    }

    private static float DotScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        float total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            total = MathF.FusedMultiplyAdd(x[i], w[i], total);
        }

        return total;
    }
}
