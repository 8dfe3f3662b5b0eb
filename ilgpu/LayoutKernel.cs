using ILGPU;

namespace ResNetGen.Ilgpu;

/// <summary>
/// The caller's NCHW input to the channels-last (NHWC) layout every other kernel reads, inside a zero border of
/// <c>padding</c> pixels: one thread per destination float, so the border is rewritten on every call.
/// </summary>
internal static class LayoutKernel
{
    /// <summary>Writes destination float <paramref name="index"/> of <c>batch x (height + 2 padding) x (width + 2 padding) x channels</c>.</summary>
    public static void ToChannelsLast(Index1D index, ArrayView<float> source, ArrayView<float> destination, int channels, int height, int width, int padding)
    {
        int paddedWidth = width + (2 * padding);
        int paddedHeight = height + (2 * padding);
        int c = index % channels;
        int rest = index / channels;
        int x = (rest % paddedWidth) - padding;
        rest /= paddedWidth;
        int y = (rest % paddedHeight) - padding;
        int n = rest / paddedHeight;
        destination[index] = y >= 0 && y < height && x >= 0 && x < width
            ? source[((((n * channels) + c) * height) + y) * width + x]
            : 0f;
    }
}
