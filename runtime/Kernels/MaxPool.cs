using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>
/// 2-D max pooling over channels-last (NHWC) feature maps, 64 channels at a time in four 512-bit vectors on the AVX-512
/// path and eight at a time otherwise, output rows spread over <see cref="WorkerPool.Shared"/>. Padded positions never take part in the max.
/// As in torch, a window's first value wins a tie (so of -0 and +0 the one met first) and a NaN anywhere in the window makes the
/// result NaN. The vector paths keep a running max with the processor's own max instruction (on x86, <c>MaxNative(value, max)</c> keeps
/// <c>max</c> on ties and on NaN) and a running NaN mask beside it: the IEEE maximum of <see cref="Vector512.Max{T}"/> costs
/// three dependent instructions per value, and was most of the pool's time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class MaxPool
{
    /// <summary>Pools every channel of every image.</summary>
    /// <param name="source">Input maps, <c>batch x inHeight x inWidth x channels</c> (channels-last).</param>
    /// <param name="destination">Output maps, <c>batch x outHeight x outWidth x channels</c>.</param>
    /// <param name="batch">Images.</param>
    /// <param name="channels">Channels per pixel.</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="kernel">Square window size.</param>
    /// <param name="stride">Window stride.</param>
    /// <param name="padding">Implicit padding on each side; padded positions never win the max.</param>
    /// <param name="workers">The threads that share the call; null for <see cref="WorkerPool.Shared"/>.</param>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(
        ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int inHeight, int inWidth,
        int outHeight, int outWidth, int kernel, int stride, int padding, WorkerPool? workers = null)
    {
        long inputLength = (long)batch * inHeight * inWidth * channels;
        long outputLength = (long)batch * outHeight * outWidth * channels;
        if (source.Length < inputLength || destination.Length < outputLength)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {inputLength}), destination {destination.Length} (needs {outputLength}).");
        }

        fixed (float* input = source)
        fixed (float* output = destination)
        {
            var job = new Job
            {
                Input = input,
                Output = output,
                Channels = channels,
                InHeight = inHeight,
                InWidth = inWidth,
                OutHeight = outHeight,
                OutWidth = outWidth,
                Kernel = kernel,
                Stride = stride,
                Padding = padding,
                InstructionSet = KernelSettings.InstructionSet,
            };
            (workers ?? WorkerPool.Shared).Run(&Row, &job, batch * outHeight);
        }
    }

    /// <summary>One output row of one image: every pixel, every channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(void* context, int task)
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        int n = task / job.OutHeight;
        int oy = task % job.OutHeight;
        float* image = job.Input + ((long)n * job.InHeight * job.InWidth * job.Channels);
        float* output = job.Output + ((((long)n * job.OutHeight) + oy) * job.OutWidth * job.Channels);
        PoolRow(image, output, oy, job.Channels, job.InHeight, job.InWidth, job.OutWidth, job.Kernel, job.Stride, job.Padding, job.InstructionSet);
    }

    /// <summary>Output row <paramref name="oy"/> of one image (<paramref name="image"/> in, the row at <paramref name="output"/> out): every pixel, every channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PoolRow(
        float* image, float* output, int oy, int channels, int inHeight, int inWidth, int outWidth, int kernel, int stride, int padding, KernelInstructionSet instructionSet)
    {
        bool wide = instructionSet == KernelInstructionSet.Avx512;
        int y0 = (oy * stride) - padding;
        int yStart = Math.Max(y0, 0);
        var window = new Window { RowStride = (long)inWidth * channels, Channels = channels, Rows = Math.Min(y0 + kernel, inHeight) - yStart };
        for (int ox = 0; ox < outWidth; ox++, output += channels)
        {
            int x0 = (ox * stride) - padding;
            int xStart = Math.Max(x0, 0);
            window.Columns = Math.Min(x0 + kernel, inWidth) - xStart;
            float* first = image + ((((long)yStart * inWidth) + xStart) * channels);
            int c = 0;
            if (wide)
            {
                for (; c + 64 <= channels; c += 64)
                {
                    window.Max64(first + c, output + c);
                }
            }

            for (; c + Vector256<float>.Count <= channels; c += Vector256<float>.Count)
            {
                window.Max8(first + c, output + c);
            }

            for (; c < channels; c++)
            {
                output[c] = window.Max1(first + c);
            }
        }
    }

    /// <summary>A pooling window's extent in memory: rows of columns of pixels, clipped to the map.</summary>
    private struct Window
    {
        public long RowStride;
        public int Channels;
        public int Rows;
        public int Columns;

        /// <summary>The max of 64 consecutive channels over the window, four 512-bit vectors at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Max64(float* first, float* output)
        {
            Vector512<float> m0 = Vector512.Create(float.NegativeInfinity), m1 = m0, m2 = m0, m3 = m0;
            Vector512<float> n0 = default, n1 = default, n2 = default, n3 = default;
            for (int y = 0; y < Rows; y++, first += RowStride)
            {
                float* pixel = first;
                for (int x = 0; x < Columns; x++, pixel += Channels)
                {
                    Vector512<float> v0 = Vector512.Load(pixel);
                    Vector512<float> v1 = Vector512.Load(pixel + 16);
                    Vector512<float> v2 = Vector512.Load(pixel + 32);
                    Vector512<float> v3 = Vector512.Load(pixel + 48);
                    m0 = Vector512.MaxNative(v0, m0);
                    m1 = Vector512.MaxNative(v1, m1);
                    m2 = Vector512.MaxNative(v2, m2);
                    m3 = Vector512.MaxNative(v3, m3);
                    n0 |= Vector512.IsNaN(v0);
                    n1 |= Vector512.IsNaN(v1);
                    n2 |= Vector512.IsNaN(v2);
                    n3 |= Vector512.IsNaN(v3);
                }
            }

            Vector512<float> nan = Vector512.Create(float.NaN);
            Vector512.ConditionalSelect(n0, nan, m0).Store(output);
            Vector512.ConditionalSelect(n1, nan, m1).Store(output + 16);
            Vector512.ConditionalSelect(n2, nan, m2).Store(output + 32);
            Vector512.ConditionalSelect(n3, nan, m3).Store(output + 48);
        }

        /// <summary>The max of eight consecutive channels over the window.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Max8(float* first, float* output)
        {
            Vector256<float> max = Vector256.Create(float.NegativeInfinity);
            Vector256<float> nan = default;
            for (int y = 0; y < Rows; y++, first += RowStride)
            {
                float* pixel = first;
                for (int x = 0; x < Columns; x++, pixel += Channels)
                {
                    Vector256<float> value = Vector256.Load(pixel);
                    max = Vector256.MaxNative(value, max);
                    nan |= Vector256.IsNaN(value);
                }
            }

            Vector256.ConditionalSelect(nan, Vector256.Create(float.NaN), max).Store(output);
        }

        /// <summary>The max of one channel over the window.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly float Max1(float* first)
        {
            float max = float.NegativeInfinity;
            for (int y = 0; y < Rows; y++, first += RowStride)
            {
                float* pixel = first;
                for (int x = 0; x < Columns; x++, pixel += Channels)
                {
                    float value = *pixel;
                    max = value > max || float.IsNaN(value) ? value : max;
                }
            }

            return max;
        }
    }

    private struct Job
    {
        public float* Input;
        public float* Output;
        public int Channels;
        public int InHeight;
        public int InWidth;
        public int OutHeight;
        public int OutWidth;
        public int Kernel;
        public int Stride;
        public int Padding;
        public KernelInstructionSet InstructionSet;
    }
}
