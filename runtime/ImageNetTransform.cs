using System;
using System.Buffers;
using ResNetGen.Preprocessing;

namespace ResNetGen;

/// <summary>
/// torchvision's ImageNet evaluation transform, reproduced bit for bit on 8-bit images: <c>Resize(256)</c>,
/// <c>CenterCrop(224)</c>, <c>ToTensor()</c>, <c>Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])</c>.
/// It writes what a torchvision ResNet's <c>Forward</c> takes: RGB, planar (NCHW: all red values, then green, then
/// blue, each plane row by row), every value <c>(level / 255 - mean[c]) / std[c]</c> in float32.
/// </summary>
/// <remarks>
/// <para><c>Resize(256)</c> on a PIL image is <c>Image.resize(size, BILINEAR)</c>: a separable resample whose triangle
/// filter is widened by the scale factor when shrinking (so it averages every source pixel), horizontal pass first,
/// with PIL's 22-bit fixed-point coefficients and rounding to bytes after each pass. This class computes the same
/// coefficients in the same order and the same integer sums, so its crop has PIL's bytes and its tensor equals
/// torchvision's (checked on committed JPEG, PNG and PNM images against torchvision 0.14). Only the pixels that survive
/// the crop are computed; each depends only on its own coefficients, so they are exactly those of the full resize.</para>
/// <para>Gray images are read as PIL's <c>convert("RGB")</c> reads them (the level in all three channels), RGBA images
/// without their alpha. An instance is immutable and may be used from several threads at once; each call rents its
/// working memory from <see cref="ArrayPool{T}.Shared"/>.</para>
/// </remarks>
public sealed class ImageNetTransform
{
    /// <summary>torchvision's <c>Resize(256)</c>: the shorter side after resizing.</summary>
    public const int DefaultResizeSize = 256;

    /// <summary>torchvision's <c>CenterCrop(224)</c>: the side of the square crop.</summary>
    public const int DefaultCropSize = 224;

    /// <summary>Channels written per pixel: red, green, blue.</summary>
    public const int Channels = 3;

    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>The transform with torchvision's ImageNet settings: resize 256, crop 224, ImageNet mean and std.</summary>
    public ImageNetTransform()
        : this(DefaultResizeSize, DefaultCropSize)
    {
    }

    /// <summary>The transform with another resize or crop, and the ImageNet mean and std.</summary>
    /// <param name="resizeSize">The shorter side after resizing (the longer keeps the aspect ratio).</param>
    /// <param name="cropSize">The side of the centred square crop; at most <paramref name="resizeSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, or the crop is larger than the resized image.</exception>
    public ImageNetTransform(int resizeSize, int cropSize)
        : this(resizeSize, cropSize, ImageNetMean, ImageNetStd)
    {
    }

