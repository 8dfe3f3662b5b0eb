using System;

namespace ResNetGen.Kernels;

/// <summary>
/// A convolution prepared for inference: batch norm folded into its weights and bias, and the weights packed
/// into the panel layout <see cref="Convolution"/>'s micro-kernel reads (per group, blocks of
/// <see cref="Convolution.PanelRows"/> output channels, reduction index major). Immutable, so one layer serves
/// any number of concurrent calls.
/// </summary>
public sealed class ConvolutionLayer
{
    /// <summary>The <c>eps</c> of torchvision's <c>BatchNorm2d</c>.</summary>
    public const double BatchNormEpsilon = 1e-5;

    private ConvolutionLayer(int outChannels, int inChannelsPerGroup, int kernel, int groups, float[] packedWeights, float[] bias)
    {
        OutChannels = outChannels;
        InChannelsPerGroup = inChannelsPerGroup;
        Kernel = kernel;
        Groups = groups;
        PackedWeights = packedWeights;
        Bias = bias;
    }

    /// <summary>Output channels (all groups).</summary>
    public int OutChannels { get; }

    /// <summary>Input channels each group reads.</summary>
    public int InChannelsPerGroup { get; }

    /// <summary>Square kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    internal int OutChannelsPerGroup => OutChannels / Groups;

    internal int ReductionLength => InChannelsPerGroup * Kernel * Kernel;

    internal int PanelsPerGroup => (OutChannelsPerGroup + Convolution.PanelRows - 1) / Convolution.PanelRows;

    /// <summary>Weights in panel layout: [group][panel][reduction index][row in panel], zero-padded rows.</summary>
    internal float[] PackedWeights { get; }

    /// <summary>Per output channel: the folded batch norm shift (and the convolution's own bias, if it had one).</summary>
    internal float[] Bias { get; }

    /// <summary>
    /// Reads <c>{convolution}.weight</c> and the batch norm <c>{batchNorm}.weight/.bias/.running_mean/.running_var</c>
    /// from <paramref name="weights"/> and folds them: <c>W' = W * g / sqrt(v + eps)</c>, <c>b' = beta - m * g / sqrt(v + eps)</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape; the message names it.</exception>
    public static ConvolutionLayer Fold(StateDict weights, string convolution, string batchNorm, int groups)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Tensor weight = weights.Get(convolution + ".weight");
        if (weight.Shape.Count != 4 || weight.Shape[2] != weight.Shape[3] || weight.Shape[0] % groups != 0)
        {
            throw new InvalidOperationException(
                $"{weights.Source}: the tensor '{convolution}.weight' has shape {Tensor.FormatShape(weight.Shape)}; expected [out, in / {groups}, k, k].");
        }

        int outChannels = weight.Shape[0];
        float[] gamma = weights.Get(batchNorm + ".weight", [outChannels]).Data;
        float[] beta = weights.Get(batchNorm + ".bias", [outChannels]).Data;
        float[] mean = weights.Get(batchNorm + ".running_mean", [outChannels]).Data;
        float[] variance = weights.Get(batchNorm + ".running_var", [outChannels]).Data;

        int perOutput = weight.Shape[1] * weight.Shape[2] * weight.Shape[3];
        var folded = new float[weight.Data.Length];
        var bias = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            double scale = gamma[o] / Math.Sqrt(variance[o] + BatchNormEpsilon);
            bias[o] = (float)(beta[o] - (mean[o] * scale));
            for (int i = 0; i < perOutput; i++)
            {
                folded[(o * perOutput) + i] = (float)(weight.Data[(o * perOutput) + i] * scale);
            }
        }

        return Create(folded, bias, outChannels, weight.Shape[1], weight.Shape[2], groups);
    }

    /// <summary>Packs plain convolution weights (OIHW, already folded) and a bias.</summary>
    internal static ConvolutionLayer Create(ReadOnlySpan<float> weights, float[] bias, int outChannels, int inChannelsPerGroup, int kernel, int groups)
    {
        int perGroup = outChannels / groups;
        int reduction = inChannelsPerGroup * kernel * kernel;
        int panels = (perGroup + Convolution.PanelRows - 1) / Convolution.PanelRows;
        var packed = GC.AllocateArray<float>(groups * panels * reduction * Convolution.PanelRows, pinned: true);
        for (int g = 0; g < groups; g++)
        {
            for (int p = 0; p < panels; p++)
            {
                int panelBase = ((g * panels) + p) * reduction * Convolution.PanelRows;
                for (int r = 0; r < Convolution.PanelRows; r++)
                {
                    int row = (p * Convolution.PanelRows) + r;
                    if (row >= perGroup)
                    {
                        continue;
                    }

                    ReadOnlySpan<float> source = weights.Slice(((g * perGroup) + row) * reduction, reduction);
                    for (int k = 0; k < reduction; k++)
                    {
                        packed[panelBase + (k * Convolution.PanelRows) + r] = source[k];
                    }
                }
            }
        }

        return new ConvolutionLayer(outChannels, inChannelsPerGroup, kernel, groups, packed, bias);
    }
}
