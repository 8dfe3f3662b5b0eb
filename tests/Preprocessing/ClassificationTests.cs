using System;
using System.Linq;
using Xunit;

namespace ResNetGen.Tests.Preprocessing;

/// <summary>
/// <see cref="Classification"/> and <see cref="ImageNetClasses"/>: softmax against a float64 reference (tolerance: one
/// float32 rounding, 1e-7 relative), top-K orders against a full sort.
/// </summary>
public sealed class ClassificationTests
{
    [Fact]
    public void The_1000_names_are_torchvisions()
    {
        Assert.Equal(1000, ImageNetClasses.Names.Count);
        Assert.Equal(1000, ImageNetClasses.Names.Distinct().Count());
        Assert.Equal("tench", ImageNetClasses.Name(0));
        Assert.Equal("tabby", ImageNetClasses.Name(281));
        Assert.Equal("toilet tissue", ImageNetClasses.Name(999));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageNetClasses.Name(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageNetClasses.Name(-1));
    }

    [Fact]
    public void TopK_orders_by_logit_with_softmax_probabilities()
    {
        float[] logits = new float[1000];
        logits[7] = 3;
        logits[3] = 5;
        logits[900] = 5; // tie: the lower class index first
        ClassScore[] top = Classification.TopK(logits, 3);
        Assert.Equal([3, 900, 7], top.Select(p => p.ClassIndex));
        Assert.Equal([5f, 5f, 3f], top.Select(p => p.Logit));
        double denominator = (2 * Math.Exp(5)) + Math.Exp(3) + 997;
        Assert.Equal(Math.Exp(5) / denominator, top[0].Probability, 12);
        Assert.Equal(Math.Exp(3) / denominator, top[2].Probability, 12);
        Assert.Equal(1.0, Classification.TopK(logits, 1000).Sum(p => p.Probability), 9);
        Assert.Equal(4, Classification.TopK([1f, 2f, 3f, 4f], 10).Length);
    }

    [Fact]
    public void TopK_into_a_span_agrees_with_a_full_sort_and_allocates_nothing()
    {
        var random = new Random(11);
        float[] logits = [.. Enumerable.Range(0, 1000).Select(_ => (float)Math.Round(random.NextDouble() * 20, 1))]; // many ties
        int[] expected = [.. Enumerable.Range(0, 1000).OrderByDescending(i => logits[i]).ThenBy(i => i)];
        foreach (int k in new[] { 1, 5, 37, 1000 })
        {
            int[] indices = new int[k];
            Assert.Equal(k, Classification.TopK(logits, indices));
            Assert.Equal(expected.Take(k), indices);
        }

        int[] longer = new int[5];
        Assert.Equal(3, Classification.TopK([1f, 3f, 2f], longer));
        Assert.Equal([1, 2, 0], longer.Take(3));

        int[] five = new int[5];
        float[] probabilities = new float[1000];
        Classification.TopK(logits, five);
        Classification.Softmax(logits, probabilities);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Classification.TopK(logits, five);
        Classification.Softmax(logits, probabilities);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Softmax_matches_a_float64_reference_and_works_in_place()
    {
        var random = new Random(2);
        float[] logits = [.. Enumerable.Range(0, 1000).Select(_ => (float)((random.NextDouble() * 60) - 30))];
        double max = logits.Max();
        double sum = logits.Sum(x => Math.Exp(x - max));
        float[] probabilities = new float[1000];
        Classification.Softmax(logits, probabilities);
        for (int i = 0; i < logits.Length; i++)
        {
            double reference = Math.Exp(logits[i] - max) / sum;
            Assert.True(Math.Abs(probabilities[i] - reference) <= 1e-7 * reference + 1e-45, $"class {i}: {probabilities[i]} vs {reference}");
        }

        Classification.Softmax(logits, logits);
        Assert.Equal(probabilities, logits);
        Assert.Equal(1.0, probabilities.Sum(p => (double)p), 5);
    }

    [Fact]
    public void Large_logits_do_not_overflow()
    {
        float[] probabilities = new float[3];
        Classification.Softmax([1000f, 1000f, float.NegativeInfinity], probabilities);
        Assert.Equal([0.5f, 0.5f, 0f], probabilities);
    }

    [Fact]
    public void Empty_nan_and_mismatched_spans_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Classification.Softmax([], []));
        Assert.Contains("Logit 1 is NaN", Assert.Throws<ArgumentException>(() => Classification.Softmax([1f, float.NaN], new float[2])).Message);
        Assert.Contains("Logit 0 is NaN", Assert.Throws<ArgumentException>(() => Classification.TopK([float.NaN], 1)).Message);
        Assert.Throws<ArgumentException>(() => Classification.TopK([1f, float.PositiveInfinity], 1));
        Assert.Throws<ArgumentException>(() => Classification.Softmax([1f, 2f], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Classification.TopK([1f], 0));
    }
}
