using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>
/// 2-D max pooling over channels-last (NHWC) feature maps, eight channels at a time, rows spread over
/// <see cref="WorkerPool.Shared"/>. Padded positions never take part in the max; NaN propagates as in torch.
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
            };
            (workers ?? WorkerPool.Shared).Run(&Row, &job, batch * outHeight);
        }
    }

    /// <summary>One output row of one image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(void* context, int task)
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        int n = task / job.OutHeight;
        int oy = task % job.OutHeight;
        int channels = job.Channels;
        float* image = job.Input + ((long)n * job.InHeight * job.InWidth * channels);
        float* output = job.Output + ((((long)n * job.OutHeight) + oy) * job.OutWidth * channels);
        int y0 = (oy * job.Stride) - job.Padding;
        int yStart = Math.Max(y0, 0);
        int yEnd = Math.Min(y0 + job.Kernel, job.InHeight);
        for (int ox = 0; ox < job.OutWidth; ox++, output += channels)
        {
            int x0 = (ox * job.Stride) - job.Padding;
            int xStart = Math.Max(x0, 0);
            int xEnd = Math.Min(x0 + job.Kernel, job.InWidth);
            int c = 0;
            for (; c + Vector256<float>.Count <= channels; c += Vector256<float>.Count)
            {
                Vector256<float> max = Vector256.Create(float.NegativeInfinity);
                for (int y = yStart; y < yEnd; y++)
                {
                    for (int x = xStart; x < xEnd; x++)
                    {
                        max = Vector256.Max(max, Vector256.Load(image + ((((long)y * job.InWidth) + x) * channels) + c));
                    }
                }

                max.Store(output + c);
            }

            for (; c < channels; c++)
            {
                float max = float.NegativeInfinity;
                for (int y = yStart; y < yEnd; y++)
                {
                    for (int x = xStart; x < xEnd; x++)
                    {
                        max = MathF.Max(max, image[((((long)y * job.InWidth) + x) * channels) + c]);
                    }
                }

                output[c] = max;
            }
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
    }
}
