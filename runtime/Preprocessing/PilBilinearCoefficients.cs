using System;

namespace ResNetGen.Preprocessing;

/// <summary>
/// PIL's <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c> for the bilinear (triangle) filter, for a window of a
/// resize's outputs: which source pixels each output reads and their 22-bit fixed-point weights. When shrinking, the
/// filter is widened by the scale factor, so every source pixel contributes (antialiasing).
/// </summary>
internal sealed class PilBilinearCoefficients
{
    /// <summary>22 bits of fraction: PIL's <c>PRECISION_BITS</c> (32 - 8 - 2).</summary>
    public const int PrecisionBits = 22;

    private readonly int[] _weights;
    private readonly int _taps;

    private PilBilinearCoefficients(int outputs, int taps)
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

    /// <summary>The weights of output <paramref name="output"/>, one per source pixel it reads.</summary>
    public ReadOnlySpan<int> Weights(int output) => _weights.AsSpan(output * _taps, Count[output]);

    /// <summary>Coefficients for outputs <paramref name="first"/> .. first + count - 1 of a resize from inSize to outSize.</summary>
    public static PilBilinearCoefficients Create(int inSize, int outSize, int first, int count)
    {
        const double Support = 1.0; // the triangle filter's half-width
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = Support * filterScale;
        int taps = ((int)Math.Ceiling(support) * 2) + 1;
        var result = new PilBilinearCoefficients(count, taps);
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

    /// <summary>A fixed-point sum (which started at half a level) back to a byte, clamped as PIL's <c>clip8</c>.</summary>
    public static byte Clip8(int value)
    {
        int shifted = value >> PrecisionBits;
        return shifted < 0 ? (byte)0 : shifted > 255 ? (byte)255 : (byte)shifted;
    }

    /// <summary>The rounding term every fixed-point sum starts from: half a level.</summary>
    public const int Half = 1 << (PrecisionBits - 1);

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }
}
