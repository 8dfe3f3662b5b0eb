using System;
using ResNetGen;

namespace ResNetGen.Imaging;

/// <summary>A decoded 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B (PIL's mode "RGB").</summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/>, which must hold <paramref name="width"/> x <paramref name="height"/> x 3 bytes.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="pixels">R, G, B for each pixel, row by row; kept, not copied.</param>
    /// <param name="format">What the image was decoded from, for reports.</param>
    public RgbImage(int width, int height, byte[] pixels, string format)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height * 3)
        {
            throw new ArgumentException($"A {width}x{height} RGB image needs {(long)width * height * 3} bytes, not {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
        Format = format;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Width x Height x 3 bytes: R, G, B for each pixel, row by row.</summary>
    public byte[] Pixels { get; }

    /// <summary>What the image was decoded from, e.g. "JPEG 4:2:0" or "PNG RGBA 8-bit", for reports.</summary>
    public string Format { get; }

    /// <summary>The pixels as <see cref="ImageNetTransform"/> reads them: RGB24, tightly packed rows.</summary>
    public ImagePixels AsPixels() => new(Pixels, Width, Height, ImagePixelFormat.Rgb24);
}