    /// <summary>The transform with every setting given.</summary>
    /// <param name="resizeSize">The shorter side after resizing (the longer keeps the aspect ratio).</param>
    /// <param name="cropSize">The side of the centred square crop; at most <paramref name="resizeSize"/>.</param>
    /// <param name="mean">Per channel (red, green, blue), subtracted from <c>level / 255</c>.</param>
    /// <param name="std">Per channel (red, green, blue), divided into the result; finite and not zero.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the crop is larger than the resized image, or a
    /// mean or std value is not finite or a std is zero.</exception>
    /// <exception cref="ArgumentException"><paramref name="mean"/> or <paramref name="std"/> does not hold three values.</exception>
    public ImageNetTransform(int resizeSize, int cropSize, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resizeSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cropSize, 1);
        if (cropSize > resizeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(cropSize), cropSize,
                $"A {cropSize}x{cropSize} crop does not fit in an image resized to a shorter side of {resizeSize}.");
        }

        if (cropSize > 46_340)
        {
            throw new ArgumentOutOfRangeException(nameof(cropSize), cropSize, "The crop's three planes must fit in one span.");
        }

        _mean = CheckChannels(mean, nameof(mean), allowZero: true);
        _std = CheckChannels(std, nameof(std), allowZero: false);
        ResizeSize = resizeSize;
        CropSize = cropSize;
    }

    /// <summary>torchvision's settings (resize 256, crop 224, ImageNet mean and std), shared.</summary>
    public static ImageNetTransform Default { get; } = new();

    /// <summary>The ImageNet mean per channel (red, green, blue) that torchvision's pretrained ResNets expect: 0.485, 0.456, 0.406.</summary>
    public static ReadOnlySpan<float> ImageNetMean => [0.485f, 0.456f, 0.406f];

    /// <summary>The ImageNet standard deviation per channel (red, green, blue): 0.229, 0.224, 0.225.</summary>
    public static ReadOnlySpan<float> ImageNetStd => [0.229f, 0.224f, 0.225f];

    /// <summary>The shorter side after resizing.</summary>
    public int ResizeSize { get; }

    /// <summary>The side of the centred square crop, so the height and width of the output.</summary>
    public int CropSize { get; }

    /// <summary>The mean per channel (red, green, blue).</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>The standard deviation per channel (red, green, blue).</summary>
    public ReadOnlySpan<float> Std => _std;

    /// <summary>Floats written per image: 3 x <see cref="CropSize"/> x <see cref="CropSize"/> (150,528 with the defaults).</summary>
    public int OutputLength => Channels * CropSize * CropSize;

    /// <summary>
    /// Transforms <paramref name="image"/> into <paramref name="destination"/>: one image, 3 x <see cref="CropSize"/> x
    /// <see cref="CropSize"/> floats, RGB planes, normalised. For a network declared with the default input (3x224x224,
    /// batch 1) the destination is its whole input span.
    /// </summary>
    /// <param name="image">The decoded pixels.</param>
    /// <param name="destination">Exactly <see cref="OutputLength"/> floats.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="OutputLength"/> floats long, or the
    /// image is so elongated that its longer side would not fit in an <see cref="int"/> after resizing.</exception>
    public void Apply(ImagePixels image, Span<float> destination)
    {
        if (destination.Length != OutputLength)
        {
            throw new ArgumentException(
                $"One {Channels}x{CropSize}x{CropSize} image is {OutputLength} floats; the destination has {destination.Length}. " +
                "For one image of a batch, pass the batch's input span and the image's index.", nameof(destination));
        }

        Transform(image, destination);
    }

    /// <summary>
    /// Transforms <paramref name="image"/> into image <paramref name="imageIndex"/> of a batch's NCHW input: the floats from
    /// <c>imageIndex * OutputLength</c> on. The other images of the batch are left as they are.
    /// </summary>
    /// <param name="image">The decoded pixels.</param>
    /// <param name="batch">The input of a whole batch: a whole number of <see cref="OutputLength"/> images (e.g. a network's
    /// <c>InputLength</c> floats).</param>
    /// <param name="imageIndex">Which image of the batch to write, from 0.</param>
    /// <exception cref="ArgumentException"><paramref name="batch"/> is not a whole number of images, or the image is too elongated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="imageIndex"/> is not an image of the batch.</exception>
    public void Apply(ImagePixels image, Span<float> batch, int imageIndex)
    {
        int length = OutputLength;
        if (batch.Length == 0 || batch.Length % length != 0)
        {
            throw new ArgumentException(
                $"A batch of {Channels}x{CropSize}x{CropSize} images is a multiple of {length} floats; the span has {batch.Length}.", nameof(batch));
        }

        int images = batch.Length / length;
        if ((uint)imageIndex >= (uint)images)
        {
            throw new ArgumentOutOfRangeException(nameof(imageIndex), imageIndex, $"The batch holds {images} image(s), indexed from 0.");
        }

        Transform(image, batch.Slice(imageIndex * length, length));
    }

    /// <summary>
    /// The size the resize gives: the shorter side becomes <see cref="ResizeSize"/> and the longer
    /// <c>int(ResizeSize * longer / shorter)</c>, as torchvision's <c>_compute_resized_output_size</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The longer side would not fit in an <see cref="int"/>.</exception>
    internal (int Width, int Height) ResizedSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        double longer = width <= height ? (double)ResizeSize * height / width : (double)ResizeSize * width / height;
        if (longer >= int.MaxValue)
        {
            throw new ArgumentException($"A {width}x{height} image is too elongated to resize to a shorter side of {ResizeSize}.", "image");
        }

        return width <= height ? (ResizeSize, (int)longer) : ((int)longer, ResizeSize);
    }

    /// <summary>
    /// Where the centre crop starts in an image of the given size: <c>int(round((size - crop) / 2.0))</c>, Python's round,
    /// so 56.5 becomes 56 (ties to even, which is also <see cref="Math.Round(double)"/>'s default).
    /// </summary>
    internal (int Top, int Left) CropOffset(int resizedWidth, int resizedHeight) =>
        ((int)Math.Round((resizedHeight - CropSize) / 2.0), (int)Math.Round((resizedWidth - CropSize) / 2.0));

    /// <summary>
    /// The resize then the centre crop: <see cref="CropSize"/> squared RGB pixels, interleaved, row by row, as PIL would
    /// produce them, into <paramref name="crop"/> (3 x CropSize x CropSize bytes).
    /// </summary>
    internal void ResizeAndCrop(ImagePixels image, Span<byte> crop)
    {
        int size = CropSize;
        (int width, int height) = ResizedSize(image.Width, image.Height);
        (int top, int left) = CropOffset(width, height);
        PilBilinearCoefficients horizontal = PilBilinearCoefficients.Create(image.Width, width, left, size);
        PilBilinearCoefficients vertical = PilBilinearCoefficients.Create(image.Height, height, top, size);

        // Gray levels are read three times (PIL's convert("RGB")); RGBA's fourth byte is skipped.
        int bytesPerPixel = ImagePixels.BytesPerPixelOf(image.Format);
        int green = image.Format == ImagePixelFormat.Gray8 ? 0 : 1;
        int blue = image.Format == ImagePixelFormat.Gray8 ? 0 : 2;

        // Horizontal pass over the source rows the vertical pass reads (PIL's ybox_first..ybox_last), then vertical.
        int firstRow = vertical.Start[0];
        int rows = vertical.Start[size - 1] + vertical.Count[size - 1] - firstRow;
        int stride = size * Channels;
        byte[] rented = ArrayPool<byte>.Shared.Rent(rows * stride);
        try
        {
            Span<byte> temporary = rented.AsSpan(0, rows * stride);
            ReadOnlySpan<byte> source = image.Data;
            for (int y = 0; y < rows; y++)
            {
                ReadOnlySpan<byte> sourceRow = source.Slice((firstRow + y) * image.Stride);
                for (int x = 0; x < size; x++)
                {
                    ReadOnlySpan<int> k = horizontal.Weights(x);
                    int from = horizontal.Start[x] * bytesPerPixel;
                    int r = PilBilinearCoefficients.Half, g = r, b = r;
                    for (int t = 0; t < k.Length; t++)
                    {
                        int at = from + (bytesPerPixel * t);
                        r += sourceRow[at] * k[t];
                        g += sourceRow[at + green] * k[t];
                        b += sourceRow[at + blue] * k[t];
                    }

                    int to = (y * stride) + (x * Channels);
                    temporary[to] = PilBilinearCoefficients.Clip8(r);
                    temporary[to + 1] = PilBilinearCoefficients.Clip8(g);
                    temporary[to + 2] = PilBilinearCoefficients.Clip8(b);
                }
            }

            for (int y = 0; y < size; y++)
            {
                ReadOnlySpan<int> k = vertical.Weights(y);
                int fromRow = vertical.Start[y] - firstRow;
                for (int x = 0; x < stride; x++)
                {
                    int sum = PilBilinearCoefficients.Half;
                    for (int t = 0; t < k.Length; t++)
                    {
                        sum += temporary[((fromRow + t) * stride) + x] * k[t];
                    }

                    crop[(y * stride) + x] = PilBilinearCoefficients.Clip8(sum);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// <c>ToTensor()</c> and <c>Normalize</c>: level / 255, minus the mean, divided by the standard deviation, each step in
    /// float32 as torch computes it; interleaved RGB bytes in, planar floats out.
    /// </summary>
    internal void Normalize(ReadOnlySpan<byte> rgb, Span<float> destination)
    {
        int plane = CropSize * CropSize;
        for (int c = 0; c < Channels; c++)
        {
            float mean = _mean[c];
            float std = _std[c];
            Span<float> channel = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                channel[i] = ((rgb[(Channels * i) + c] / 255f) - mean) / std;
            }
        }
    }

    private void Transform(ImagePixels image, Span<float> destination)
    {
        int length = OutputLength;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> crop = rented.AsSpan(0, length);
            ResizeAndCrop(image, crop);
            Normalize(crop, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static float[] CheckChannels(ReadOnlySpan<float> values, string name, bool allowZero)
    {
        if (values.Length != Channels)
        {
            throw new ArgumentException($"One value per channel (red, green, blue) is needed: 3, not {values.Length}.", name);
        }

        foreach (float value in values)
        {
            if (!float.IsFinite(value) || (!allowZero && value == 0))
            {
                throw new ArgumentOutOfRangeException(name, value, allowZero ? "Each value must be finite." : "Each value must be finite and not zero.");
            }
        }

        return values.ToArray();
    }
}
