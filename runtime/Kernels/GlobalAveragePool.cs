using System;

namespace ResNetGen.Kernels;

/// <summary><c>AdaptiveAvgPool2d((1, 1))</c> on channels-last (NHWC) maps: the mean of each channel of each image.</summary>
public static class GlobalAveragePool
{
    /// <summary>Writes one mean per channel per image (<c>Batch x Channels</c>).</summary>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    public static void Forward(ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int height, int width)
    {
        int pixels = height * width;
        long inputLength = (long)batch * pixels * channels;
        if (source.Length < inputLength || destination.Length < (long)batch * channels)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {inputLength}), destination {destination.Length} (needs {(long)batch * channels}).");
        }

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> image = source.Slice(n * pixels * channels, pixels * channels);
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                for (int p = 0; p < pixels; p++)
                {
                    sum += image[(p * channels) + c];
                }

                destination[(n * channels) + c] = (float)(sum / pixels);
            }
        }
    }
}
