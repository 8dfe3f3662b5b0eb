using System;
using System.Collections.Generic;
using ResNetGen.Kernels;
using ResNetGen.Planning;

namespace ResNetGen.Dynamic;

/// <summary>
/// A torchvision-style module: a virtual <see cref="Forward"/> that works out its output shape from its input at
/// run time and returns a new map, as eager frameworks do. The building blocks of <see cref="DynamicResNet"/>'s
/// eager mode, which exists to measure what the generated, unrolled code saves.
/// </summary>
public abstract class Module
{
    /// <summary>Computes this module's output.</summary>
    public abstract FeatureMap Forward(FeatureMap input);
}

/// <summary><c>nn.Conv2d(bias=False)</c>: the convolution alone, through the same kernel the generated code uses.</summary>
public sealed class Conv2d : Module
{
    private readonly ConvolutionLayer _layer;

    /// <summary>Packs <c>{name}.weight</c> from <paramref name="weights"/> with a zero bias (batch norm is a separate module here).</summary>
    public Conv2d(StateDict weights, string name, int stride, int padding, int dilation, int groups)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Tensor weight = weights.Get(name + ".weight");
        _layer = ConvolutionLayer.Create(weight.Data, new float[weight.Shape[0]], weight.Shape[0], weight.Shape[1], weight.Shape[2], groups);
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
    }

    /// <summary>Stride in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <inheritdoc/>
    public override FeatureMap Forward(FeatureMap input)
    {
        int kernel = _layer.Kernel;
        int height = FeatureShape.OutputSize(input.Height, kernel, Stride, Padding, Dilation);
        int width = FeatureShape.OutputSize(input.Width, kernel, Stride, Padding, Dilation);
        var output = new FeatureMap(input.Batch, _layer.OutChannels, height, width);
        var geometry = new ConvolutionGeometry(input.Batch, input.Channels, input.Height, input.Width, _layer.OutChannels, height, width, kernel, Stride, Padding, Dilation, Groups);
        var algorithm = (Kernels.ConvolutionAlgorithm)CpuTuning.ChooseDirect(input.Channels, kernel, Stride, Padding, Dilation, Groups);
        Convolution.Forward<Bias>(_layer, geometry, algorithm, input.Data, output.Data, default);
        return output;
    }
}

/// <summary><c>nn.BatchNorm2d</c> in eval mode: <c>(x - mean) / sqrt(var + eps) * weight + bias</c>, as its own pass.</summary>
public sealed class BatchNorm2d : Module
{
    private readonly float[] _scale;
    private readonly float[] _shift;

    /// <summary>Reads <c>{name}.weight/.bias/.running_mean/.running_var</c>.</summary>
    public BatchNorm2d(StateDict weights, string name)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double[] scale = BatchNormFold.Channels(weights, name, channels: -1, out _shift);
        _scale = new float[scale.Length];
        for (int c = 0; c < scale.Length; c++)
        {
            _scale[c] = (float)scale[c];
        }
    }

    /// <inheritdoc/>
    public override FeatureMap Forward(FeatureMap input)
    {
        var output = new FeatureMap(input.Batch, input.Channels, input.Height, input.Width);
        float[] x = input.Data;
        float[] y = output.Data;
        int channels = input.Channels;
        for (int i = 0; i < x.Length; i += channels)
        {
            for (int c = 0; c < channels; c++)
            {
                y[i + c] = (x[i + c] * _scale[c]) + _shift[c];
            }
        }

        return output;
    }
}

/// <summary><c>nn.ReLU</c>, into a new map.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override FeatureMap Forward(FeatureMap input)
    {
        var output = new FeatureMap(input.Batch, input.Channels, input.Height, input.Width);
        for (int i = 0; i < input.Data.Length; i++)
        {
            output.Data[i] = BiasRelu.Relu(input.Data[i]);
        }

        return output;
    }
}

