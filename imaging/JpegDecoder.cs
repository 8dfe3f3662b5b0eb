using System;
using System.Runtime.InteropServices;

namespace ResNetGen.Imaging;

/// <summary>
/// JPEG through the system's libjpeg-turbo (TurboJPEG API: <c>tjDecompressHeader3</c>, <c>tjDecompress2</c>). With the
/// default flags (accurate integer IDCT, smooth "fancy" chroma upsampling) it decodes exactly as PIL does through libjpeg,
/// which is also libjpeg-turbo on Debian: the JPEG goldens of the tests match byte for byte.
/// </summary>
internal static partial class JpegDecoder
{
    private const int PixelFormatRgb = 0; // TJPF_RGB
    private const int ColorspaceCmyk = 3; // TJCS_CMYK
    private const int ColorspaceYcck = 4; // TJCS_YCCK
    private const int ErrorWarning = 0;   // TJERR_WARNING

    private static readonly string[] Subsampling = ["4:4:4", "4:2:2", "4:2:0", "gray", "4:4:0", "4:1:1"];

    /// <summary>Decodes a JPEG to RGB (grayscale replicated to three channels).</summary>
    /// <exception cref="ImageDecodeException">The data is not a decodable JPEG, is truncated, or libturbojpeg is missing.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> jpeg)
    {
        NativeImageLibrary.TurboJpeg.EnsureAvailable("JPEG");
        nint handle = TjInitDecompress();
        if (handle == 0)
        {
            throw new ImageDecodeException("libturbojpeg could not create a decompressor");
        }

        try
        {
            var size = new CULong((nuint)jpeg.Length);
            if (TjDecompressHeader3(handle, jpeg, size, out int width, out int height, out int subsampling, out int colorspace) != 0)
            {
                throw new ImageDecodeException($"not a readable JPEG: {ErrorText(handle)}");
            }

            if (colorspace is ColorspaceCmyk or ColorspaceYcck)
            {
                throw new ImageDecodeException("CMYK JPEGs are not supported (convert the image to RGB first)");
            }

            byte[] pixels = ImageLimits.Allocate(width, height, "JPEG");
            if (TjDecompress2(handle, jpeg, size, pixels, width, 0, height, PixelFormatRgb, 0) != 0)
            {
                string error = ErrorText(handle);
                bool warningOnly = TjGetErrorCode(handle) == ErrorWarning;

                // libjpeg warns, and fills the rest with gray, when the data ends early; PIL refuses such a file
                // ("image file is truncated"), and so do we. Other warnings (e.g. extraneous bytes) PIL ignores, and so do we.
                if (!warningOnly || error.Contains("Premature end", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ImageDecodeException($"corrupt or truncated JPEG: {error}");
                }
            }

            string sampling = subsampling >= 0 && subsampling < Subsampling.Length ? Subsampling[subsampling] : "?";
            return new RgbImage(width, height, pixels, $"JPEG {sampling}");
        }
        finally
        {
            _ = TjDestroy(handle);
        }
    }

    private static string ErrorText(nint handle) => Marshal.PtrToStringUTF8(TjGetErrorStr2(handle))?.Trim() ?? "unknown error";

    [LibraryImport("turbojpeg", EntryPoint = "tjInitDecompress")]
    private static partial nint TjInitDecompress();

    [LibraryImport("turbojpeg", EntryPoint = "tjDecompressHeader3")]
    private static partial int TjDecompressHeader3(
        nint handle, ReadOnlySpan<byte> jpegBuf, CULong jpegSize, out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

    [LibraryImport("turbojpeg", EntryPoint = "tjDecompress2")]
    private static partial int TjDecompress2(
        nint handle, ReadOnlySpan<byte> jpegBuf, CULong jpegSize, Span<byte> dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport("turbojpeg", EntryPoint = "tjGetErrorStr2")]
    private static partial nint TjGetErrorStr2(nint handle);

    [LibraryImport("turbojpeg", EntryPoint = "tjGetErrorCode")]
    private static partial int TjGetErrorCode(nint handle);

    [LibraryImport("turbojpeg", EntryPoint = "tjDestroy")]
    private static partial int TjDestroy(nint handle);
}
