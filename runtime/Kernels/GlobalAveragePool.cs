using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ResNetGen.Kernels;

/// <summary><c>AdaptiveAvgPool2d((1, 1))</c> on channels-last (NHWC) maps: the mean of each channel of each image.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GlobalAveragePool
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
        for (int n = 0; n < batch; n++)
        {
            sums.Clear();
            ReadOnlySpan<float> image = source.Slice(n * pixels * channels, pixels * channels);
            for (int p = 0; p < pixels; p++)
            {
                ReadOnlySpan<float> pixel = image.Slice(p * channels, channels);
                for (int c = 0; c < channels; c++)
                {
                    sums[c] += pixel[c];
                }
            }

            Span<float> means = destination.Slice(n * channels, channels);
            for (int c = 0; c < channels; c++)
            {
                means[c] = (float)(sums[c] / pixels);
            }
        }
    }
}
