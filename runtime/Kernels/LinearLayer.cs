using System;
using System.ComponentModel;

namespace ResNetGen.Kernels;

/// <summary>A fully connected layer (<c>nn.Linear</c>) prepared for inference: weight [out, in] and bias [out].</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class LinearLayer
{
    private LinearLayer(int inFeatures, int outFeatures, float[] weight, float[] bias)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = weight;
        Bias = bias;
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    internal float[] Weight { get; }

    internal float[] Bias { get; }

    /// <summary>Reads <c>{module}.weight</c> [out, in] and <c>{module}.bias</c> [out].</summary>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape; the message names it.</exception>
    public static LinearLayer Create(StateDict weights, string module)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Tensor weight = weights.Get(module + ".weight");
        if (weight.Shape.Count != 2)
        {
            throw new InvalidOperationException($"{weights.Source}: the tensor '{module}.weight' has shape {Tensor.FormatShape(weight.Shape)}; expected [out, in].");
        }

        Tensor bias = weights.Get(module + ".bias", [weight.Shape[0]]);
        return new LinearLayer(weight.Shape[1], weight.Shape[0], (float[])weight.Data.Clone(), (float[])bias.Data.Clone());
    }
}
