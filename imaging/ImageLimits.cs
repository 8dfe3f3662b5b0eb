namespace ResNetGen.Imaging;

/// <summary>Refuses images too large to be real photos before allocating for them, as PIL's decompression-bomb check does.</summary>
internal static class ImageLimits
{
    /// <summary>PIL raises <c>DecompressionBombError</c> above twice its <c>MAX_IMAGE_PIXELS</c> (89,478,485).</summary>
    public const long MaxPixels = 2 * 89_478_485L;

    /// <summary>The longest side accepted by the PNG decoder.</summary>
    public const uint MaxSide = 1 << 20;

    /// <summary>Allocates width x height x 3 bytes, or throws a one-line <see cref="ImageDecodeException"/> when the image is too large.</summary>
    public static byte[] Allocate(int width, int height, string format)
    {
        if (width < 1 || height < 1)
        {
            throw new ImageDecodeException($"the {format} image has no pixels ({width}x{height})");
        }

        if ((long)width * height > MaxPixels)
        {
            throw new ImageDecodeException($"the {format} image is {width}x{height}, more than {MaxPixels:N0} pixels (PIL's limit too)");
        }

        return new byte[width * height * 3];
    }
}
