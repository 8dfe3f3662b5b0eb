using System;
using System.Buffers;
using Microsoft.ML.Data;

namespace ResNetGen.ML;

/// <summary>
/// The work behind the ML.NET column: images or ready input vectors into a batch's input, the network's
/// <c>ForwardFeatures</c> on the whole batch. One instance serves every cursor of a transformer; the network is created
/// on first use, so binding a pipeline (<c>Fit</c>) loads nothing.
/// </summary>
internal sealed class FeatureExtractor
{
    private readonly Lazy<IResNet> _network;

    public FeatureExtractor(Func<IResNet> open, ResNetDimensions dimensions, ImageNetTransform? preprocessing, int? threadCount)
    {
        Dimensions = dimensions;
        Preprocessing = preprocessing;
        ThreadCount = threadCount;
        _network = new Lazy<IResNet>(() =>
        {
            IResNet network = open();
            if (threadCount is int threads)
            {
                network.ThreadCount = threads;
            }

            return network;
        });
    }

    /// <summary>The network's sizes.</summary>
    public ResNetDimensions Dimensions { get; }

    /// <summary>The transform applied to image columns; null when the network's input is not a square RGB image.</summary>
    public ImageNetTransform? Preprocessing { get; }

    /// <summary>Threads per batch, or null for the network's default.</summary>
    public int? ThreadCount { get; }

    /// <summary>The network, created now if it was not yet.</summary>
    public IResNet Network => _network.Value;

    /// <summary>torchvision's transform for a square network input of <paramref name="side"/> pixels: resize <c>round(side * 256 / 224)</c>, crop <paramref name="side"/>.</summary>
    public static ImageNetTransform DefaultPreprocessing(int side) =>
        side == ImageNetTransform.DefaultCropSize ? ImageNetTransform.Default : new ImageNetTransform((int)Math.Round(side * 256.0 / 224), side);

    /// <summary>Writes one image's network input: the transform applied to the image's pixels, whatever its pixel format.</summary>
    /// <param name="image">An image from ML.NET's <c>LoadImages</c> (or any <see cref="MLImage"/>).</param>
    /// <param name="destination">One image of the batch's input.</param>
    public void WriteImage(MLImage image, Span<float> destination)
    {
        ImageNetTransform transform = Preprocessing
            ?? throw new InvalidOperationException("This network's input is not a square RGB image; it takes a column of floats.");
        int width = image.Width;
        int height = image.Height;
        ReadOnlySpan<byte> pixels = image.Pixels;
        int stride = pixels.Length / height;
        switch (image.PixelFormat)
        {
            case MLPixelFormat.Rgba32:
                transform.Apply(new ImagePixels(pixels, width, height, stride, ImagePixelFormat.Rgba32), destination);
                break;
            case MLPixelFormat.Bgra32:
                // Skia's native order on little-endian machines: swapped into RGB in a pooled buffer.
                int length = width * height * 3;
                byte[] rented = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    Span<byte> rgb = rented.AsSpan(0, length);
                    for (int y = 0; y < height; y++)
                    {
                        ReadOnlySpan<byte> row = pixels.Slice(y * stride, width * 4);
                        Span<byte> to = rgb.Slice(y * width * 3, width * 3);
                        for (int x = 0; x < width; x++)
                        {
                            to[(3 * x) + 0] = row[(4 * x) + 2];
                            to[(3 * x) + 1] = row[(4 * x) + 1];
                            to[(3 * x) + 2] = row[(4 * x) + 0];
                        }
                    }

                    transform.Apply(new ImagePixels(rgb, width, height, ImagePixelFormat.Rgb24), destination);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }

                break;
            default:
                throw new InvalidOperationException($"An image of pixel format {image.PixelFormat} cannot be read; LoadImages gives Bgra32 or Rgba32.");
        }
    }

    /// <summary>Writes one image's network input from a vector column: the floats as they are, checked for length.</summary>
    public void WriteVector(in VBuffer<float> vector, Span<float> destination)
    {
        if (vector.Length != destination.Length)
        {
            throw new InvalidOperationException(
                $"A row's input vector has {vector.Length} floats; the network takes {destination.Length} per image ({Dimensions.InputChannels}x{Dimensions.InputHeight}x{Dimensions.InputWidth}).");
        }

        vector.CopyTo(destination);
    }

    /// <summary>Runs <paramref name="images"/> whole images of <paramref name="input"/> through the network's <c>ForwardFeatures</c>.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> features, int images)
    {
        Network.ForwardFeatures(input[..(images * Dimensions.ImageLength)], features[..(images * Dimensions.FeatureLength)]);
    }
}
