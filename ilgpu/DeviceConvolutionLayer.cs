using System;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Kernels;

namespace ResNetGen.Ilgpu;

/// <summary>
/// A convolution on the device: batch norm folded by the same code as the CPU kernels (so the weights are bit-identical),
/// then uploaded once, as <c>[group][k][output channel in group]</c> with <c>k = (ky x Kernel + kx) x InChannelsPerGroup + input channel</c>,
/// the order <see cref="ConvolutionKernel"/> reads, each row of output channels padded with zeros to a whole number of
/// 16-byte quads (so every row starts aligned and the kernel reads weights four at a time). Immutable after creation: any
/// number of concurrent calls may use it.
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

    /// <summary>Square kernel size the layer runs with: the live taps per axis when some were left out.</summary>
    public int Kernel { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The packed weights: rows of <c>ceil(OutChannels / Groups / 4)</c> quads.</summary>
    internal ArrayView<float> Weights => _weights.View;

    internal ArrayView<float> Bias => _bias.View;

    /// <summary>
    /// Reads <c>{convolution}.weight</c> and the batch norm <c>{batchNorm}.*</c>, folds them exactly as
    /// <c>ResNetGen.Kernels.ConvolutionLayer.Fold</c> does, and uploads the result to <paramref name="accelerator"/>.
    /// </summary>
    /// <param name="accelerator">The device.</param>
    /// <param name="weights">The state_dict.</param>
    /// <param name="convolution">The convolution's module name, e.g. <c>layer1.0.conv1</c>.</param>
    /// <param name="batchNorm">The batch norm's module name, e.g. <c>layer1.0.bn1</c>.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="firstTap">The first kernel tap (of each axis) the layer keeps; 0 with <paramref name="taps"/> 0 keeps the whole kernel.</param>
    /// <param name="taps">
    /// How many taps per axis the layer keeps, from <paramref name="firstTap"/>; 0 for the whole kernel. The device schedule
    /// keeps fewer when the others read only padding on every output pixel, as the CPU schedule does; the layer then runs as
    /// a <c>taps x taps</c> convolution with its padding reduced by the taps left out before <paramref name="firstTap"/>
    /// (times the dilation), and its reduction walks only the live taps.
    /// </param>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The taps kept do not lie inside the kernel.</exception>
    /// <exception cref="InsufficientDeviceMemoryException">The device has no room for the weights.</exception>
    public static DeviceConvolutionLayer Fold(Accelerator accelerator, StateDict weights, string convolution, string batchNorm, int groups, int firstTap = 0, int taps = 0)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        FoldedConvolution folded = BatchNormFold.Convolution(weights, convolution, batchNorm, groups);
        if (taps == 0 && firstTap == 0)
        {
            taps = folded.Kernel;
        }

        if (firstTap < 0 || taps < 1 || firstTap + taps > folded.Kernel)
        {
            throw new ArgumentOutOfRangeException(
                nameof(taps), $"Taps {firstTap} to {firstTap + taps - 1} do not lie inside the {folded.Kernel}x{folded.Kernel} kernel of '{convolution}'.");
        }

        return Create(accelerator, convolution, folded.Weights, folded.Bias, folded.OutChannels, folded.InChannelsPerGroup, folded.Kernel, groups, firstTap, taps);
    }

    /// <summary>
    /// Uploads OIHW weights (already folded) and a bias, keeping the <paramref name="taps"/> x <paramref name="taps"/> window
    /// from <paramref name="firstTap"/> of each filter (the whole kernel by default).
    /// </summary>
    internal static DeviceConvolutionLayer Create(
        Accelerator accelerator, string module, ReadOnlySpan<float> oihw, float[] bias, int outChannels, int inChannelsPerGroup, int kernel, int groups, int firstTap = 0, int taps = 0)
    {
        int window = taps == 0 ? kernel : taps;
        int perGroup = outChannels / groups;
        int rowLength = (perGroup + 3) / 4 * 4;
        int reduction = window * window * inChannelsPerGroup;
        var packed = new float[groups * reduction * rowLength];
        for (int o = 0; o < outChannels; o++)
        {
            int group = o / perGroup;
            int channel = o % perGroup;
            for (int c = 0; c < inChannelsPerGroup; c++)
            {
                for (int t = 0; t < window * window; t++)
                {
                    int k = (t * inChannelsPerGroup) + c;
                    int tap = ((firstTap + (t / window)) * kernel) + firstTap + (t % window);
                    packed[(((group * reduction) + k) * rowLength) + channel] = oihw[(((o * inChannelsPerGroup) + c) * kernel * kernel) + tap];
                }
            }
        }

        (MemoryBuffer1D<float, Stride1D.Dense> deviceWeights, MemoryBuffer1D<float, Stride1D.Dense> deviceBias) =
            DeviceMemory.Upload(accelerator, packed, "the weights of '" + module + "'", bias, "the bias of '" + module + "'");
        return new DeviceConvolutionLayer(module, outChannels, inChannelsPerGroup, window, groups, deviceWeights, deviceBias);
    }

    /// <summary>Frees the device memory.</summary>
    public void Dispose()
    {
        _weights.Dispose();
        _bias.Dispose();
    }
}
