using System;

namespace ResNetGen.Kernels;

/// <summary><c>AdaptiveAvgPool2d((1, 1))</c>: the mean of each channel of each image.</summary>
public static class GlobalAveragePool
{
    /// <summary>Writes one mean per channel per image.</summary>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    public static void Forward(ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int height, int width)
    {
        int plane = height * width;
        long planes = (long)batch * channels;
        if (source.Length < planes * plane || destination.Length < planes)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {planes * plane}), destination {destination.Length} (needs {planes}).");
        }

        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<float> values = source.Slice(p * plane, plane);
            double sum = 0;
            foreach (float value in values)
            {
                sum += value;
            }

            destination[p] = (float)(sum / plane);
        }
    }
}
