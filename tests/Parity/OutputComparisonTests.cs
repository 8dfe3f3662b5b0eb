using System;
using Xunit;

namespace ResNetGen.Tests.Parity;

/// <summary>The parity criterion every comparison with torchvision uses: relative error and top-1.</summary>
public sealed class OutputComparisonTests
{
    [Fact]
    public void Relative_error_is_the_norm_of_the_difference_over_the_norm_of_the_reference()
    {
        // ‖(3, 4) − (0, 0)‖ = 5 against ‖(3, 4)‖ = 5 is 1; (3, 4) against (3, 4.5) is 0.5 / sqrt(29.25).
        Assert.Equal(1.0, OutputComparison.RelativeError([0f, 0f], [3f, 4f]));
        Assert.Equal(0.5 / Math.Sqrt(29.25), OutputComparison.RelativeError([3f, 4f], [3f, 4.5f]), 15);
        Assert.Equal(0.5 / Math.Sqrt(29.25), OutputComparison.RelativeError([3f, 4f], new double[] { 3, 4.5 }), 15);
        Assert.Equal(0.0, OutputComparison.RelativeError([1f, -2f], [1f, -2f]));
    }

    [Fact]
    public void Sums_run_in_double_so_tiny_differences_of_large_values_are_seen()
    {
        var reference = new float[1000];
        var actual = new float[1000];
        Array.Fill(reference, 1e20f);
        Array.Fill(actual, 1e20f);
        actual[0] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1e20f) + 1);

        double error = OutputComparison.RelativeError(actual, reference);
        Assert.True(error > 0 && error < 1e-8, $"{error:E2}");
    }

    [Fact]
    public void A_zero_reference_and_non_finite_values_are_answered_plainly()
    {
        Assert.Equal(0.0, OutputComparison.RelativeError([0f, 0f], [0f, 0f]));
        Assert.Equal(double.PositiveInfinity, OutputComparison.RelativeError([0f, 1f], [0f, 0f]));
        Assert.True(double.IsNaN(OutputComparison.RelativeError([float.NaN, 1f], [1f, 1f])));
        Assert.False(OutputComparison.Agrees([float.NaN, 1f], [1f, 2f]));
    }

    [Fact]
    public void Top1_is_the_first_largest_value_and_passes_over_NaN()
    {
        Assert.Equal(1, OutputComparison.Top1([1f, 5f, 5f, 2f]));
        Assert.Equal(2, OutputComparison.Top1([float.NaN, -3f, 4f]));
        Assert.Equal(0, OutputComparison.Top1([-1f]));
    }

    [Fact]
    public void Agrees_needs_both_the_tolerance_and_the_same_top1()
    {
        Assert.True(OutputComparison.Agrees([1f, 2.00001f], [1f, 2f]));
        Assert.False(OutputComparison.Agrees([1f, 2.1f], [1f, 2f]));                  // relative error 0.045
        Assert.True(OutputComparison.Agrees([1f, 2.1f], [1f, 2f], tolerance: 0.05));
        Assert.False(OutputComparison.Agrees([2f, 1.99999f], [1.99999f, 2f], tolerance: 1));   // top-1 swapped
    }

    [Fact]
    public void Mismatched_or_empty_spans_are_refused()
    {
        Assert.Contains("2 values and the reference 3", Assert.Throws<ArgumentException>(() => OutputComparison.RelativeError([1f, 2f], [1f, 2f, 3f])).Message);
        Assert.Throws<ArgumentException>(() => OutputComparison.Top1(ReadOnlySpan<float>.Empty));
    }
}
