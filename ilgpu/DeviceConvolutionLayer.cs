using System;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Kernels;

namespace ResNetGen.Ilgpu;

/// <summary>
/// A convolution on the device: batch norm folded by the same code as the CPU kernels (so the weights are bit-identical),
/// then uploaded once, as <c>[group][k][output channel in group]</c> with <c>k = (ky x Kernel + kx) x InChannelsPerGroup + input channel</c>,
/// the order <see cref="ConvolutionKernel"/> reads. Immutable after creation: any number of concurrent calls may use it.
/// </summary>
public sealed class DeviceConvolutionLayer : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _weights;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _bias;

    private DeviceConvolutionLayer(string module, int outChannels, int inChannelsPerGroup, int kernel, int groups, MemoryBuffer1D<float, Stride1D.Dense> weights, MemoryBuffer1D<float, Stride1D.Dense> bias)
    {
        Module = module;
        OutChannels = outChannels;
        InChannelsPerGroup = inChannelsPerGroup;
        Kernel = kernel;
        Groups = groups;
        _weights = weights;
        _bias = bias;
    }

    /// <summary>The convolution's torchvision module name.</summary>
    public string Module { get; }

    /// <summary>Output channels (all groups).</summary>
    public int OutChannels { get; }

    /// <summary>Input channels each group reads.</summary>
    public int InChannelsPerGroup { get; }

    /// <summary>Square kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    internal ArrayView<float> Weights => _weights.View;

    internal ArrayView<float> Bias => _bias.View;

    /// <summary>
    /// Reads <c>{convolution}.weight</c> and the batch norm <c>{batchNorm}.*</c>, folds them exactly as
    /// <c>ResNetGen.Kernels.ConvolutionLayer.Fold</c> does, and uploads the result to <paramref name="accelerator"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape; the message names it.</exception>
    /// <exception cref="InsufficientDeviceMemoryException">The device has no room for the weights.</exception>
    public static DeviceConvolutionLayer Fold(Accelerator accelerator, StateDict weights, string convolution, string batchNorm, int groups)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        FoldedConvolution folded = BatchNormFold.Convolution(weights, convolution, batchNorm, groups);
        return Create(accelerator, convolution, folded.Weights, folded.Bias, folded.OutChannels, folded.InChannelsPerGroup, folded.Kernel, groups);
    }

    /// <summary>Uploads OIHW weights (already folded) and a bias.</summary>
    internal static DeviceConvolutionLayer Create(Accelerator accelerator, string module, ReadOnlySpan<float> oihw, float[] bias, int outChannels, int inChannelsPerGroup, int kernel, int groups)
    {
        int perGroup = outChannels / groups;
        int taps = kernel * kernel;
        int reduction = taps * inChannelsPerGroup;
        var packed = new float[oihw.Length];
        for (int o = 0; o < outChannels; o++)
        {
            int group = o / perGroup;
            int channel = o % perGroup;
            for (int c = 0; c < inChannelsPerGroup; c++)
            {
                for (int t = 0; t < taps; t++)
                {
                    int k = (t * inChannelsPerGroup) + c;
                    packed[(((group * reduction) + k) * perGroup) + channel] = oihw[(((o * inChannelsPerGroup) + c) * taps) + t];
                }
            }
        }

        (MemoryBuffer1D<float, Stride1D.Dense> deviceWeights, MemoryBuffer1D<float, Stride1D.Dense> deviceBias) =
            DeviceMemory.Upload(accelerator, packed, "the weights of '" + module + "'", bias, "the bias of '" + module + "'");
        return new DeviceConvolutionLayer(module, outChannels, inChannelsPerGroup, kernel, groups, deviceWeights, deviceBias);
    }

    /// <summary>Frees the device memory.</summary>
    public void Dispose()
    {
        _weights.Dispose();
        _bias.Dispose();
    }
}
