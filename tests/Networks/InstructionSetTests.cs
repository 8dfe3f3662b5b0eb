using System;
using System.Linq;
using ResNetGen.Kernels;
using ResNetGen.Tests.Kernels;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>
/// Whole generated networks on every kernel instruction set this machine has: the direct and the Winograd convolutions,
/// groups, dilation, partial panels and batches of two, end to end. Every set gives the same bits: the convolutions
/// accumulate in the same order on each, the pooling kernels have one path, and the classifier's scalar path forms its
/// sums in the vector path's order.
/// </summary>
[Collection(nameof(KernelSettingsCollection))]
public sealed class InstructionSetTests
{
    [Fact]
    public void Basic_network() => AssertSameOnEverySet(
        TinyBasicNet.FromStateDict(TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 41)).Forward,
        TinyBasicNet.InputLength,
        TinyBasicNet.OutputLength);

    [Fact]
    public void Bottleneck_network_with_groups_and_dilation() => AssertSameOnEverySet(
        TinyBottleneckNet.FromStateDict(TestWeights.WithRandomBatchNorm(TinyBottleneckNet.Parameters, seed: 42)).Forward,
        TinyBottleneckNet.InputLength,
        TinyBottleneckNet.OutputLength);

    [Fact]
    public void Network_with_winograd_layers() => AssertSameOnEverySet(
        WinogradBasicNet.FromStateDict(TestWeights.WithRandomBatchNorm(WinogradBasicNet.Parameters, seed: 43)).Forward,
        WinogradBasicNet.InputLength,
        WinogradBasicNet.OutputLength);

    private delegate void Forward(ReadOnlySpan<float> input, Span<float> output);

    private static void AssertSameOnEverySet(Forward forward, int inputLength, int outputLength)
    {
        float[] input = TestWeights.Input(inputLength, seed: 44);
        int[] Run(KernelInstructionSet set) => InstructionSets.Using(set, () =>
        {
            var output = new float[outputLength];
            forward(input, output);
            return output.Select(BitConverter.SingleToInt32Bits).ToArray();
        });

        int[] widest = Run(KernelSettings.HardwareInstructionSet);
        Assert.Equal(outputLength, widest.Select(BitConverter.Int32BitsToSingle).Count(float.IsFinite));
        foreach (KernelInstructionSet set in InstructionSets.Supported)
        {
            Assert.True(widest.SequenceEqual(Run(set)), $"{set} differs from {KernelSettings.HardwareInstructionSet}");
        }
    }
}
