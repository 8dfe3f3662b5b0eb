using System;
using ResNetGen.Sample.Imaging;

namespace ResNetGen.Sample;

/// <summary>
/// torchvision's ImageNet evaluation transform, reproduced exactly for 8-bit RGB images:
/// <c>Resize(256)</c>, <c>CenterCrop(224)</c>, <c>ToTensor()</c>, <c>Normalize(mean, std)</c>.
/// </summary>
/// <remarks>
/// <para><c>Resize(256)</c> on a PIL image is PIL's <c>Image.resize(size, BILINEAR)</c>: a separable resample whose
/// triangle filter is widened by the scale factor when shrinking (so it averages every source pixel: antialiasing),
/// horizontal pass first, with PIL's 22-bit fixed-point coefficients and rounding to bytes after each pass. This class
/// computes the same coefficients in the same order and the same integer sums, so its bytes equal PIL's and its
/// tensor equals torchvision's bit for bit (the test in tests/Sample checks this on committed images).</para>
/// <para>Only the 224x224 pixels that survive the crop are computed; each output pixel depends only on its own
/// coefficients, so this gives exactly the pixels of the full resize.</para>
/// </remarks>
internal static class Preprocessing
{
    /// <summary>The shorter side after <c>Resize(256)</c>.</summary>
    public const int ResizeTo = 256;

    /// <summary>The side of <c>CenterCrop(224)</c>.</summary>
    public const int CropTo = 224;

    /// <summary>Floats of one preprocessed image: 3 x 224 x 224, CHW.</summary>
    public const int OutputLength = 3 * CropTo * CropTo;

    /// <summary>22 bits of fraction: PIL's <c>PRECISION_BITS</c> (32 - 8 - 2).</summary>
    private const int PrecisionBits = 22;

    /// <summary>torchvision's ImageNet mean, per channel, as the float32 tensor <c>Normalize</c> subtracts.</summary>
    public static ReadOnlySpan<float> Mean => [0.485f, 0.456f, 0.406f];

    /// <summary>torchvision's ImageNet standard deviation, per channel.</summary>
    public static ReadOnlySpan<float> Std => [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// The size <c>Resize(256)</c> gives: the shorter side becomes 256 and the longer <c>int(256 * long / short)</c>, as
    /// torchvision's <c>_compute_resized_output_size</c>.
    /// </summary>
    /// <exception cref="ImageDecodeException">The image is so elongated that the longer side would not fit in an int.</exception>
    public static (int Width, int Height) ResizedSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        double longer = width <= height ? (double)ResizeTo * height / width : (double)ResizeTo * width / height;
        if (longer >= int.MaxValue)
        {
            throw new ImageDecodeException($"a {width}x{height} image is too elongated to resize to a shorter side of {ResizeTo}");
        }

        return width <= height ? (ResizeTo, (int)longer) : ((int)longer, ResizeTo);
    }

    /// <summary>
    /// Where <c>CenterCrop(224)</c> starts in an image of the given size: <c>int(round((size - 224) / 2.0))</c>, Python's
    /// round, so 56.5 becomes 56 (ties to even, which is also <see cref="Math.Round(double)"/>'s default).
    /// </summary>
    public static (int Top, int Left) CropOffset(int resizedWidth, int resizedHeight) =>
        ((int)Math.Round((resizedHeight - CropTo) / 2.0), (int)Math.Round((resizedWidth - CropTo) / 2.0));

    /// <summary>
    /// Runs the whole transform on <paramref name="image"/> and writes the normalised 3x224x224 CHW tensor to
    /// <paramref name="destination"/> (<see cref="OutputLength"/> floats).
    /// </summary>
    public static void ToTensor(RgbImage image, Span<float> destination)
    {
        if (destination.Length != OutputLength)
        {
            throw new ArgumentException($"The destination needs {OutputLength} floats, not {destination.Length}.", nameof(destination));
        }

        byte[] crop = ResizeAndCrop(image);
        Normalize(crop, destination);
    }