/// <summary><c>nn.MaxPool2d(kernel_size, stride, padding)</c>.</summary>
public sealed class MaxPool2d(int kernel, int stride, int padding) : Module
{
    /// <inheritdoc/>
    public override FeatureMap Forward(FeatureMap input)
    {
        int height = FeatureShape.OutputSize(input.Height, kernel, stride, padding, dilation: 1);
        int width = FeatureShape.OutputSize(input.Width, kernel, stride, padding, dilation: 1);
        var output = new FeatureMap(input.Batch, input.Channels, height, width);
        MaxPool.Forward(input.Data, output.Data, input.Batch, input.Channels, input.Height, input.Width, height, width, kernel, stride, padding);
        return output;
    }
}

/// <summary><c>nn.AdaptiveAvgPool2d((1, 1))</c>.</summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <inheritdoc/>
    public override FeatureMap Forward(FeatureMap input)
    {
        var output = new FeatureMap(input.Batch, input.Channels, 1, 1);
        GlobalAveragePool.Forward(input.Data, output.Data, input.Batch, input.Channels, input.Height, input.Width);
        return output;
    }
}

/// <summary><c>nn.Linear</c> on the flattened 1x1 map.</summary>
public sealed class Linear : Module
{
    private readonly LinearLayer _layer;

    /// <summary>Reads <c>{name}.weight</c> and <c>{name}.bias</c>.</summary>
    public Linear(StateDict weights, string name) => _layer = LinearLayer.Create(weights, name);

    /// <inheritdoc/>
    public override FeatureMap Forward(FeatureMap input)
    {
        var output = new FeatureMap(input.Batch, _layer.OutFeatures, 1, 1);
        Kernels.Linear.Forward(_layer, input.Data, output.Data, input.Batch, _layer.InFeatures, _layer.OutFeatures);
        return output;
    }
}

/// <summary><c>nn.Sequential</c>: runs its modules in order.</summary>
public sealed class Sequential(IReadOnlyList<Module> modules) : Module
{
    /// <summary>The modules, in order.</summary>
    public IReadOnlyList<Module> Modules { get; } = modules;

    /// <inheritdoc/>
    public override FeatureMap Forward(FeatureMap input)
    {
        foreach (Module module in Modules)
        {
            input = module.Forward(input);
        }

        return input;
    }
}

/// <summary>A residual block's shared shape: a main branch, an optional downsample, the add and the final ReLU.</summary>
public abstract class ResidualBlock : Module
{
    private readonly ReLU _relu = new();

    /// <summary>The shortcut's projection, or null for the identity.</summary>
    public Module? Downsample { get; init; }

    /// <summary>The block's convolutions and norms up to (not including) the residual add.</summary>
    protected abstract FeatureMap Branch(FeatureMap input);

    /// <inheritdoc/>
    public sealed override FeatureMap Forward(FeatureMap input)
    {
        FeatureMap output = Branch(input);
        FeatureMap identity = Downsample is null ? input : Downsample.Forward(input);
        var sum = new FeatureMap(output.Batch, output.Channels, output.Height, output.Width);
        for (int i = 0; i < sum.Data.Length; i++)
        {
            sum.Data[i] = output.Data[i] + identity.Data[i];
        }

        return _relu.Forward(sum);
    }
}

/// <summary>torchvision's <c>BasicBlock</c>: conv3x3-bn-relu-conv3x3-bn, plus the shortcut, then ReLU.</summary>
public sealed class BasicBlock(Conv2d conv1, BatchNorm2d bn1, Conv2d conv2, BatchNorm2d bn2) : ResidualBlock
{
    private readonly ReLU _relu = new();

    /// <inheritdoc/>
    protected override FeatureMap Branch(FeatureMap input) =>
        bn2.Forward(conv2.Forward(_relu.Forward(bn1.Forward(conv1.Forward(input)))));
}

/// <summary>torchvision's <c>Bottleneck</c>: conv1x1-bn-relu-conv3x3-bn-relu-conv1x1-bn, plus the shortcut, then ReLU.</summary>
public sealed class Bottleneck(Conv2d conv1, BatchNorm2d bn1, Conv2d conv2, BatchNorm2d bn2, Conv2d conv3, BatchNorm2d bn3) : ResidualBlock
{
    private readonly ReLU _relu = new();

    /// <inheritdoc/>
    protected override FeatureMap Branch(FeatureMap input) =>
        bn3.Forward(conv3.Forward(_relu.Forward(bn2.Forward(conv2.Forward(_relu.Forward(bn1.Forward(conv1.Forward(input))))))));
}
