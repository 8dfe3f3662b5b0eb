using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ResNetGen.Kernels;

/// <summary>Conversions between the caller's NCHW layout and the channels-last (NHWC) layout the kernels use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Layout
{
    /// <summary>
    /// Copies NCHW <paramref name="source"/> into NHWC <paramref name="destination"/>, surrounded by a zero border of
    /// <paramref name="padding"/> pixels: the destination holds <c>batch x (height + 2 padding) x (width + 2 padding) x channels</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToChannelsLast(ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int height, int width, int padding = 0)
    {
        int pixels = height * width;
        int paddedWidth = width + (2 * padding);
        int paddedImage = (height + (2 * padding)) * paddedWidth * channels;
        long inputLength = (long)batch * channels * pixels;
        long outputLength = (long)batch * paddedImage;
        if (source.Length < inputLength || destination.Length < outputLength)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {inputLength}), destination {destination.Length} (needs {outputLength}).");
        }

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> image = source.Slice(n * channels * pixels, channels * pixels);
            Span<float> output = destination.Slice(n * paddedImage, paddedImage);
            if (padding > 0)
            {
                output.Clear();
            }

            for (int y = 0; y < height; y++)
            {
                Span<float> row = output.Slice((((y + padding) * paddedWidth) + padding) * channels, width * channels);
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<float> line = image.Slice((c * pixels) + (y * width), width);
                    for (int x = 0; x < width; x++)
                    {
                        row[(x * channels) + c] = line[x];
                    }
                }
            }
        }
    }
}
