using System;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen.Tests.Networks;

/// <summary>
/// An independent float64 torchvision ResNet for tests: module by module as torchvision's <c>forward</c> runs
/// (convolution, then batch norm unfolded, ReLU, the residual add), following <c>_make_layer</c> directly,
/// sharing nothing with the planner or the kernels.
/// </summary>
internal sealed class ReferenceResNet
{
    private readonly StateDict _weights;
    private readonly bool _bottleneck;
    private readonly int[] _layers;
    private readonly int _groups;
    private readonly int _widthPerGroup;
    private readonly bool[] _dilate;

    public ReferenceResNet(StateDict weights, bool bottleneck, int[] layers, int groups = 1, int widthPerGroup = 64, bool[]? replaceStrideWithDilation = null)
    {
        _weights = weights;
        _bottleneck = bottleneck;
        _layers = layers;
        _groups = groups;
        _widthPerGroup = widthPerGroup;
        _dilate = replaceStrideWithDilation ?? new bool[3];
    }

    private sealed record Map(double[] Data, int Channels, int Height, int Width);

    public double[] Forward(float[] input, int batch, int channels, int height, int width) =>
        PerImage(input, batch, channels, height, width, x => Classify(Features(x)));

    /// <summary>The pooled features <c>fc</c> reads, per image.</summary>
    public double[] ForwardFeatures(float[] input, int batch, int channels, int height, int width) =>
        PerImage(input, batch, channels, height, width, Features);

    private static double[] PerImage(float[] input, int batch, int channels, int height, int width, Func<Map, double[]> run)
    {
        var result = new List<double>();
        int image = channels * height * width;
        for (int n = 0; n < batch; n++)
        {
            result.AddRange(run(new Map(input.Skip(n * image).Take(image).Select(v => (double)v).ToArray(), channels, height, width)));
        }

        return result.ToArray();
    }

    private double[] Features(Map x)
    {
        x = Relu(BatchNorm(Conv(x, "conv1", 2, 3, 1, 1), "bn1"));
        x = MaxPool(x);
        int inplanes = 64;
        int dilation = 1;
        int expansion = _bottleneck ? 4 : 1;
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = 64 << stage;
            int stride = stage == 0 ? 1 : 2;
            int previousDilation = dilation;
            if (stage > 0 && _dilate[stage - 1])
            {
                dilation *= stride;
                stride = 1;
            }

            for (int b = 0; b < _layers[stage]; b++)
            {
                string name = $"layer{stage + 1}.{b}";
                bool first = b == 0;
                bool downsample = first && (stride != 1 || inplanes != planes * expansion);
                x = _bottleneck
                    ? Bottleneck(x, name, planes, first ? stride : 1, first ? previousDilation : dilation, downsample)
                    : Basic(x, name, first ? stride : 1, downsample);
                inplanes = planes * expansion;
            }
        }

        double[] pooled = new double[x.Channels];
        int plane = x.Height * x.Width;
        for (int c = 0; c < x.Channels; c++)
        {
            pooled[c] = x.Data.Skip(c * plane).Take(plane).Average();
        }

