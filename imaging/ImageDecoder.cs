using System;
using System.Collections.Generic;
using System.IO;

namespace ResNetGen.Imaging;

/// <summary>
/// Reads an image file and decodes it to 8-bit RGB as PIL's <c>Image.open(path).convert("RGB")</c> does, choosing the
/// decoder from the file's first bytes, not its name: JPEG through the system's libturbojpeg, PNG through libspng, and
/// PBM/PGM/PPM in managed code. A missing native library is an <see cref="ImageDecodeException"/> that names the package
/// to install, thrown only when an image needs it.
/// </summary>
public static class ImageDecoder
{
    /// <summary>File name extensions of the formats decoded (lower case; compare ignoring case), e.g. to search a folder.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".ppm", ".pgm", ".pbm", ".pnm"];

    static ImageDecoder() => NativeImageLibrary.RegisterResolver();

    /// <summary>Reads and decodes the file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageDecodeException">
    /// The file cannot be read, is not a supported image, or is damaged; the message is one line that starts with
    /// <paramref name="path"/> (<see cref="ImageDecodeException.FilePath"/>), then says why (<see cref="ImageDecodeException.Reason"/>).
    /// </exception>
    public static RgbImage DecodeFile(string path)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, $"cannot read the file: {e.Message}", e);
        }

        try
        {
            return Decode(data);
        }
        catch (ImageDecodeException e)
        {
            throw new ImageDecodeException(path, e.Reason, e.InnerException);
        }
    }

    /// <summary>Decodes a JPEG, PNG, PBM, PGM or PPM image held in memory.</summary>
    /// <exception cref="ImageDecodeException">The data is not a supported image or is damaged; the message is one line.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            throw new ImageDecodeException("the file is empty");
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return JpegDecoder.Decode(data);
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return PngDecoder.Decode(data);
        }

        if (NetpbmDecoder.IsNetpbm(data))
        {
            return NetpbmDecoder.Decode(data);
        }

        throw new ImageDecodeException($"not a supported image ({Describe(data)}); ResNetGen.Imaging reads JPEG, PNG and PBM/PGM/PPM");
    }

    private static string Describe(ReadOnlySpan<byte> data) => data switch
    {
        [(byte)'G', (byte)'I', (byte)'F', ..] => "a GIF",
        [(byte)'B', (byte)'M', ..] => "a BMP",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "a WebP",
        [(byte)'I', (byte)'I', 42, 0, ..] or [(byte)'M', (byte)'M', 0, 42, ..] => "a TIFF",
        [(byte)'P', (byte)'7', ..] => "a PAM (P7)",
        _ => "unknown content",
    };
}
