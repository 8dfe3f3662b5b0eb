using System;

namespace ResNetGen;

/// <summary>
/// Turns one image's logits (what <c>Forward</c> writes, <c>NumClasses</c> floats per image) into probabilities and the
/// most likely classes. For a batch, pass each image's slice of the output.
/// </summary>
public static class Classification
{
    /// <summary>
    /// Writes the softmax of <paramref name="logits"/>, <c>exp(x - max) / sum(exp(x_j - max))</c> with the sum in float64,
    /// to <paramref name="probabilities"/>. No allocation; the two spans may be the same memory (in place).
    /// </summary>
    /// <param name="logits">One image's logits; at least one value, none NaN.</param>
    /// <param name="probabilities">As long as <paramref name="logits"/>; receives values between 0 and 1 that sum to 1.</param>
    /// <exception cref="ArgumentException">The spans differ in length, <paramref name="logits"/> is empty, or a logit is NaN or positive infinity.</exception>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (probabilities.Length != logits.Length)
        {
            throw new ArgumentException($"The probabilities need one value per logit: {logits.Length}, not {probabilities.Length}.", nameof(probabilities));
        }

        float max = Max(logits);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double e = Math.Exp((double)logits[i] - max);
            probabilities[i] = (float)e;
            sum += e;
        }

        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = (float)(probabilities[i] / sum);
        }
    }

    /// <summary>
    /// Writes the indices of the <c>indices.Length</c> largest logits to <paramref name="indices"/>, largest first; equal
    /// logits in index order, so the ranking is deterministic. No allocation.
    /// </summary>
    /// <param name="logits">One image's logits; at least one value, none NaN.</param>
    /// <param name="indices">Receives the class indices; its length is K. When it is longer than <paramref name="logits"/>,
    /// only the first <c>logits.Length</c> are written.</param>
    /// <returns>How many indices were written: the smaller of the two lengths.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty or holds a NaN.</exception>
    public static int TopK(ReadOnlySpan<float> logits, Span<int> indices)
    {
        CheckLogits(logits);
        int k = Math.Min(indices.Length, logits.Length);
        int count = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float value = logits[i];

            // Insert i among the kept indices (sorted, largest first); a later index never passes an equal value.
            if (count == k && (k == 0 || value <= logits[indices[k - 1]]))
            {
                continue;
            }

            int at = count < k ? count++ : k - 1;
            while (at > 0 && value > logits[indices[at - 1]])
            {
                indices[at] = indices[at - 1];
                at--;
            }

            indices[at] = i;
        }

        return k;
    }

    /// <summary>
    /// The <paramref name="k"/> most likely classes, largest logit first (equal logits in index order), each with its
    /// softmax probability over all the logits.
    /// </summary>
    /// <param name="logits">One image's logits; at least one value, none NaN.</param>
    /// <param name="k">How many classes; at least 1. More than there are logits gives them all.</param>
    /// <returns><c>min(k, logits.Length)</c> classes, most likely first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty, or holds a NaN or positive infinity.</exception>
    public static ClassScore[] TopK(ReadOnlySpan<float> logits, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        float max = Max(logits);
        double sum = 0;
        foreach (float logit in logits)
        {
            sum += Math.Exp((double)logit - max);
        }

        int[] indices = new int[Math.Min(k, logits.Length)];
        TopK(logits, indices);
        var top = new ClassScore[indices.Length];
        for (int r = 0; r < top.Length; r++)
        {
            int index = indices[r];
            top[r] = new ClassScore(index, logits[index], Math.Exp((double)logits[index] - max) / sum);
        }

        return top;
    }

    private static float Max(ReadOnlySpan<float> logits)
    {
        CheckLogits(logits);
        float max = float.NegativeInfinity;
        foreach (float logit in logits)
        {
            max = Math.Max(max, logit);
        }

        if (float.IsPositiveInfinity(max))
        {
            throw new ArgumentException("A logit is positive infinity; the softmax is undefined (the network's output overflowed).", nameof(logits));
        }

        if (float.IsNegativeInfinity(max))
        {
            throw new ArgumentException("Every logit is negative infinity; the softmax is undefined.", nameof(logits));
        }

        return max;
    }

    private static void CheckLogits(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("There are no logits.", nameof(logits));
        }

        int nan = logits.IndexOfAnyExceptInRange(float.NegativeInfinity, float.PositiveInfinity);
        if (nan >= 0)
        {
            throw new ArgumentException($"Logit {nan} is NaN: the input or the weights hold a NaN.", nameof(logits));
        }
    }
}
