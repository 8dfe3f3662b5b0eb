using System;
using System.Linq;
using ResNetGen.Kernels;
using Xunit;

namespace ResNetGen.Tests.Kernels;

/// <summary>
/// Batch-norm folding and weight packing against a plain element-by-element statement of the same arithmetic and layout,
/// bit for bit: partial panels, several groups, a 7x7 stem whose per-channel length (147) is not a multiple of the
/// vector width, and one output channel per group lane set.
/// </summary>
public sealed class PackingTests
{
    // outChannels, inChannelsPerGroup, kernel, groups
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 64, 3, 7, 1 },    // the stem
        { 40, 8, 1, 1 },    // two full panels and a half one
        { 10, 3, 3, 2 },    // two groups of five channels
        { 128, 4, 3, 32 },  // resnext-like: four channels per group
        { 16, 5, 3, 1 },    // exactly one panel, 45 weights per channel
        { 3, 1, 1, 1 },     // fewer weights per channel than a vector
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fold_and_pack_match_the_element_by_element_statement(int outChannels, int inPerGroup, int kernel, int groups)
    {
        var random = new Random(outChannels * 31 + kernel);
        float[] weight = Reference.RandomFloats(random, outChannels * inPerGroup * kernel * kernel);
        float[] gamma = Reference.RandomFloats(random, outChannels);
        float[] beta = Reference.RandomFloats(random, outChannels);
        float[] mean = Reference.RandomFloats(random, outChannels);
        float[] variance = Reference.RandomFloats(random, outChannels).Select(v => Math.Abs(v) + 0.01f).ToArray();
        var weights = new StateDict("packing");
        weights.Add("conv.weight", new Tensor([outChannels, inPerGroup, kernel, kernel], weight));
        weights.Add("bn.weight", new Tensor([outChannels], gamma));
        weights.Add("bn.bias", new Tensor([outChannels], beta));
        weights.Add("bn.running_mean", new Tensor([outChannels], mean));
        weights.Add("bn.running_var", new Tensor([outChannels], variance));

        ConvolutionLayer layer = ConvolutionLayer.Fold(weights, "conv", "bn", groups);

        int perOutput = inPerGroup * kernel * kernel;
        var folded = new float[weight.Length];
        var bias = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            double scale = gamma[o] / Math.Sqrt(variance[o] + ConvolutionLayer.BatchNormEpsilon);
            bias[o] = (float)(beta[o] - (mean[o] * scale));
            for (int i = 0; i < perOutput; i++)
            {
                folded[(o * perOutput) + i] = (float)(weight[(o * perOutput) + i] * scale);
            }
        }

        (float[] packed, float[] packedBias) = Pack(folded, bias, outChannels, inPerGroup, kernel, groups);
        Assert.Equal(packed.Select(BitConverter.SingleToInt32Bits), layer.PackedWeights.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(packedBias.Select(BitConverter.SingleToInt32Bits), layer.PackedBias.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(weight, weights.Get("conv.weight").Data); // the state dict is left as it was
    }

    /// <summary>[group][panel][ky][kx][input channel][channel in panel], zero-padded, one element at a time.</summary>
    private static (float[] Packed, float[] Bias) Pack(float[] weights, float[] bias, int outChannels, int inPerGroup, int kernel, int groups)
    {
        const int Tile = Convolution.ChannelTile;
        int perGroup = outChannels / groups;
        int panels = (perGroup + Tile - 1) / Tile;
        int taps = kernel * kernel;
        int panelLength = taps * inPerGroup * Tile;
        var packed = new float[groups * panels * panelLength];
        var packedBias = new float[groups * panels * Tile];
        for (int g = 0; g < groups; g++)
        {
            for (int o = 0; o < perGroup; o++)
            {
                int panel = (g * panels) + (o / Tile);
                int lane = o % Tile;
                int channel = (g * perGroup) + o;
                packedBias[(panel * Tile) + lane] = bias[channel];
                for (int c = 0; c < inPerGroup; c++)
                {
                    for (int t = 0; t < taps; t++)
                    {
                        packed[(panel * panelLength) + (((t * inPerGroup) + c) * Tile) + lane] = weights[(((channel * inPerGroup) + c) * taps) + t];
                    }
                }
            }
        }

        return (packed, packedBias);
    }
}
