using System;

namespace ResNetGen;

/// <summary>
/// Decoded 8-bit pixels in memory, rows top to bottom: what <see cref="ImageNetTransform"/> reads. It only describes
/// memory the caller owns (a decoder's output, a locked bitmap, a camera frame); nothing is copied.
/// </summary>
public readonly ref struct ImagePixels
{
    /// <summary>Describes tightly packed rows: the stride is <paramref name="width"/> times the bytes per pixel.</summary>
    /// <param name="data">The pixels, row after row.</param>
    /// <param name="width">Pixels per row, at least 1.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="format">How one pixel's bytes are laid out.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, or <paramref name="format"/> is not defined.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> is shorter than the image.</exception>
    public ImagePixels(ReadOnlySpan<byte> data, int width, int height, ImagePixelFormat format)
        : this(data, width, height, checked(width * BytesPerPixelOf(format)), format)
    {
    }

    /// <summary>Describes rows that start <paramref name="stride"/> bytes apart (padded rows, or a window of a larger image).</summary>
    /// <param name="data">The pixels; row <c>y</c> starts at byte <c>y * stride</c>.</param>
    /// <param name="width">Pixels per row, at least 1.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="stride">Bytes from the start of one row to the start of the next, at least a row's pixels.</param>
    /// <param name="format">How one pixel's bytes are laid out.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the stride is shorter than a row, or
    /// <paramref name="format"/> is not defined.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> is shorter than the image.</exception>
    public ImagePixels(ReadOnlySpan<byte> data, int width, int height, int stride, ImagePixelFormat format)
    {
        int bytesPerPixel = BytesPerPixelOf(format);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        long rowBytes = (long)width * bytesPerPixel;
        if (stride < rowBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride,
                $"A row of {width} {format} pixels is {rowBytes} bytes; the stride cannot be shorter.");
        }

        long needed = ((long)(height - 1) * stride) + rowBytes;
        if (data.Length < needed)
        {
            throw new ArgumentException(
                $"A {width}x{height} {format} image with a stride of {stride} bytes needs {needed} bytes, not {data.Length}.", nameof(data));
        }

        Data = data;
        Width = width;
        Height = height;
        Stride = stride;
        Format = format;
    }

    /// <summary>The pixels, row after row.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Bytes from the start of one row to the start of the next.</summary>
    public int Stride { get; }

    /// <summary>How one pixel's bytes are laid out.</summary>
    public ImagePixelFormat Format { get; }

    /// <summary>Bytes per pixel of <paramref name="format"/>: 3, 4 or 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not defined.</exception>
    public static int BytesPerPixelOf(ImagePixelFormat format) => format switch
    {
        ImagePixelFormat.Rgb24 => 3,
        ImagePixelFormat.Rgba32 => 4,
        ImagePixelFormat.Gray8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a defined ImagePixelFormat."),
    };
}
