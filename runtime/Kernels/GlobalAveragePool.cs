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

        fixed (float* input = source)
        fixed (float* output = destination)
        {
            for (int n = 0; n < batch; n++)
            {
                float* image = input + ((long)n * pixels * channels);
                float* means = output + ((long)n * channels);
                int c = 0;
                for (; c + 32 <= channels; c += 32)
                {
                    Mean32(image + c, means + c, pixels, channels);
                }

                for (; c < channels; c++)
                {
                    double sum = 0;
                    for (int p = 0; p < pixels; p++)
                    {
                        sum += image[((long)p * channels) + c];
                    }

                    means[c] = (float)(sum / pixels);
                }
            }
        }
    }

    /// <summary>
    /// The means of 32 consecutive channels: eight double sums in registers, each channel summed in pixel order (as in
    /// scalar code), so the map is read once, pixel by pixel, with no sums going through memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mean32(float* first, float* means, int pixels, int channels)
    {
        Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        float* pixel = first;
        for (int p = 0; p < pixels; p++, pixel += channels)
        {
            (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(Vector256.Load(pixel));
            s0 += lower;
            s1 += upper;
            (lower, upper) = Vector256.Widen(Vector256.Load(pixel + 8));
            s2 += lower;
            s3 += upper;
            (lower, upper) = Vector256.Widen(Vector256.Load(pixel + 16));
            s4 += lower;
            s5 += upper;
            (lower, upper) = Vector256.Widen(Vector256.Load(pixel + 24));
            s6 += lower;
            s7 += upper;
        }

        Vector256<double> count = Vector256.Create((double)pixels);
        Vector128<float> Narrow(Vector256<double> sum) => Vector256.Narrow(sum / count, sum / count).GetLower();
        Vector256.Create(Narrow(s0), Narrow(s1)).Store(means);
        Vector256.Create(Narrow(s2), Narrow(s3)).Store(means + 8);
        Vector256.Create(Narrow(s4), Narrow(s5)).Store(means + 16);
        Vector256.Create(Narrow(s6), Narrow(s7)).Store(means + 24);
    }
}
