using System;

namespace ResNetGen.Kernels;

/// <summary>2-D max pooling over channels-last (NHWC) feature maps; padded positions never take part in the max.</summary>
public static class MaxPool
{
    /// <summary>Pools every channel of every image.</summary>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    public static void Forward(
        ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int inHeight, int inWidth,
        int outHeight, int outWidth, int kernel, int stride, int padding)
    {
        long inputLength = (long)batch * inHeight * inWidth * channels;
        long outputLength = (long)batch * outHeight * outWidth * channels;
        if (source.Length < inputLength || destination.Length < outputLength)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {inputLength}), destination {destination.Length} (needs {outputLength}).");
        }

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> image = source.Slice(n * inHeight * inWidth * channels, inHeight * inWidth * channels);
            for (int oy = 0; oy < outHeight; oy++)
            {
                int y0 = (oy * stride) - padding;
                int yStart = Math.Max(y0, 0);
                int yEnd = Math.Min(y0 + kernel, inHeight);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int x0 = (ox * stride) - padding;
                    int xStart = Math.Max(x0, 0);
                    int xEnd = Math.Min(x0 + kernel, inWidth);
                    Span<float> output = destination.Slice((((n * outHeight) + oy) * outWidth + ox) * channels, channels);
                    output.Fill(float.NegativeInfinity);
                    for (int y = yStart; y < yEnd; y++)
                    {
                        for (int x = xStart; x < xEnd; x++)
                        {
                            ReadOnlySpan<float> pixel = image.Slice(((y * inWidth) + x) * channels, channels);
                            for (int c = 0; c < channels; c++)
                            {
                                output[c] = MathF.Max(output[c], pixel[c]);
                            }
                        }
                    }
                }
            }
        }
    }
}
