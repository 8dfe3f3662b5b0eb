using System;
using ResNetGen.Imaging;

namespace ResNetGen.Sample;

/// <summary>A deterministic built-in picture, so the sample runs with nothing downloaded.</summary>
internal static class SyntheticImage
{
    /// <summary>Width of the built-in picture.</summary>
    public const int Width = 320;

    /// <summary>Height of the built-in picture.</summary>
    public const int Height = 240;

    /// <summary>
    /// Smooth colour gradients with a bright disc in the middle, as 8-bit RGB: it goes through the same ImageNet
    /// preprocessing as a photo would.
    /// </summary>
    public static RgbImage Create()
    {
        var pixels = new byte[Width * Height * 3];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                double u = (double)x / Width;
                double v = (double)y / Height;
                double r = Math.Sqrt(((u - 0.5) * (u - 0.5)) + ((v - 0.5) * (v - 0.5)));
                for (int c = 0; c < 3; c++)
                {
                    double value = r < 0.25 ? 0.9 : c switch { 0 => u, 1 => v, _ => 0.5 + (0.5 * Math.Sin(8 * (u + v))) };
                    pixels[(((y * Width) + x) * 3) + c] = (byte)Math.Round(value * 255);
                }
            }
        }

        return new RgbImage(Width, Height, pixels, "RGB, generated");
    }
}
