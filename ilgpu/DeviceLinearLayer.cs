using System;
using ILGPU;
using ILGPU.Runtime;

namespace ResNetGen.Ilgpu;

/// <summary>
/// The classifier on the device: <c>{module}.weight</c> uploaded once, transposed to <c>[in][out]</c> so that
/// neighbouring threads read neighbouring floats, and <c>{module}.bias</c>. Immutable after creation.
/// </summary>
public sealed class DeviceLinearLayer : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _weight;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _bias;

    private DeviceLinearLayer(int inFeatures, int outFeatures, MemoryBuffer1D<float, Stride1D.Dense> weight, MemoryBuffer1D<float, Stride1D.Dense> bias)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _weight = weight;
        _bias = bias;
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    internal ArrayView<float> TransposedWeight => _weight.View;

    internal ArrayView<float> Bias => _bias.View;

    /// <summary>Reads <c>{module}.weight</c> [out, in] and <c>{module}.bias</c> [out] and uploads them.</summary>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape; the message names it.</exception>
    /// <exception cref="InsufficientDeviceMemoryException">The device has no room for the weights.</exception>
    public static DeviceLinearLayer Create(Accelerator accelerator, StateDict weights, string module)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(weights);
        Tensor weight = weights.Get(module + ".weight");
        if (weight.Shape.Count != 2)
        {
            throw new InvalidOperationException($"{weights.Source}: the tensor '{module}.weight' has shape {Tensor.FormatShape(weight.Shape)}; expected [out, in].");
        }

        int outFeatures = weight.Shape[0];
        int inFeatures = weight.Shape[1];
        float[] bias = weights.Get(module + ".bias", [outFeatures]).Data;
        var transposed = new float[weight.Data.Length];
        for (int o = 0; o < outFeatures; o++)
        {
            for (int i = 0; i < inFeatures; i++)
            {
                transposed[(i * outFeatures) + o] = weight.Data[(o * inFeatures) + i];
            }
        }

        (MemoryBuffer1D<float, Stride1D.Dense> deviceWeight, MemoryBuffer1D<float, Stride1D.Dense> deviceBias) =
            DeviceMemory.Upload(accelerator, transposed, "the weight of '" + module + "'", bias, "the bias of '" + module + "'");
        return new DeviceLinearLayer(inFeatures, outFeatures, deviceWeight, deviceBias);
    }

    /// <summary>Frees the device memory.</summary>
    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
    }
}
