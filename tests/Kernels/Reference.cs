using System;

namespace ResNetGen.Tests.Kernels;

/// <summary>Plain float64 implementations of the layers, written for clarity, used as the ground truth.</summary>
internal static class Reference
{
    /// <summary>
    /// Convolution of NCHW input with OIHW weights (O x I/groups x k x k), plus bias; also returns, per output,
    /// the sum of |w x| over its terms, which bounds the float32 rounding error.
    /// </summary>
    public static (double[] Output, double[] Magnitude) Convolution(
        float[] input, int batch, int inChannels, int height, int width,
        float[] weights, float[] bias, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        int outHeight = ((height + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        int outWidth = ((width + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        int inPerGroup = inChannels / groups;
        int outPerGroup = outChannels / groups;
        var output = new double[batch * outChannels * outHeight * outWidth];
        var magnitude = new double[output.Length];
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outChannels; o++)
            {
                int group = o / outPerGroup;
                for (int oy = 0; oy < outHeight; oy++)
                {
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        double sum = bias[o];
                        double abs = Math.Abs(bias[o]);
                        for (int i = 0; i < inPerGroup; i++)
                        {
                            int channel = (group * inPerGroup) + i;
                            for (int ky = 0; ky < kernel; ky++)
                            {
                                for (int kx = 0; kx < kernel; kx++)
                                {
                                    int y = (oy * stride) - padding + (ky * dilation);
                                    int x = (ox * stride) - padding + (kx * dilation);
                                    if (y < 0 || y >= height || x < 0 || x >= width)
                                    {
                                        continue;
                                    }

                                    double term = (double)weights[(((o * inPerGroup) + i) * kernel + ky) * kernel + kx]
                                        * input[(((n * inChannels) + channel) * height + y) * width + x];
                                    sum += term;
                                    abs += Math.Abs(term);
                                }
                            }
                        }

                        int index = (((n * outChannels) + o) * outHeight + oy) * outWidth + ox;
                        output[index] = sum;
                        magnitude[index] = abs;
                    }
                }
            }
        }

        return (output, magnitude);
    }

    public static double[] MaxPool(float[] input, int planes, int height, int width, int kernel, int stride, int padding)
    {
        int outHeight = ((height + (2 * padding) - kernel) / stride) + 1;
        int outWidth = ((width + (2 * padding) - kernel) / stride) + 1;
        var output = new double[planes * outHeight * outWidth];
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    double max = double.NegativeInfinity;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            int y = (oy * stride) - padding + ky;
                            int x = (ox * stride) - padding + kx;
                            if (y >= 0 && y < height && x >= 0 && x < width)
                            {
                                max = Math.Max(max, input[(((p * height) + y) * width) + x]);
                            }
                        }
                    }

                    output[(((p * outHeight) + oy) * outWidth) + ox] = max;
                }
            }
        }

        return output;
    }

    /// <summary>NCHW → NHWC.</summary>
    public static float[] ToChannelsLast(float[] nchw, int batch, int channels, int height, int width)
    {
        var nhwc = new float[nchw.Length];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < height * width; p++)
                {
                    nhwc[(((n * height * width) + p) * channels) + c] = nchw[(((n * channels) + c) * height * width) + p];
                }
            }
        }

        return nhwc;
    }

    /// <summary>NHWC → NCHW.</summary>
    public static float[] ToChannelsFirst(float[] nhwc, int batch, int channels, int height, int width)
    {
        var nchw = new float[nhwc.Length];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < height * width; p++)
                {
                    nchw[(((n * channels) + c) * height * width) + p] = nhwc[(((n * height * width) + p) * channels) + c];
                }
            }
        }

        return nchw;
    }

    public static float[] RandomFloats(Random random, int count, double scale = 1.0)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        return values;
    }
}
