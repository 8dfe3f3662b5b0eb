using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>The classifier: <c>y = x W^T + b</c> for each image, output features spread over <see cref="WorkerPool.Shared"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Linear
{
    /// <summary>Outputs per task: the weight rows one task streams (64 rows of 2048 floats = 512 KB).</summary>
    private const int OutputsPerTask = 64;

    /// <summary>Computes <paramref name="outFeatures"/> outputs for each of <paramref name="batch"/> rows of <paramref name="inFeatures"/>.</summary>
    /// <param name="layer">The prepared weights and bias.</param>
    /// <param name="source">Input rows, <c>batch x inFeatures</c>.</param>
    /// <param name="destination">Output rows, <c>batch x outFeatures</c>.</param>
    /// <param name="batch">Rows (images).</param>
    /// <param name="inFeatures">Features per input row.</param>
    /// <param name="outFeatures">Features per output row.</param>
    /// <param name="workers">The threads that share the call; null for <see cref="WorkerPool.Shared"/>.</param>
    /// <exception cref="ArgumentException">The sizes do not match the layer, or a span is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(LinearLayer layer, ReadOnlySpan<float> source, Span<float> destination, int batch, int inFeatures, int outFeatures, WorkerPool? workers = null)
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

        fixed (float* input = source)
        fixed (float* output = destination)
        fixed (float* weight = layer.Weight)
        fixed (float* bias = layer.Bias)
        {
            var job = new Job
            {
                Input = input,
                Output = output,
                Weight = weight,
                Bias = bias,
                Batch = batch,
                InFeatures = inFeatures,
                OutFeatures = outFeatures,
                Vectorized = KernelSettings.UseAvx2Fma,
            };
            (workers ?? WorkerPool.Shared).Run(&Rows, &job, (outFeatures + OutputsPerTask - 1) / OutputsPerTask);
        }
    }

    /// <summary>One block of output features, for every image (each weight row is read once per block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(void* context, int task)
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        int first = task * OutputsPerTask;
        int last = Math.Min(first + OutputsPerTask, job.OutFeatures);
        int o = first;
        if (job.Vectorized)
        {
            // Four outputs at a time: four independent chains of multiply-adds over the same input loads, so the loop
            // streams the weights instead of waiting on one chain's latency. Each output's sum is formed exactly as
            // DotVector forms it.
            for (; o + 4 <= last; o += 4)
            {
                float* w = job.Weight + ((long)o * job.InFeatures);
                for (int n = 0; n < job.Batch; n++)
                {
                    float* x = job.Input + ((long)n * job.InFeatures);
                    float* y = job.Output + ((long)n * job.OutFeatures) + o;
                    DotVector4(x, w, job.InFeatures, job.Bias + o, y);
                }
            }
        }

        for (; o < last; o++)
        {
            var w = new ReadOnlySpan<float>(job.Weight + ((long)o * job.InFeatures), job.InFeatures);
            for (int n = 0; n < job.Batch; n++)
            {
                var x = new ReadOnlySpan<float>(job.Input + ((long)n * job.InFeatures), job.InFeatures);
                job.Output[((long)n * job.OutFeatures) + o] = job.Bias[o] + (job.Vectorized ? DotVector(x, w) : DotScalar(x, w));
            }
        }
    }

    /// <summary>
    /// <see cref="DotVector"/> of <paramref name="x"/> with four consecutive weight rows at once, plus their biases,
    /// written to <paramref name="y"/>[0..3]; bit for bit what four calls of it would give.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotVector4(float* x, float* w, int length, float* bias, float* y)
    {
        float* w1 = w + length;
        float* w2 = w1 + length;
        float* w3 = w2 + length;
        Vector256<float> sum0 = Vector256<float>.Zero, sum1 = Vector256<float>.Zero, sum2 = Vector256<float>.Zero, sum3 = Vector256<float>.Zero;
        int i = 0;
        for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
        {
            Vector256<float> v = Vector256.Load(x + i);
            sum0 = Vector256.FusedMultiplyAdd(v, Vector256.Load(w + i), sum0);
            sum1 = Vector256.FusedMultiplyAdd(v, Vector256.Load(w1 + i), sum1);
            sum2 = Vector256.FusedMultiplyAdd(v, Vector256.Load(w2 + i), sum2);
            sum3 = Vector256.FusedMultiplyAdd(v, Vector256.Load(w3 + i), sum3);
        }

        float total0 = Sum(sum0), total1 = Sum(sum1), total2 = Sum(sum2), total3 = Sum(sum3);
        for (; i < length; i++)
        {
            total0 = MathF.FusedMultiplyAdd(x[i], w[i], total0);
            total1 = MathF.FusedMultiplyAdd(x[i], w1[i], total1);
            total2 = MathF.FusedMultiplyAdd(x[i], w2[i], total2);
            total3 = MathF.FusedMultiplyAdd(x[i], w3[i], total3);
        }

        y[0] = bias[0] + total0;
        y[1] = bias[1] + total1;
        y[2] = bias[2] + total2;
        y[3] = bias[3] + total3;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        Vector256<float> sum = Vector256<float>.Zero;
        int i = 0;
        for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
        {
            sum = Vector256.FusedMultiplyAdd(Vector256.Create(x.Slice(i, Vector256<float>.Count)), Vector256.Create(w.Slice(i, Vector256<float>.Count)), sum);
        }

        float total = Sum(sum);
        for (; i < x.Length; i++)
        {
            total = MathF.FusedMultiplyAdd(x[i], w[i], total);
        }

        return total;
    }

    /// <summary>
    /// <see cref="DotVector"/>'s sum without vectors: eight running sums, one per lane, the same fused multiply-adds,
    /// <see cref="Lanes"/> and the same tail, so both paths give the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= x.Length; i += 8)
        {
            s0 = MathF.FusedMultiplyAdd(x[i], w[i], s0);
            s1 = MathF.FusedMultiplyAdd(x[i + 1], w[i + 1], s1);
            s2 = MathF.FusedMultiplyAdd(x[i + 2], w[i + 2], s2);
            s3 = MathF.FusedMultiplyAdd(x[i + 3], w[i + 3], s3);
            s4 = MathF.FusedMultiplyAdd(x[i + 4], w[i + 4], s4);
            s5 = MathF.FusedMultiplyAdd(x[i + 5], w[i + 5], s5);
            s6 = MathF.FusedMultiplyAdd(x[i + 6], w[i + 6], s6);
            s7 = MathF.FusedMultiplyAdd(x[i + 7], w[i + 7], s7);
        }

        float total = Lanes(s0, s1, s2, s3, s4, s5, s6, s7);
        for (; i < x.Length; i++)
        {
            total = MathF.FusedMultiplyAdd(x[i], w[i], total);
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector256<float> v) =>
        Lanes(v.GetElement(0), v.GetElement(1), v.GetElement(2), v.GetElement(3), v.GetElement(4), v.GetElement(5), v.GetElement(6), v.GetElement(7));

    /// <summary>The eight lane sums added in one fixed order: the halves pairwise, then the quarters, then the two that are left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Lanes(float l0, float l1, float l2, float l3, float l4, float l5, float l6, float l7) =>
        ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));

    private struct Job
    {
        public float* Input;
        public float* Output;
        public float* Weight;
        public float* Bias;
        public int Batch;
        public int InFeatures;
        public int OutFeatures;
        public bool Vectorized;
    }
}
