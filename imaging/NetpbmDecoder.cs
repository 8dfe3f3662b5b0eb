using System;

namespace ResNetGen.Imaging;

/// <summary>
/// Netpbm images, decoded in C#: PBM (P1, P4), PGM (P2, P5) and PPM (P3, P6), plain (text) and raw (binary), with
/// comments in the header. Samples are scaled to 0..255 as PIL does (<c>round(value / maxval * 255)</c>, ties to even);
/// bitmaps become black (1) and white (0); gray is replicated to RGB.
/// </summary>
/// <remarks>
/// One deliberate difference from PIL: a PGM with maxval above 255 becomes PIL mode "I", which <c>convert("RGB")</c>
/// clips at 255 (most of such an image turns white); here it is scaled to 8 bits like every other sample.
/// </remarks>
internal static class NetpbmDecoder
{
    /// <summary>Whether <paramref name="data"/> starts like a PBM, PGM or PPM file ("P1" to "P6").</summary>
    public static bool IsNetpbm(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == (byte)'P' && data[1] >= (byte)'1' && data[1] <= (byte)'6';

    /// <summary>Decodes a PBM, PGM or PPM file to RGB.</summary>
    /// <exception cref="ImageDecodeException">The header or the data is malformed or truncated.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> data)
    {
        if (!IsNetpbm(data))
        {
            throw new ImageDecodeException("not a PBM, PGM or PPM file");
        }

        char kind = (char)data[1];
        bool plain = kind <= '3';
        bool bitmap = kind is '1' or '4';
        int channels = kind is '3' or '6' ? 3 : 1;
        string name = bitmap ? "PBM" : channels == 3 ? "PPM" : "PGM";
        int position = 2;
        if (position < data.Length && !IsWhitespace(data[position]))
        {
            throw new ImageDecodeException($"not a {name} file: no whitespace after the magic number");
        }

        int width = ReadHeaderNumber(data, ref position, name, "width");
        int height = ReadHeaderNumber(data, ref position, name, "height");
        int maxValue = bitmap ? 1 : ReadHeaderNumber(data, ref position, name, "maxval");
        if (maxValue is < 1 or > 65535)
        {
            throw new ImageDecodeException($"{name} maxval {maxValue} is outside 1..65535");
        }

        byte[] rgb = ImageLimits.Allocate(width, height, name);
        int samples = width * height * channels;
        byte[] scale = ScaleTable(maxValue);
        if (plain)
        {
            ReadPlain(data, position, samples, channels, maxValue, bitmap, scale, rgb, name);
        }
        else
        {
            // Exactly one whitespace character ends the header (already consumed); the raster follows.
            ReadRaw(data[position..], width, height, channels, maxValue, bitmap, scale, rgb, name);
        }

        string depth = bitmap ? "1-bit" : maxValue == 255 ? "8-bit" : $"maxval {maxValue}";
        return new RgbImage(width, height, rgb, $"{name} {(plain ? "plain" : "raw")} {depth}");
    }

    private static byte[] ScaleTable(int maxValue)
    {
        var table = new byte[maxValue + 1];
        for (int v = 0; v <= maxValue; v++)
        {
            // PIL: round(value / maxval * 255) with Python's round (ties to even), which Math.Round does by default.
            table[v] = (byte)Math.Min(255, Math.Round((double)v / maxValue * 255.0));
        }

        return table;
    }

    private static void ReadRaw(ReadOnlySpan<byte> raster, int width, int height, int channels, int maxValue, bool bitmap, byte[] scale, byte[] rgb, string name)
    {
        if (bitmap)
        {
            int rowBytes = (width + 7) / 8;
            if (raster.Length < (long)rowBytes * height)
            {
                throw Truncated(name);
            }

            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    bool black = (raster[(y * rowBytes) + (x >> 3)] & (0x80 >> (x & 7))) != 0;
                    rgb.AsSpan(((y * width) + x) * 3, 3).Fill(black ? (byte)0 : (byte)255);
                }
            }

            return;
        }

        int bytesPerSample = maxValue < 256 ? 1 : 2;
        long samples = (long)width * height * channels;
        if (raster.Length < samples * bytesPerSample)
        {
            throw Truncated(name);
        }

        for (int i = 0; i < samples; i++)
        {
            int value = bytesPerSample == 1 ? raster[i] : (raster[2 * i] << 8) | raster[(2 * i) + 1];
            Store(rgb, i, channels, value > maxValue ? (byte)255 : scale[value]);
        }
    }

    private static void ReadPlain(ReadOnlySpan<byte> data, int position, int samples, int channels, int maxValue, bool bitmap, byte[] scale, byte[] rgb, string name)
    {
        for (int i = 0; i < samples; i++)
        {
            SkipWhitespaceAndComments(data, ref position);
            if (position >= data.Length)
            {
                throw Truncated(name);
            }

            if (bitmap)
            {
                // Plain PBM digits need no separators: "0110" is four pixels.
                byte digit = data[position++];
                if (digit is not ((byte)'0' or (byte)'1'))
                {
                    throw new ImageDecodeException($"corrupt PBM: '{(char)digit}' where a 0 or 1 was expected");
                }

                rgb.AsSpan(i * 3, 3).Fill(digit == (byte)'1' ? (byte)0 : (byte)255);
                continue;
            }

            int value = ReadDigits(data, ref position, name, "sample");
            if (value > maxValue)
            {
                throw new ImageDecodeException($"corrupt {name}: sample {value} is larger than maxval {maxValue}");
            }

            Store(rgb, i, channels, scale[value]);
        }
    }

    private static void Store(byte[] rgb, int sample, int channels, byte value)
    {
        if (channels == 3)
        {
            rgb[sample] = value;
        }
        else
        {
            rgb[3 * sample] = rgb[(3 * sample) + 1] = rgb[(3 * sample) + 2] = value;
        }
    }

    private static int ReadHeaderNumber(ReadOnlySpan<byte> data, ref int position, string name, string what)
    {
        SkipWhitespaceAndComments(data, ref position);
        int value = ReadDigits(data, ref position, name, what);
        if (position >= data.Length && what == "maxval")
        {
            throw Truncated(name);
        }

        if (position < data.Length)
        {
            if (!IsWhitespace(data[position]))
            {
                throw new ImageDecodeException($"corrupt {name} header: unexpected '{(char)data[position]}' after the {what}");
            }

            position++;
        }

        return value;
    }

    private static int ReadDigits(ReadOnlySpan<byte> data, ref int position, string name, string what)
    {
        int start = position;
        long value = 0;
        while (position < data.Length && data[position] >= (byte)'0' && data[position] <= (byte)'9')
        {
            value = (value * 10) + (data[position] - (byte)'0');
            if (value > int.MaxValue)
            {
                throw new ImageDecodeException($"corrupt {name}: the {what} is too large");
            }

            position++;
        }

        if (position == start)
        {
            throw position >= data.Length
                ? Truncated(name)
                : new ImageDecodeException($"corrupt {name}: '{(char)data[position]}' where the {what} was expected");
        }

        return (int)value;
    }

    private static void SkipWhitespaceAndComments(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length)
        {
            if (data[position] == (byte)'#')
            {
                while (position < data.Length && data[position] is not ((byte)'\n' or (byte)'\r'))
                {
                    position++;
                }
            }
            else if (IsWhitespace(data[position]))
            {
                position++;
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static ImageDecodeException Truncated(string name) => new($"truncated {name}: the file ends before the last pixel");
}
