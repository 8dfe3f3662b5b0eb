using System;
using System.Runtime.InteropServices;

namespace ResNetGen.Imaging;

/// <summary>
/// PNG through the system's libspng. Every PNG colour type and bit depth is decoded to 8-bit RGBA (palettes expanded,
/// gray replicated, sub-byte depths scaled, 16-bit reduced to 8) and the alpha channel is dropped, as PIL's
/// <c>convert("RGB")</c> drops it. No gamma correction and no transparency handling: PIL applies neither.
/// </summary>
internal static unsafe partial class PngDecoder
{
    private const int FormatRgba8 = 1; // SPNG_FMT_RGBA8

    private static readonly string[] ColorTypes = ["gray", "?", "RGB", "palette", "gray+alpha", "?", "RGBA"];

    /// <summary>Decodes a PNG to RGB.</summary>
    /// <exception cref="ImageDecodeException">The data is not a decodable PNG, is truncated or damaged, or libspng is missing.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> png)
    {
        NativeImageLibrary.Spng.EnsureAvailable("PNG");
        nint context = SpngCtxNew(0);
        if (context == 0)
        {
            throw new ImageDecodeException("libspng could not create a decoder");
        }

        try
        {
            fixed (byte* data = png)
            {
                Check(SpngSetPngBuffer(context, data, (nuint)png.Length));
                Check(SpngSetImageLimits(context, ImageLimits.MaxSide, ImageLimits.MaxSide));
                Ihdr header;
                Check(SpngGetIhdr(context, &header));
                int width = (int)header.Width;
                int height = (int)header.Height;
                byte[] rgb = ImageLimits.Allocate(width, height, "PNG");
                nuint length;
                Check(SpngDecodedImageSize(context, FormatRgba8, &length));
                byte[] rgba = new byte[checked((int)length)];
                fixed (byte* destination = rgba)
                {
                    Check(SpngDecodeImage(context, destination, length, FormatRgba8, 0));
                }

                for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
                {
                    rgb[j] = rgba[i];
                    rgb[j + 1] = rgba[i + 1];
                    rgb[j + 2] = rgba[i + 2];
                }

                string colour = header.ColorType < ColorTypes.Length ? ColorTypes[header.ColorType] : "?";
                return new RgbImage(width, height, rgb, $"PNG {colour} {header.BitDepth}-bit");
            }
        }
        finally
        {
            SpngCtxFree(context);
        }
    }

    private static void Check(int error)
    {
        if (error != 0)
        {
            string text = Marshal.PtrToStringUTF8(SpngStrerror(error)) ?? "unknown error";
            throw new ImageDecodeException($"corrupt or unsupported PNG: {text} (libspng error {error})");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Ihdr
    {
        public uint Width;
        public uint Height;
        public byte BitDepth;
        public byte ColorType;
        public byte CompressionMethod;
        public byte FilterMethod;
        public byte InterlaceMethod;
    }

    [LibraryImport("spng", EntryPoint = "spng_ctx_new")]
    private static partial nint SpngCtxNew(int flags);

    [LibraryImport("spng", EntryPoint = "spng_ctx_free")]
    private static partial void SpngCtxFree(nint context);

    [LibraryImport("spng", EntryPoint = "spng_set_png_buffer")]
    private static partial int SpngSetPngBuffer(nint context, byte* buffer, nuint size);

    [LibraryImport("spng", EntryPoint = "spng_set_image_limits")]
    private static partial int SpngSetImageLimits(nint context, uint width, uint height);

    [LibraryImport("spng", EntryPoint = "spng_get_ihdr")]
    private static partial int SpngGetIhdr(nint context, Ihdr* header);

    [LibraryImport("spng", EntryPoint = "spng_decoded_image_size")]
    private static partial int SpngDecodedImageSize(nint context, int format, nuint* length);

    [LibraryImport("spng", EntryPoint = "spng_decode_image")]
    private static partial int SpngDecodeImage(nint context, byte* output, nuint length, int format, int flags);

    [LibraryImport("spng", EntryPoint = "spng_strerror")]
    private static partial nint SpngStrerror(int error);
}
