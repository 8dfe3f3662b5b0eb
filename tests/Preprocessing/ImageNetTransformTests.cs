using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ResNetGen.Imaging;
using ResNetGen.Tests.Sample;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Preprocessing;

/// <summary>
/// <see cref="ImageNetTransform"/> (with ResNetGen.Imaging's decoders in front) against torchvision 0.14's ImageNet eval
/// transform of <c>Image.open(path).convert("RGB")</c>, on committed images.
/// </summary>
/// <remarks>
/// <para>Tolerance: none. The tensors must be equal bit for bit, for every format:</para>
/// <para>- PNG and PPM/PGM are lossless, and the resize reproduces PIL's fixed-point arithmetic (same coefficients,
/// same 22-bit rounding, bytes after each pass), so the crop has PIL's exact bytes and ToTensor/Normalize are the
/// same float32 operations.</para>
/// <para>- JPEG: PIL on Debian decodes through libjpeg62-turbo and ResNetGen.Imaging through libturbojpeg, both
/// libjpeg-turbo 2.1.5, with the same defaults (accurate integer IDCT, smooth chroma upsampling), so the decoded pixels
/// are the same. Against a PIL that uses another libjpeg (e.g. IJG libjpeg 9, whose upsampling differs), decoded pixels
/// could differ by a level or so, which after normalisation is about 1 / (255 * 0.224) = 0.0175 per level; that would
/// show up here as a failure of the two JPEG cases only, and is the tolerance such a setup would need.</para>
/// </remarks>
public sealed class ImageNetTransformTests(ITestOutputHelper output)
{
    private static readonly ImageNetTransform Transform = ImageNetTransform.Default;

    public static TheoryData<string> Files() => [.. SampleGoldens.All.Select(g => g.File)];

    [Theory]
    [MemberData(nameof(Files))]
    public void Tensor_equals_torchvisions_bit_for_bit(string file)
    {
        GoldenImage golden = SampleGoldens.Get(file);
        RgbImage image = ImageDecoder.DecodeFile(golden.Path);
        Assert.Equal((golden.Width, golden.Height), (image.Width, image.Height));

        var ours = new float[Transform.OutputLength];
        Transform.Apply(image.AsPixels(), ours);
        float[] expected = golden.Tensor();

        double maxDifference = ours.Zip(expected, (a, b) => Math.Abs((double)a - b)).Max();
        int differing = ours.Zip(expected, (a, b) => a != b).Count(d => d);
        output.WriteLine($"{file} ({image.Format}, {image.Width}x{image.Height}): max |ours - torchvision| = {maxDifference:G3}, {differing} of {ours.Length} values differ");
        Assert.Equal(0, differing);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Padded_rows_rgba_and_a_batch_slot_give_the_same_bits(string file)
    {
        // The same pixels handed over as RGBA with an alpha that must be ignored, in rows padded to a 64-byte stride,
        // and written into image 2 of a batch of 3: torchvision's tensor again, and the other images untouched.
        GoldenImage golden = SampleGoldens.Get(file);
        RgbImage image = ImageDecoder.DecodeFile(golden.Path);
        int stride = ((image.Width * 4) + 63) / 64 * 64;
        byte[] rgba = new byte[stride * image.Height];
        rgba.AsSpan().Fill(0xA5);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int from = ((y * image.Width) + x) * 3;
                int to = (y * stride) + (x * 4);
                (rgba[to], rgba[to + 1], rgba[to + 2], rgba[to + 3]) = (image.Pixels[from], image.Pixels[from + 1], image.Pixels[from + 2], (byte)(x * 7));
            }
        }

        int length = Transform.OutputLength;
        float[] batch = new float[3 * length];
        batch.AsSpan().Fill(-7f);
        Transform.Apply(new ImagePixels(rgba, image.Width, image.Height, stride, ImagePixelFormat.Rgba32), batch, imageIndex: 2);