    /// <summary>
    /// <c>Resize(256)</c> then <c>CenterCrop(224)</c>: the 224x224 RGB bytes (interleaved, row by row) that PIL would
    /// produce. Images whose shorter side is already 256 are left unchanged by the resize, as torchvision does.
    /// </summary>
    public static byte[] ResizeAndCrop(RgbImage image)
    {
        (int width, int height) = ResizedSize(image.Width, image.Height);
        (int top, int left) = CropOffset(width, height);
        Coefficients horizontal = Coefficients.Bilinear(image.Width, width, left, CropTo);
        Coefficients vertical = Coefficients.Bilinear(image.Height, height, top, CropTo);

        // Horizontal pass over the source rows the vertical pass reads (PIL's ybox_first..ybox_last), then vertical.
        int firstRow = vertical.Start[0];
        int lastRow = vertical.Start[CropTo - 1] + vertical.Count[CropTo - 1];
        int rows = lastRow - firstRow;
        byte[] temporary = new byte[rows * CropTo * 3];
        byte[] source = image.Pixels;
        int sourceStride = image.Width * 3;
        for (int y = 0; y < rows; y++)
        {
            int sourceRow = (firstRow + y) * sourceStride;
            for (int x = 0; x < CropTo; x++)
            {
                ReadOnlySpan<int> k = horizontal.Weights(x);
                int from = sourceRow + (horizontal.Start[x] * 3);
                int r = 1 << (PrecisionBits - 1), g = r, b = r;
                for (int t = 0; t < k.Length; t++)
                {
                    r += source[from + (3 * t)] * k[t];
                    g += source[from + (3 * t) + 1] * k[t];
                    b += source[from + (3 * t) + 2] * k[t];
                }

                int to = ((y * CropTo) + x) * 3;
                temporary[to] = Clip8(r);
                temporary[to + 1] = Clip8(g);
                temporary[to + 2] = Clip8(b);
            }
        }

        byte[] output = new byte[CropTo * CropTo * 3];
        int stride = CropTo * 3;
        for (int y = 0; y < CropTo; y++)
        {
            ReadOnlySpan<int> k = vertical.Weights(y);
            int fromRow = vertical.Start[y] - firstRow;
            for (int x = 0; x < stride; x++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int t = 0; t < k.Length; t++)
                {
                    sum += temporary[((fromRow + t) * stride) + x] * k[t];
                }

                output[(y * stride) + x] = Clip8(sum);
            }
        }

        return output;
    }

    /// <summary>
    /// <c>ToTensor()</c> and <c>Normalize</c>: byte / 255, minus the mean, divided by the standard deviation, each step in
    /// float32 as torch computes it; interleaved HWC bytes in, planar CHW floats out.
    /// </summary>
    public static void Normalize(ReadOnlySpan<byte> rgb, Span<float> destination)
    {
        int plane = CropTo * CropTo;
        for (int c = 0; c < 3; c++)
        {
            float mean = Mean[c];
            float std = Std[c];
            Span<float> channel = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                channel[i] = ((rgb[(3 * i) + c] / 255f) - mean) / std;
            }
        }
    }

    private static byte Clip8(int value)
    {
        int shifted = value >> PrecisionBits;
        return shifted < 0 ? (byte)0 : shifted > 255 ? (byte)255 : (byte)shifted;
    }

    /// <summary>PIL's <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c> for the bilinear filter, for a window of the outputs.</summary>
    private sealed class Coefficients
    {
        private readonly int[] _weights;
        private readonly int _taps;

        private Coefficients(int outputs, int taps)
        {
            _taps = taps;
            _weights = new int[outputs * taps];
            Start = new int[outputs];
            Count = new int[outputs];
        }

        /// <summary>First source pixel of each output.</summary>
        public int[] Start { get; }

        /// <summary>Source pixels each output reads.</summary>
        public int[] Count { get; }

        public ReadOnlySpan<int> Weights(int output) => _weights.AsSpan(output * _taps, Count[output]);

        /// <summary>Coefficients for outputs <paramref name="first"/> .. first + count - 1 of a resize from inSize to outSize.</summary>
        public static Coefficients Bilinear(int inSize, int outSize, int first, int count)
        {
            const double Support = 1.0; // the triangle filter's half-width
            double scale = (double)inSize / outSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = Support * filterScale;
            int taps = ((int)Math.Ceiling(support) * 2) + 1;
            var result = new Coefficients(count, taps);
            var weights = new double[taps];
            for (int i = 0; i < count; i++)
            {
                int xx = first + i;
                double center = (xx + 0.5) * scale;
                double ww = 0.0;
                double ss = 1.0 / filterScale;
                int xmin = Math.Max((int)(center - support + 0.5), 0);
                int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
                for (int x = 0; x < xmax; x++)
                {
                    double w = Triangle((x + xmin - center + 0.5) * ss);
                    weights[x] = w;
                    ww += w;
                }

                for (int x = 0; x < xmax; x++)
                {
                    double k = ww != 0.0 ? weights[x] / ww : weights[x];
                    result._weights[(i * taps) + x] = k < 0
                        ? (int)(-0.5 + (k * (1 << PrecisionBits)))
                        : (int)(0.5 + (k * (1 << PrecisionBits)));
                }

                result.Start[i] = xmin;
                result.Count[i] = xmax;
            }

            return result;
        }

        private static double Triangle(double x)
        {
            x = Math.Abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    }
}
