using ILGPU;

namespace ResNetGen.Ilgpu;

/// <summary>Max pooling and global average pooling on channels-last (NHWC) maps, one thread per output float.</summary>
internal static class PoolingKernels
{
    /// <summary>
    /// One output of a <c>kernel x kernel</c> max pool with <c>stride</c> and <c>padding</c>: padded positions never take
    /// part; a NaN wins, as in torch.
    /// </summary>
    public static void MaxPool(
        Index1D index, ArrayView<float> source, ArrayView<float> destination, int channels, int inHeight, int inWidth,
        int outHeight, int outWidth, int kernel, int stride, int padding)
    {
        int c = index % channels;
        int rest = index / channels;
        int ox = rest % outWidth;
        rest /= outWidth;
        int oy = rest % outHeight;
        int n = rest / outHeight;
        float max = float.NegativeInfinity;
        for (int ky = 0; ky < kernel; ky++)
        {
            int y = (oy * stride) - padding + ky;
            for (int kx = 0; kx < kernel; kx++)
            {
                int x = (ox * stride) - padding + kx;
                if (y >= 0 && y < inHeight && x >= 0 && x < inWidth)
                {
                    float value = source[((((n * inHeight) + y) * inWidth) + x) * channels + c];
                    max = value > max || float.IsNaN(value) ? value : max;
                }
            }
        }

        destination[index] = max;
    }

    /// <summary>The mean of one channel of one image (<paramref name="index"/> = image x channels + channel), summed in double as on the CPU.</summary>
    public static void GlobalAverage(Index1D index, ArrayView<float> source, ArrayView<float> destination, int channels, int pixels)
    {
        int c = index % channels;
        int n = index / channels;
        double sum = 0;
        int first = n * pixels * channels;
        for (int p = 0; p < pixels; p++)
        {
            sum += source[first + (p * channels) + c];
        }

        destination[index] = (float)(sum / pixels);
    }
}
