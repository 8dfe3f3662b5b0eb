using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary><c>AdaptiveAvgPool2d((1, 1))</c> on channels-last (NHWC) maps: the mean of each channel of each image.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class GlobalAveragePool
{
    /// <summary>Writes one mean per channel per image (<c>Batch x Channels</c>), summing in double as torch does on the CPU.</summary>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int height, int width)
    {
        int pixels = height * width;
        long inputLength = (long)batch * pixels * channels;
        if (source.Length < inputLength || destination.Length < (long)batch * channels)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {inputLength}), destination {destination.Length} (needs {(long)batch * channels}).");
        }

        const int StackLimit = 4096;
        Span<double> sums = channels <= StackLimit ? stackalloc double[channels] : new double[channels];
        fixed (float* input = source)
        fixed (float* output = destination)
        fixed (double* sum = sums)
        {
            for (int n = 0; n < batch; n++)
            {
                sums.Clear();
                float* image = input + ((long)n * pixels * channels);
                for (int p = 0; p < pixels; p++)
                {
                    Accumulate(image + ((long)p * channels), sum, channels);
                }

                float* means = output + ((long)n * channels);
                for (int c = 0; c < channels; c++)
                {
                    means[c] = (float)(sum[c] / pixels);
                }
            }
        }
    }

    /// <summary>Adds one pixel's channels to the running sums, eight at a time widened to double (each channel's sum in pixel order, as in scalar code).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Accumulate(float* pixel, double* sums, int channels)
    {
        int c = 0;
        for (; c + Vector256<float>.Count <= channels; c += Vector256<float>.Count)
        {
            (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(Vector256.Load(pixel + c));
            (Vector256.Load(sums + c) + lower).Store(sums + c);
            (Vector256.Load(sums + c + 4) + upper).Store(sums + c + 4);
        }

        for (; c < channels; c++)
        {
            sums[c] += pixel[c];
        }
    }
}
