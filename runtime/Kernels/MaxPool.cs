using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>
/// 2-D max pooling over channels-last (NHWC) feature maps, 64 channels at a time in four 512-bit vectors on the AVX-512
/// path and eight at a time otherwise, output rows spread over <see cref="WorkerPool.Shared"/>. Padded positions never take part in the max; NaN propagates as in torch.
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
        int channels = job.Channels;
        int inWidth = job.InWidth;
        int kernel = job.Kernel;
        int stride = job.Stride;
        int padding = job.Padding;
        bool wide = job.InstructionSet == KernelInstructionSet.Avx512;
        float* image = job.Input + ((long)n * job.InHeight * inWidth * channels);
        float* output = job.Output + ((((long)n * job.OutHeight) + oy) * job.OutWidth * channels);
        int y0 = (oy * stride) - padding;
        int yStart = Math.Max(y0, 0);
        var window = new Window { RowStride = (long)inWidth * channels, Channels = channels, Rows = Math.Min(y0 + kernel, job.InHeight) - yStart };
        for (int ox = 0; ox < job.OutWidth; ox++, output += channels)
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
            for (int y = 0; y < Rows; y++, first += RowStride)
            {
                float* pixel = first;
                for (int x = 0; x < Columns; x++, pixel += Channels)
                {
                    m0 = Vector512.Max(m0, Vector512.Load(pixel));
                    m1 = Vector512.Max(m1, Vector512.Load(pixel + 16));
                    m2 = Vector512.Max(m2, Vector512.Load(pixel + 32));
                    m3 = Vector512.Max(m3, Vector512.Load(pixel + 48));
                }
            }

            m0.Store(output);
            m1.Store(output + 16);
            m2.Store(output + 32);
            m3.Store(output + 48);
        }

        /// <summary>The max of eight consecutive channels over the window.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Max8(float* first, float* output)
        {
            Vector256<float> max = Vector256.Create(float.NegativeInfinity);
            for (int y = 0; y < Rows; y++, first += RowStride)
            {
                float* pixel = first;
                for (int x = 0; x < Columns; x++, pixel += Channels)
                {
                    max = Vector256.Max(max, Vector256.Load(pixel));
                }
            }

            max.Store(output);
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
                    max = MathF.Max(max, *pixel);
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
