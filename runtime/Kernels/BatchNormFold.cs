using System;
using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>A convolution with its batch norm folded in: OIHW weights and one bias per output channel.</summary>
/// <param name="Weights">Folded weights, <c>[out][in / groups][k][k]</c>.</param>
/// <param name="Bias">Folded bias, one per output channel.</param>
/// <param name="OutChannels">Output channels (all groups).</param>
/// <param name="InChannelsPerGroup">Input channels each group reads.</param>
/// <param name="Kernel">Square kernel size.</param>
/// <remarks>Plumbing shared with the accelerator package, which folds with the same code as the CPU layers.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record FoldedConvolution(float[] Weights, float[] Bias, int OutChannels, int InChannelsPerGroup, int Kernel);

/// <summary>
/// The one place where eval-mode batch norm, <c>y = (x - m) / sqrt(v + eps) * g + beta</c>, is turned into a scale and a
/// shift, and folded into the preceding convolution: <c>W' = W * g / sqrt(v + eps)</c>, <c>b' = beta - m * g / sqrt(v + eps)</c>.
/// Everything is computed in double and rounded to float once, so every user (the CPU kernels, the dynamic graph, the
/// accelerator layers) gets bit-identical weights.
/// </summary>
/// <remarks>Plumbing shared with the accelerator package, which reaches it only through this public surface.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchNormFold
{
    /// <summary>The <c>eps</c> of torchvision's <c>BatchNorm2d</c>.</summary>
    public const double Epsilon = 1e-5;

    /// <summary>
    /// Reads <c>{batchNorm}.weight/.bias/.running_mean/.running_var</c> and returns each channel's scale
    /// <c>g / sqrt(v + eps)</c> (in double) and shift <c>beta - m * scale</c> (rounded to float).
    /// </summary>
    /// <param name="weights">The state_dict.</param>
    /// <param name="batchNorm">The batch norm's module name, e.g. <c>layer1.0.bn1</c>.</param>
    /// <param name="channels">The channels the tensors must have, or -1 to take them from <c>{batchNorm}.weight</c>.</param>
    /// <param name="shift">Receives the shift per channel.</param>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape; the message names it.</exception>
    public static double[] Channels(StateDict weights, string batchNorm, int channels, out float[] shift)
    {
        float[] gamma = channels < 0 ? weights.Get(batchNorm + ".weight").Data : weights.Get(batchNorm + ".weight", [channels]).Data;
        int count = gamma.Length;
        float[] beta = weights.Get(batchNorm + ".bias", [count]).Data;
        float[] mean = weights.Get(batchNorm + ".running_mean", [count]).Data;
        float[] variance = weights.Get(batchNorm + ".running_var", [count]).Data;
        var scale = new double[count];
        shift = new float[count];
        for (int c = 0; c < count; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + Epsilon);
            shift[c] = (float)(beta[c] - (mean[c] * scale[c]));
        }

        return scale;
    }

    /// <summary>
    /// Reads <c>{convolution}.weight</c> (OIHW, square kernel) and its batch norm, and returns the folded weights and bias.
    /// </summary>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape; the message names it.</exception>
    public static FoldedConvolution Convolution(StateDict weights, string convolution, string batchNorm, int groups)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Tensor weight = weights.Get(convolution + ".weight");
        if (weight.Shape.Count != 4 || weight.Shape[2] != weight.Shape[3] || weight.Shape[0] % groups != 0)
        {
            throw new InvalidOperationException(
                $"{weights.Source}: the tensor '{convolution}.weight' has shape {Tensor.FormatShape(weight.Shape)}; expected [out, in / {groups}, k, k].");
        }

        int outChannels = weight.Shape[0];
        double[] scale = Channels(weights, batchNorm, outChannels, out float[] bias);
        int perOutput = weight.Shape[1] * weight.Shape[2] * weight.Shape[3];
        var folded = new float[weight.Data.Length];
        for (int o = 0; o < outChannels; o++)
        {
            ReadOnlySpan<float> from = weight.Data.AsSpan(o * perOutput, perOutput);
            Span<float> to = folded.AsSpan(o * perOutput, perOutput);
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // The same arithmetic as the scalar loop: widened to double (exact), multiplied, rounded to float once.
                Vector256<double> factor = Vector256.Create(scale[o]);
                for (; i <= perOutput - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(from.Slice(i)));
                    Vector256.Narrow(low * factor, high * factor).CopyTo(to.Slice(i));
                }
            }

            for (; i < perOutput; i++)
            {
                to[i] = (float)(from[i] * scale[o]);
            }
        }

        return new FoldedConvolution(folded, bias, outChannels, weight.Shape[1], weight.Shape[2]);
    }
}
