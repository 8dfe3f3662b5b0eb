using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ResNetGen.Kernels;

/// <summary>Conversions between the caller's NCHW layout and the channels-last (NHWC) layout the kernels use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Layout
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

        fixed (float* input = source)
        fixed (float* output = destination)
        {
            for (int n = 0; n < batch; n++)
            {
                float* image = input + ((long)n * channels * pixels);
                float* padded = output + ((long)n * paddedImage);
                ClearBorder(padded, height, paddedWidth, channels, padding);
                for (int y = 0; y < height; y++)
                {
                    float* row = padded + ((((long)(y + padding) * paddedWidth) + padding) * channels);
                    float* line = image + ((long)y * width);
                    if (channels == 3)
                    {
                        InterleaveThree(line, line + pixels, line + (2 * pixels), row, width);
                    }
                    else
                    {
                        Interleave(line, pixels, row, width, channels);
                    }
                }
            }
        }
    }

    /// <summary>Zeros the rows above and below the image and the columns left and right of each of its rows.</summary>
    private static unsafe void ClearBorder(float* padded, int height, int paddedWidth, int channels, int padding)
    {
        if (padding == 0)
        {
            return;
        }

        int rowLength = paddedWidth * channels;
        int edge = padding * channels;
        new Span<float>(padded, padding * rowLength).Clear();
        new Span<float>(padded + ((long)(height + padding) * rowLength), padding * rowLength).Clear();
        for (int y = padding; y < height + padding; y++)
        {
            float* row = padded + ((long)y * rowLength);
            new Span<float>(row, edge).Clear();
            new Span<float>(row + rowLength - edge, edge).Clear();
        }
    }

    /// <summary>One row of an RGB image: three planes' lines into one line of pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void InterleaveThree(float* red, float* green, float* blue, float* row, int width)
    {
        for (int x = 0; x < width; x++, row += 3)
        {
            row[0] = red[x];
            row[1] = green[x];
            row[2] = blue[x];
        }
    }

    /// <summary>One row of any number of channels, <paramref name="plane"/> floats apart in the source.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Interleave(float* line, int plane, float* row, int width, int channels)
    {
        for (int c = 0; c < channels; c++, line += plane)
        {
            float* target = row + c;
            for (int x = 0; x < width; x++, target += channels)
            {
                *target = line[x];
            }
        }
    }
}
