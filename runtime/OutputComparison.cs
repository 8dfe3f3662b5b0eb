using System;

namespace ResNetGen;

/// <summary>
/// Compares a network's outputs with reference outputs (torchvision's, typically) as ResNetGen's own parity checks do:
/// per image, the relative error <c>‖out − ref‖₂ / ‖ref‖₂</c> summed in double, and whether the top-1 class is the same.
/// ResNetGen's criterion against torchvision is a relative error of at most <see cref="ParityTolerance"/> and the same
/// top-1 for every image (<see cref="Agrees"/>).
/// </summary>
/// <example>
/// <code>
/// for (int image = 0; image &lt; batch; image++)
/// {
///     var mine = logits.AsSpan(image * classes, classes);
///     var torch = reference.AsSpan(image * classes, classes);
///     Console.WriteLine($"{OutputComparison.RelativeError(mine, torch):E2}, same top-1: {OutputComparison.Top1(mine) == OutputComparison.Top1(torch)}");
/// }
/// </code>
/// </example>
public static class OutputComparison
{
    /// <summary>
    /// The relative error allowed against torchvision: 1e-4. Float32 rounding in a different summation order gives about
    /// 5e-7 to 1e-6 through a whole 224x224 network; a wrong layer gives errors near 1.
    /// </summary>
    public const double ParityTolerance = 1e-4;

    /// <summary>
    /// <c>‖actual − reference‖₂ / ‖reference‖₂</c>, every product and sum in double. A zero reference gives 0 when
    /// <paramref name="actual"/> is zero too and positive infinity otherwise; a NaN anywhere gives NaN, which no tolerance accepts.
    /// </summary>
    /// <param name="actual">The outputs to judge, e.g. one image's logits.</param>
    /// <param name="reference">The outputs they should equal, as many.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> reference)
    {
        CheckLengths(actual.Length, reference.Length);
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = (double)actual[i] - reference[i];
            difference += d * d;
            norm += (double)reference[i] * reference[i];
        }

        return Ratio(difference, norm);
    }

    /// <summary>
    /// <c>‖actual − reference‖₂ / ‖reference‖₂</c> against a reference computed in double, as
    /// <see cref="RelativeError(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
    /// </summary>
    /// <param name="actual">The outputs to judge.</param>
    /// <param name="reference">The outputs they should equal, as many, in double.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<double> reference)
    {
        CheckLengths(actual.Length, reference.Length);
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = actual[i] - reference[i];
            difference += d * d;
            norm += reference[i] * reference[i];
        }

        return Ratio(difference, norm);
    }

    /// <summary>The index of the largest value, the first one on a tie (as torch's <c>argmax</c>); NaN values are passed over.</summary>
    /// <param name="values">One image's outputs.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static int Top1(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("There is no top-1 class of an empty output.", nameof(values));
        }

        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best] || float.IsNaN(values[best]))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The index of the largest value of a reference computed in double, as <see cref="Top1(ReadOnlySpan{float})"/>.</summary>
    /// <param name="values">One image's outputs.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static int Top1(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("There is no top-1 class of an empty output.", nameof(values));
        }

        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best] || double.IsNaN(values[best]))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// ResNetGen's parity criterion for one image: <see cref="RelativeError(ReadOnlySpan{float}, ReadOnlySpan{float})"/> at
    /// most <paramref name="tolerance"/> and the same <see cref="Top1(ReadOnlySpan{float})"/> class.
    /// </summary>
    /// <param name="actual">One image's outputs.</param>
    /// <param name="reference">The reference outputs of the same image.</param>
    /// <param name="tolerance">The largest relative error accepted; <see cref="ParityTolerance"/> by default.</param>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static bool Agrees(ReadOnlySpan<float> actual, ReadOnlySpan<float> reference, double tolerance = ParityTolerance) =>
        RelativeError(actual, reference) <= tolerance && Top1(actual) == Top1(reference);

    private static void CheckLengths(int actual, int reference)
    {
        if (actual != reference)
        {
            throw new ArgumentException($"The outputs hold {actual} values and the reference {reference}; they must match.", nameof(actual));
        }
    }

    private static double Ratio(double squaredDifference, double squaredNorm) =>
        squaredNorm == 0 ? (squaredDifference == 0 ? 0 : double.PositiveInfinity) : Math.Sqrt(squaredDifference / squaredNorm);
}
