using System;
using ResNetGen.Dynamic;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>The run-time graph gives the generated network's answers: bit for bit when fused, within rounding when eager.</summary>
public sealed class DynamicResNetTests
{
    private static readonly ResNetAttribute TinyBasic = new(Block.Basic, 1, 1, 1, 1) { InputHeight = 40, InputWidth = 36, NumClasses = 10, BatchSize = 2 };

    private static readonly ResNetAttribute TinyBottleneck = new(Block.Bottleneck, 1, 2, 1, 1)
    {
        Groups = 4,
        WidthPerGroup = 8,
        ReplaceStrideWithDilation = new[] { false, true, true },
        InputChannels = 5,
        InputHeight = 33,
        InputWidth = 47,
        NumClasses = 7,
    };

    [Fact]
    public void Fused_mode_is_bit_identical_to_generated_code()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 31);
        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 32);
        var generated = new float[TinyBasicNet.OutputLength];
        var dynamic = new float[TinyBasicNet.OutputLength];

        TinyBasicNet.FromStateDict(weights).Forward(input, generated);
        DynamicResNet.Create(TinyBasic, weights, DynamicMode.Fused).Forward(input, dynamic);

        Assert.Equal(generated, dynamic);
    }

    [Fact]
    public void Fused_mode_is_bit_identical_for_groups_and_dilation()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBottleneckNet.Parameters, seed: 33);
        float[] input = TestWeights.Input(TinyBottleneckNet.InputLength, seed: 34);
        var generated = new float[TinyBottleneckNet.OutputLength];
        var dynamic = new float[TinyBottleneckNet.OutputLength];

        TinyBottleneckNet.FromStateDict(weights).Forward(input, generated);
        DynamicResNet.Create(TinyBottleneck, weights, DynamicMode.Fused).Forward(input, dynamic);

        Assert.Equal(generated, dynamic);
    }

    [Fact]
    public void Fused_mode_is_bit_identical_where_small_maps_leave_taps_out()
    {
        var architecture = new ResNetAttribute(Block.Basic, 1, 1, 1, 1) { InputHeight = 32, InputWidth = 32, NumClasses = 10, BatchSize = 2 };
        StateDict weights = TestWeights.WithRandomBatchNorm(SmallMapBasicNet.Parameters, seed: 35);
        float[] input = TestWeights.Input(SmallMapBasicNet.InputLength, seed: 36);
        var generated = new float[SmallMapBasicNet.OutputLength];
        var dynamic = new float[SmallMapBasicNet.OutputLength];

        SmallMapBasicNet.FromStateDict(weights).Forward(input, generated);
        DynamicResNet.Create(architecture, weights, DynamicMode.Fused).Forward(input, dynamic);

        Assert.Equal(generated, dynamic);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Eager_mode_matches_within_rounding(bool bottleneck)
    {
        var attribute = bottleneck ? TinyBottleneck : TinyBasic;
        var entries = bottleneck ? TinyBottleneckNet.Parameters : TinyBasicNet.Parameters;
        StateDict weights = TestWeights.WithRandomBatchNorm(entries, seed: 35);
        DynamicResNet fused = DynamicResNet.Create(attribute, weights, DynamicMode.Fused);
        DynamicResNet eager = DynamicResNet.Create(attribute, weights, DynamicMode.Eager);
        float[] input = TestWeights.Input(fused.InputLength, seed: 36);
        var expected = new float[fused.OutputLength];
        var actual = new float[eager.OutputLength];

        fused.Forward(input, expected);
        eager.Forward(input, actual);

        double error = OutputComparison.RelativeError(actual, expected);
        Assert.True(error <= 1e-5, $"relative error {error:E2}");
        Assert.NotEqual(expected, actual); // Unfused batch norm rounds differently: the modes really differ.
    }

    [Fact]
    public void Create_random_matches_the_generated_class()
    {
        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 37);
        var generated = new float[TinyBasicNet.OutputLength];
        var dynamic = new float[TinyBasicNet.OutputLength];

        TinyBasicNet.CreateRandom(8).Forward(input, generated);
        DynamicResNet.CreateRandom(TinyBasic, 8, DynamicMode.Fused).Forward(input, dynamic);

        Assert.Equal(generated, dynamic);
        Assert.Equal(TinyBasicNet.Parameters.Count, DynamicResNet.CreateRandom(TinyBasic, 8, DynamicMode.Eager).Parameters.Count);
    }

    [Fact]
    public void Invalid_architecture_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => DynamicResNet.CreateRandom(new ResNetAttribute(Block.Basic, 2, 2, 2), 0, DynamicMode.Eager));
        Assert.Contains("four stage depths", error.Message);

        error = Assert.Throws<ArgumentException>(() => DynamicResNet.CreateRandom(new ResNetAttribute(Block.Basic, 2, 2, 2, 2) { Groups = 2 }, 0, DynamicMode.Fused));
        Assert.Contains("Block.Basic supports only Groups = 1", error.Message);
    }
}
