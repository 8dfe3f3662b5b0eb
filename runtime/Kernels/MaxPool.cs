using System;

namespace ResNetGen.Kernels;

/// <summary>2-D max pooling over NCHW feature maps; padded positions never take part in the max.</summary>
public static class MaxPool
{
    /// <summary>Pools every channel of every image.</summary>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    public static void Forward(
        ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int inHeight, int inWidth,
        int outHeight, int outWidth, int kernel, int stride, int padding)
    {
        int inPlane = inHeight * inWidth;
        int outPlane = outHeight * outWidth;
        long planes = (long)batch * channels;
        if (source.Length < planes * inPlane || destination.Length < planes * outPlane)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {planes * inPlane}), destination {destination.Length} (needs {planes * outPlane}).");
        }

        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<float> input = source.Slice(p * inPlane, inPlane);
            Span<float> output = destination.Slice(p * outPlane, outPlane);
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
                    float max = float.NegativeInfinity;
                    for (int y = yStart; y < yEnd; y++)
                    {
                        ReadOnlySpan<float> row = input.Slice(y * inWidth, inWidth);
                        for (int x = xStart; x < xEnd; x++)
                        {
                            max = MathF.Max(max, row[x]);
                        }
                    }

                    output[(oy * outWidth) + ox] = max;
                }
            }
        }
    }
}
