using System;
using System.IO;
using System.Linq;
using System.Text;
using ResNetGen.Imaging;
using ResNetGen.Tests.Sample;
using Xunit;

namespace ResNetGen.Tests.Imaging;

/// <summary>ResNetGen.Imaging's decoders: formats, sizes, and one clear error (never a crash) for damaged or unsupported files.</summary>
public sealed class DecoderTests
{
    [Theory]
    [InlineData("landscape.jpg", "JPEG 4:2:0")]
    [InlineData("gray.jpg", "JPEG gray")]
    [InlineData("portrait.png", "PNG RGBA 8-bit")]
    [InlineData("palette.png", "PNG palette 8-bit")]
    [InlineData("gray.pgm", "PGM raw 8-bit")]
    [InlineData("small.ppm", "PPM raw 8-bit")]
    [InlineData("plain.ppm", "PPM plain maxval 1000")]
    public void Detects_the_format_from_the_content(string file, string format)
    {
        GoldenImage golden = SampleGoldens.Get(file);
        RgbImage image = ImageDecoder.Decode(File.ReadAllBytes(golden.Path));
        Assert.Equal(format, image.Format);
        Assert.Equal((golden.Width, golden.Height), (image.Width, image.Height));
    }

    [Fact]
    public void Gray_images_are_replicated_to_three_channels()
    {
        RgbImage image = ImageDecoder.DecodeFile(SampleGoldens.Get("gray.jpg").Path);
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            Assert.True(image.Pixels[i] == image.Pixels[i + 1] && image.Pixels[i] == image.Pixels[i + 2]);
        }
    }

    [Theory]
    [InlineData("landscape.jpg", 100)]
    [InlineData("landscape.jpg", 3000)]
    [InlineData("portrait.png", 60)]
    [InlineData("portrait.png", 5000)]
    [InlineData("palette.png", 2000)]
    [InlineData("small.ppm", 100)]
    [InlineData("plain.ppm", 400)]
    public void A_truncated_file_is_an_error_not_a_crash(string file, int keep)
    {
        byte[] data = File.ReadAllBytes(SampleGoldens.Get(file).Path)[..keep];
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(data));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("landscape.jpg")]
    [InlineData("portrait.png")]
    public void Garbage_after_a_valid_header_is_an_error_not_a_crash(string file)
    {
        byte[] data = File.ReadAllBytes(SampleGoldens.Get(file).Path);
        var random = new Random(3);
        for (int attempt = 0; attempt < 20; attempt++)
        {
            byte[] damaged = (byte[])data.Clone();
            random.NextBytes(damaged.AsSpan(damaged.Length / 3, 64));
            try
            {
                RgbImage image = ImageDecoder.Decode(damaged);
                Assert.Equal(SampleGoldens.Get(file).Width, image.Width); // JPEG often decodes damaged data, like PIL
            }
            catch (ImageDecodeException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "a GIF")]
    [InlineData(new byte[] { (byte)'B', (byte)'M', 0, 0 }, "a BMP")]
    [InlineData(new byte[] { 1, 2, 3 }, "unknown content")]
    public void Unsupported_formats_are_named(byte[] data, string what)
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(data));
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void An_empty_or_unreadable_file_is_an_error()
    {
        Assert.Contains("empty", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([])).Message);
        string missing = Path.Combine(Path.GetTempPath(), $"resnetgen-{Guid.NewGuid():N}.png");
        Assert.Contains("cannot read", Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeFile(missing)).Message);
    }

    [Fact]
    public void A_file_that_does_not_decode_is_named_in_the_message()
    {
        string path = Path.Combine(Path.GetTempPath(), $"resnetgen-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0]);
        try
        {
            var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeFile(path));
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Equal(path, e.FilePath);
            Assert.Equal(e.Message, $"{path}: {e.Reason}");
            Assert.Contains("JPEG", e.Reason);

            string missing = path + ".missing";
            var unreadable = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeFile(missing));
            Assert.StartsWith(missing + ": cannot read the file", unreadable.Message);
            Assert.Null(Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([1, 2, 3])).FilePath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_library_names_the_package_to_install()
    {
        var library = new NativeImageLibrary("nothing", "libnothing7", ["libresnetgen-does-not-exist.so.7"]);
        Assert.False(library.IsAvailable);
        var e = Assert.Throws<ImageDecodeException>(() => library.EnsureAvailable("JPEG"));
        Assert.Equal("cannot decode JPEG: libresnetgen-does-not-exist.so.7 is not installed; on Debian or Ubuntu: sudo apt-get install libnothing7", e.Message);
    }

    [Fact]
    public void The_system_libraries_are_installed_here()
    {
        // The decoders need them; CI installs them (apt-get install libturbojpeg0 libspng0).
        Assert.True(NativeImageLibrary.TurboJpeg.IsAvailable, NativeImageLibrary.TurboJpeg.MissingMessage);
        Assert.True(NativeImageLibrary.Spng.IsAvailable, NativeImageLibrary.Spng.MissingMessage);
    }

    [Fact]
    public void Plain_and_raw_bitmaps_are_black_for_one()
    {
        RgbImage plain = NetpbmDecoder.Decode(Ascii("P1\n# a comment\n3 2\n010\n1 0 1\n"));
        RgbImage raw = NetpbmDecoder.Decode([.. Ascii("P4 3 2\n"), 0b0100_0000, 0b1010_0000]);
        byte[] expected = [255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0];
        Assert.Equal(expected, plain.Pixels);
        Assert.Equal(expected, raw.Pixels);
    }

    [Fact]
    public void Samples_are_scaled_as_PIL_scales_them()
    {
        // PIL: round(value / maxval * 255), ties to even. maxval 2: 1 -> 127.5 -> 128 (even); maxval 10: 1 -> 25.5 -> 26.
        Assert.Equal(new byte[] { 0, 0, 0, 128, 128, 128, 255, 255, 255 }, NetpbmDecoder.Decode(Ascii("P2 3 1 2 0 1 2")).Pixels);
        Assert.Equal(new byte[] { 26, 26, 26, 76, 76, 76 }, NetpbmDecoder.Decode(Ascii("P2 2 1 10 1 3")).Pixels);
        RgbImage sixteen = NetpbmDecoder.Decode([.. Ascii("P6 1 1 65535\n"), 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x01]);
        Assert.Equal(new byte[] { 255, 128, 0 }, sixteen.Pixels);
    }

    [Theory]
    [InlineData("P3 2 1 255 1 2 3 4 5 300", "larger than maxval")]
    [InlineData("P3 2 1 255 1 2 x", "'x'")]
    [InlineData("P5 2 2 0 ", "maxval 0")]
    [InlineData("P6 2 2 255\n123", "truncated")]
    [InlineData("P3 2", "truncated")]
    [InlineData("P2 0 5 255 ", "no pixels")]
    [InlineData("P1 2 1 0 2", "'2'")]
    public void Malformed_netpbm_files_are_one_line_errors(string text, string reason)
    {
        var e = Assert.Throws<ImageDecodeException>(() => NetpbmDecoder.Decode(Ascii(text)));
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Absurd_sizes_are_refused_before_allocating()
    {
        var e = Assert.Throws<ImageDecodeException>(() => NetpbmDecoder.Decode(Ascii("P6 100000 100000 255\n")));
        Assert.Contains("more than", e.Message);
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
