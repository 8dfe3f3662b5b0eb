using System;

namespace ResNetGen.Kernels;

/// <summary>Conversions between the caller's NCHW layout and the channels-last (NHWC) layout the kernels use.</summary>
public static class Layout
{
    /// <summary>Copies NCHW <paramref name="source"/> into NHWC <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    public static void ToChannelsLast(ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int height, int width)
    {
        int pixels = height * width;
        long length = (long)batch * channels * pixels;
        if (source.Length < length || destination.Length < length)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length}, destination {destination.Length} (need {length}).");
        }

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> image = source.Slice(n * channels * pixels, channels * pixels);
            Span<float> output = destination.Slice(n * channels * pixels, channels * pixels);
            for (int c = 0; c < channels; c++)
            {
                ReadOnlySpan<float> plane = image.Slice(c * pixels, pixels);
                for (int p = 0; p < pixels; p++)
                {
                    output[(p * channels) + c] = plane[p];
                }
            }
        }
    }
}
