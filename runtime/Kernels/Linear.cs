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
            WorkerPool.Shared.Run(&Rows, &job, (outFeatures + OutputsPerTask - 1) / OutputsPerTask);
        }
    }

    /// <summary>One block of output features, for every image (each weight row is read once per block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(void* context, int task)
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        int first = task * OutputsPerTask;
        int last = Math.Min(first + OutputsPerTask, job.OutFeatures);
        for (int o = first; o < last; o++)
        {
            var w = new ReadOnlySpan<float>(job.Weight + ((long)o * job.InFeatures), job.InFeatures);
            for (int n = 0; n < job.Batch; n++)
            {
                var x = new ReadOnlySpan<float>(job.Input + ((long)n * job.InFeatures), job.InFeatures);
                job.Output[((long)n * job.OutFeatures) + o] = job.Bias[o] + (job.Vectorized ? DotVector(x, w) : DotScalar(x, w));
            }
        }
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

        float total = Vector256.Sum(sum);
        for (; i < x.Length; i++)
        {
            total = MathF.FusedMultiplyAdd(x[i], w[i], total);
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        float total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            total = MathF.FusedMultiplyAdd(x[i], w[i], total);
        }

        return total;
    }

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