        return pooled;
    }

    private double[] Classify(double[] pooled)
    {
        Tensor weight = _weights.Get("fc.weight");
        Tensor bias = _weights.Get("fc.bias");
        int classes = weight.Shape[0];
        var logits = new double[classes];
        for (int o = 0; o < classes; o++)
        {
            double sum = bias.Data[o];
            for (int i = 0; i < pooled.Length; i++)
            {
                sum += weight.Data[(o * pooled.Length) + i] * pooled[i];
            }

            logits[o] = sum;
        }

        return logits;
    }

    private Map Basic(Map x, string name, int stride, bool downsample)
    {
        Map identity = x;
        Map output = Relu(BatchNorm(Conv(x, name + ".conv1", stride, 1, 1, 1), name + ".bn1"));
        output = BatchNorm(Conv(output, name + ".conv2", 1, 1, 1, 1), name + ".bn2");
        if (downsample)
        {
            identity = BatchNorm(Conv(x, name + ".downsample.0", stride, 0, 1, 1), name + ".downsample.1");
        }

        return Relu(Add(output, identity));
    }

    private Map Bottleneck(Map x, string name, int planes, int stride, int dilation, bool downsample)
    {
        Map identity = x;
        Map output = Relu(BatchNorm(Conv(x, name + ".conv1", 1, 0, 1, 1), name + ".bn1"));
        output = Relu(BatchNorm(Conv(output, name + ".conv2", stride, dilation, dilation, _groups), name + ".bn2"));
        output = BatchNorm(Conv(output, name + ".conv3", 1, 0, 1, 1), name + ".bn3");
        if (downsample)
        {
            identity = BatchNorm(Conv(x, name + ".downsample.0", stride, 0, 1, 1), name + ".downsample.1");
        }

        _ = planes * _widthPerGroup; // The width is implied by the weights' shapes.
        return Relu(Add(output, identity));
    }

    private Map Conv(Map x, string name, int stride, int padding, int dilation, int groups)
    {
        Tensor weight = _weights.Get(name + ".weight");
        int outChannels = weight.Shape[0];
        int inPerGroup = weight.Shape[1];
        int kernel = weight.Shape[2];
        if (inPerGroup * groups != x.Channels)
        {
            throw new InvalidOperationException($"{name}: weight expects {inPerGroup * groups} input channels, the map has {x.Channels}");
        }

        int outHeight = ((x.Height + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        int outWidth = ((x.Width + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        int outPerGroup = outChannels / groups;
        var output = new double[outChannels * outHeight * outWidth];
        for (int o = 0; o < outChannels; o++)
        {
            int group = o / outPerGroup;
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    double sum = 0;
                    for (int i = 0; i < inPerGroup; i++)
                    {
                        int channel = (group * inPerGroup) + i;
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            int y = (oy * stride) - padding + (ky * dilation);
                            if (y < 0 || y >= x.Height)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int xx = (ox * stride) - padding + (kx * dilation);
                                if (xx >= 0 && xx < x.Width)
                                {
                                    sum += weight.Data[(((((o * inPerGroup) + i) * kernel) + ky) * kernel) + kx] * x.Data[(((channel * x.Height) + y) * x.Width) + xx];
                                }
                            }
                        }
                    }

                    output[(((o * outHeight) + oy) * outWidth) + ox] = sum;
                }
            }
        }

        return new Map(output, outChannels, outHeight, outWidth);
    }

    private Map BatchNorm(Map x, string name)
    {
        float[] gamma = _weights.Get(name + ".weight").Data;
        float[] beta = _weights.Get(name + ".bias").Data;
        float[] mean = _weights.Get(name + ".running_mean").Data;
        float[] variance = _weights.Get(name + ".running_var").Data;
        int plane = x.Height * x.Width;
        var output = new double[x.Data.Length];
        for (int c = 0; c < x.Channels; c++)
        {
            for (int i = 0; i < plane; i++)
            {
                output[(c * plane) + i] = ((x.Data[(c * plane) + i] - mean[c]) / Math.Sqrt(variance[c] + 1e-5) * gamma[c]) + beta[c];
            }
        }

        return x with { Data = output };
    }

    private static Map Relu(Map x) => x with { Data = x.Data.Select(v => Math.Max(v, 0)).ToArray() };

    private static Map Add(Map a, Map b) => a with { Data = a.Data.Zip(b.Data, (p, q) => p + q).ToArray() };

    private static Map MaxPool(Map x)
    {
        int outHeight = ((x.Height + 2 - 3) / 2) + 1;
        int outWidth = ((x.Width + 2 - 3) / 2) + 1;
        var output = new double[x.Channels * outHeight * outWidth];
        for (int c = 0; c < x.Channels; c++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    double max = double.NegativeInfinity;
                    for (int y = (oy * 2) - 1; y < (oy * 2) + 2; y++)
                    {
                        for (int xx = (ox * 2) - 1; xx < (ox * 2) + 2; xx++)
                        {
                            if (y >= 0 && y < x.Height && xx >= 0 && xx < x.Width)
                            {
                                max = Math.Max(max, x.Data[(((c * x.Height) + y) * x.Width) + xx]);
                            }
                        }
                    }

                    output[(((c * outHeight) + oy) * outWidth) + ox] = max;
                }
            }
        }

        return new Map(output, x.Channels, outHeight, outWidth);
    }
}