        Assert.True(batch.AsSpan(2 * length).SequenceEqual(golden.Tensor()));
        Assert.All(batch.AsSpan(0, 2 * length).ToArray(), value => Assert.Equal(-7f, value));
    }

    [Theory]
    [InlineData("gray.jpg")]
    [InlineData("gray.pgm")]
    public void Gray8_pixels_equal_torchvisions_convert_to_rgb(string file)
    {
        // The decoders replicate gray to RGB as PIL does; handing over only one channel must give the same bits.
        GoldenImage golden = SampleGoldens.Get(file);
        RgbImage image = ImageDecoder.DecodeFile(golden.Path);
        byte[] gray = new byte[image.Width * image.Height];
        for (int i = 0; i < gray.Length; i++)
        {
            gray[i] = image.Pixels[3 * i];
        }

        var tensor = new float[Transform.OutputLength];
        Transform.Apply(new ImagePixels(gray, image.Width, image.Height, ImagePixelFormat.Gray8), tensor);
        Assert.True(tensor.AsSpan().SequenceEqual(golden.Tensor()));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Golden_levels_rebuild_torchvisions_float32_tensor(string file)
    {
        // The script checked this in Python; here the C# reconstruction is checked against torchvision's own bytes.
        GoldenImage golden = SampleGoldens.Get(file);
        byte[] bytes = MemoryMarshal.AsBytes(golden.Tensor().AsSpan()).ToArray();
        Assert.Equal(golden.TensorSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Resized_size_and_crop_offset_are_torchvisions(string file)
    {
        GoldenImage golden = SampleGoldens.Get(file);
        (int width, int height) = Transform.ResizedSize(golden.Width, golden.Height);
        Assert.Equal((golden.ResizedWidth, golden.ResizedHeight), (width, height));
        Assert.Equal((golden.CropTop, golden.CropLeft), Transform.CropOffset(width, height));
    }

    [Theory]
    [InlineData(337, 256, 16, 56)] // (337 - 224) / 2 = 56.5: Python's round goes to the even 56
    [InlineData(339, 256, 16, 58)] // 57.5 -> 58
    [InlineData(256, 256, 16, 16)]
    [InlineData(256, 225, 0, 16)]  // 0.5 -> 0
    public void Center_crop_rounds_half_to_even_like_python(int width, int height, int top, int left) =>
        Assert.Equal((top, left), Transform.CropOffset(width, height));

    [Theory]
    [InlineData(500, 375, 341, 256)]  // int(256 * 500 / 375) = int(341.33)
    [InlineData(375, 500, 256, 341)]
    [InlineData(256, 256, 256, 256)]
    [InlineData(1, 3, 256, 768)]
    public void Shorter_side_becomes_256_and_the_longer_is_truncated(int width, int height, int resizedWidth, int resizedHeight) =>
        Assert.Equal((resizedWidth, resizedHeight), Transform.ResizedSize(width, height));

    [Fact]
    public void An_image_already_256_on_its_shorter_side_is_only_cropped()
    {
        // torchvision returns such an image unchanged; PIL's identity resample must not alter a byte either.
        var random = new Random(5);
        byte[] pixels = new byte[300 * 256 * 3];
        random.NextBytes(pixels);
        byte[] crop = new byte[224 * 224 * 3];
        Transform.ResizeAndCrop(new ImagePixels(pixels, 300, 256, ImagePixelFormat.Rgb24), crop);
        (int top, int left) = Transform.CropOffset(300, 256);
        for (int y = 0; y < 224; y++)
        {
            Assert.True(crop.AsSpan(y * 224 * 3, 224 * 3).SequenceEqual(pixels.AsSpan((((top + y) * 300) + left) * 3, 224 * 3)), $"row {y}");
        }
    }

    [Fact]
    public void A_uniform_image_stays_uniform_at_any_scale()
    {
        foreach ((int w, int h) in new[] { (17, 11), (613, 419), (1000, 257), (90, 2000) })
        {
            byte[] pixels = new byte[w * h * 3];
            for (int i = 0; i < pixels.Length; i += 3)
            {
                (pixels[i], pixels[i + 1], pixels[i + 2]) = ((byte)200, (byte)17, (byte)255);
            }

            byte[] crop = new byte[224 * 224 * 3];
            Transform.ResizeAndCrop(new ImagePixels(pixels, w, h, ImagePixelFormat.Rgb24), crop);
            for (int i = 0; i < crop.Length; i += 3)
            {
                Assert.Equal(((byte)200, (byte)17, (byte)255), (crop[i], crop[i + 1], crop[i + 2]));
            }
        }
    }

    [Fact]
    public void Resize_crop_mean_and_std_are_parameters()
    {
        // A uniform image makes every value (level / 255 - mean) / std, computed in float32, whatever the resize.
        var transform = new ImageNetTransform(resizeSize: 160, cropSize: 128, mean: [0.5f, 0.25f, 0f], std: [0.5f, 2f, 1f]);
        Assert.Equal((160, 128, 3 * 128 * 128), (transform.ResizeSize, transform.CropSize, transform.OutputLength));
        Assert.Equal((213, 160), transform.ResizedSize(400, 300)); // int(160 * 400 / 300) = int(213.3)
        byte[] pixels = new byte[400 * 300 * 3];
        for (int i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = ((byte)51, (byte)102, (byte)255);
        }

        var tensor = new float[transform.OutputLength];
        transform.Apply(new ImagePixels(pixels, 400, 300, ImagePixelFormat.Rgb24), tensor);
        int plane = 128 * 128;
        Assert.All(tensor.AsSpan(0, plane).ToArray(), v => Assert.Equal(((51 / 255f) - 0.5f) / 0.5f, v));
        Assert.All(tensor.AsSpan(plane, plane).ToArray(), v => Assert.Equal(((102 / 255f) - 0.25f) / 2f, v));
        Assert.All(tensor.AsSpan(2 * plane, plane).ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void The_defaults_are_torchvisions()
    {
        Assert.Equal((256, 224, 3 * 224 * 224), (Transform.ResizeSize, Transform.CropSize, Transform.OutputLength));
        Assert.Equal([0.485f, 0.456f, 0.406f], Transform.Mean.ToArray());
        Assert.Equal([0.229f, 0.224f, 0.225f], Transform.Std.ToArray());
    }

    [Fact]
    public void Wrong_sizes_and_settings_are_refused_with_what_was_expected()
    {
        byte[] pixels = new byte[10 * 10 * 3];
        var e = Assert.Throws<ArgumentException>(() => Transform.Apply(new ImagePixels(pixels, 10, 10, ImagePixelFormat.Rgb24), new float[1000]));
        Assert.Contains("150528", e.Message);
        e = Assert.Throws<ArgumentException>(() => Transform.Apply(new ImagePixels(pixels, 10, 10, ImagePixelFormat.Rgb24), new float[150_529], 0));
        Assert.Contains("multiple of 150528", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Transform.Apply(new ImagePixels(pixels, 10, 10, ImagePixelFormat.Rgb24), new float[2 * 150_528], 2));
        e = Assert.Throws<ArgumentException>(() => new ImagePixels(pixels, 10, 11, ImagePixelFormat.Rgb24));
        Assert.Contains("needs 330 bytes, not 300", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImagePixels(pixels, 10, 10, 29, ImagePixelFormat.Rgb24));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImagePixels(pixels, 10, 10, (ImagePixelFormat)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageNetTransform(resizeSize: 200, cropSize: 224));
        Assert.Throws<ArgumentException>(() => new ImageNetTransform(256, 224, [0.5f, 0.5f], [1f, 1f, 1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageNetTransform(256, 224, [0.5f, 0.5f, 0.5f], [1f, 0f, 1f]));
    }

    [Fact]
    public void A_network_input_is_written_image_by_image()
    {
        // The declared input of a batch-2 network is exactly two transforms, RGB planes of each image in turn.
        Assert.Equal(Batch2Network.InputLength, 2 * Transform.OutputLength);
        float[] input = new float[Batch2Network.InputLength];
        RgbImage first = ImageDecoder.DecodeFile(SampleGoldens.Get("small.ppm").Path);
        RgbImage second = ImageDecoder.DecodeFile(SampleGoldens.Get("portrait.png").Path);
        Transform.Apply(first.AsPixels(), input, 0);
        Transform.Apply(second.AsPixels(), input, 1);
        Assert.True(input.AsSpan(0, Transform.OutputLength).SequenceEqual(SampleGoldens.Get("small.ppm").Tensor()));
        Assert.True(input.AsSpan(Transform.OutputLength).SequenceEqual(SampleGoldens.Get("portrait.png").Tensor()));
    }
}

/// <summary>A network compiled for two images per call, for the batch layout above.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, BatchSize = 2, NumClasses = 10)]
public partial class Batch2Network
{
}
