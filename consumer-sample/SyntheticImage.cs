using System;

namespace ResNetGen.Sample;

/// <summary>A deterministic test image, so the sample runs with nothing downloaded.</summary>
internal static class SyntheticImage
{
    private static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };
    private static readonly float[] Std = { 0.229f, 0.224f, 0.225f };

    /// <summary>
    /// Smooth colour gradients with a bright disc in the middle, as RGB in [0, 1], then normalised with the
    /// ImageNet mean and standard deviation (torchvision's eval transform). Layout CHW.
    /// </summary>
    public static float[] Create(int channels, int height, int width)
    {
        var image = new float[channels * height * width];
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double u = (double)x / width;
                    double v = (double)y / height;
                    double r = Math.Sqrt(((u - 0.5) * (u - 0.5)) + ((v - 0.5) * (v - 0.5)));
                    double value = r < 0.25
                        ? 0.9
                        : (c % 3) switch { 0 => u, 1 => v, _ => 0.5 + (0.5 * Math.Sin(8 * (u + v))) };
                    image[(((c * height) + y) * width) + x] = (float)((value - Mean[c % 3]) / Std[c % 3]);
                }
            }
        }

        return image;
    }
}
