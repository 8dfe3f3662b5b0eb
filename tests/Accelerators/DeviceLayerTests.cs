using System;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Ilgpu;
using ResNetGen.Tests.Kernels;
using Xunit;

namespace ResNetGen.Tests.Accelerators;

/// <summary>The layout, pooling and classifier kernels on ILGPU's CPU accelerator against float64 references.</summary>
[Collection(AcceleratorCollection.Name)]
public sealed class DeviceLayerTests
{
    private readonly Accelerator _accelerator;
    private readonly DeviceKernels _kernels;

    public DeviceLayerTests(CpuAcceleratorFixture fixture)
    {
        _accelerator = fixture.Accelerator;
        _kernels = DeviceKernels.For(_accelerator);
    }

    [Theory]
    [InlineData(1, 3, 5, 7, 3)]
    [InlineData(2, 4, 6, 3, 0)]
    [InlineData(1, 1, 1, 1, 2)]
    public void To_channels_last_writes_nhwc_inside_a_zero_border(int batch, int channels, int height, int width, int padding)
    {
        float[] nchw = Reference.RandomFloats(new Random(batch + channels + height), batch * channels * height * width);
        int paddedHeight = height + (2 * padding);
        int paddedWidth = width + (2 * padding);
        using var source = _accelerator.Allocate1D(nchw);
        using var destination = _accelerator.Allocate1D(Enumerable.Repeat(float.NaN, batch * paddedHeight * paddedWidth * channels).ToArray());

        _kernels.ToChannelsLast(_accelerator.DefaultStream, source.View, destination.View, batch, channels, height, width, padding);
        float[] actual = destination.GetAsArray1D();

        for (int n = 0; n < batch; n++)
        {
            for (int y = 0; y < paddedHeight; y++)
            {
                for (int x = 0; x < paddedWidth; x++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int iy = y - padding;
                        int ix = x - padding;
                        float expected = iy >= 0 && iy < height && ix >= 0 && ix < width ? nchw[(((((n * channels) + c) * height) + iy) * width) + ix] : 0f;
                        Assert.Equal(expected, actual[(((((n * paddedHeight) + y) * paddedWidth) + x) * channels) + c]);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 5, 9, 11, 3, 2, 1)]   // torchvision's stem pool on an odd map
    [InlineData(2, 3, 4, 4, 3, 2, 1)]    // batch 2
    [InlineData(1, 2, 1, 1, 3, 2, 1)]    // a 1x1 map: only the centre is not padding
    [InlineData(1, 4, 7, 6, 2, 2, 0)]    // 2x2 stride 2, unpadded
    public void Max_pool_matches_reference(int batch, int channels, int height, int width, int kernel, int stride, int padding)
    {
        int outHeight = ((height + (2 * padding) - kernel) / stride) + 1;
        int outWidth = ((width + (2 * padding) - kernel) / stride) + 1;
        float[] nchw = Reference.RandomFloats(new Random(height * width), batch * channels * height * width);
        nchw = nchw.Select(v => v - 3f).ToArray(); // all negative: a padded zero winning the max would show
        using var source = _accelerator.Allocate1D(Reference.ToChannelsLast(nchw, batch, channels, height, width));
        using var destination = _accelerator.Allocate1D<float>(batch * channels * outHeight * outWidth);

        _kernels.MaxPool(_accelerator.DefaultStream, source.View, destination.View, batch, channels, height, width, outHeight, outWidth, kernel, stride, padding);

        float[] actual = Reference.ToChannelsFirst(destination.GetAsArray1D(), batch, channels, outHeight, outWidth);
        double[] expected = Reference.MaxPool(nchw, batch * channels, height, width, kernel, stride, padding);
        Assert.Equal(expected.Select(v => (float)v).ToArray(), actual);
    }

    [Fact]
    public void Max_pool_propagates_NaN()
    {
        float[] nhwc = { 1f, float.NaN, 2f, 3f }; // 2x2, one channel
        using var source = _accelerator.Allocate1D(nhwc);
        using var destination = _accelerator.Allocate1D<float>(1);
        _kernels.MaxPool(_accelerator.DefaultStream, source.View, destination.View, 1, 1, 2, 2, 1, 1, 2, 2, 0);
        Assert.True(float.IsNaN(destination.GetAsArray1D()[0]));
    }

    [Theory]
    [InlineData(1, 7, 3, 5)]
    [InlineData(2, 16, 1, 1)]
    [InlineData(3, 33, 4, 4)]
    public void Global_average_pool_matches_reference(int batch, int channels, int height, int width)
    {
        float[] nhwc = Reference.RandomFloats(new Random(channels), batch * height * width * channels);
        using var source = _accelerator.Allocate1D(nhwc);
        using var destination = _accelerator.Allocate1D<float>(batch * channels);

        _kernels.GlobalAveragePool(_accelerator.DefaultStream, source.View, destination.View, batch, channels, height, width);

        float[] actual = destination.GetAsArray1D();
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                double mean = Enumerable.Range(0, height * width).Average(p => (double)nhwc[(((n * height * width) + p) * channels) + c]);
                Assert.Equal((float)mean, actual[(n * channels) + c]);
            }
        }
    }

    [Theory]
    [InlineData(1, 64, 10)]
    [InlineData(2, 37, 5)]
    public void Linear_matches_reference(int batch, int inFeatures, int outFeatures)
    {
        var random = new Random(inFeatures);
        float[] weight = Reference.RandomFloats(random, outFeatures * inFeatures);
        float[] bias = Reference.RandomFloats(random, outFeatures);
        float[] x = Reference.RandomFloats(random, batch * inFeatures);
        var weights = new StateDict();
        weights.Add("fc.weight", new Tensor(new[] { outFeatures, inFeatures }, weight));
        weights.Add("fc.bias", new Tensor(new[] { outFeatures }, bias));
        using DeviceLinearLayer layer = DeviceLinearLayer.Create(_accelerator, weights, "fc");
        using var source = _accelerator.Allocate1D(x);
        using var destination = _accelerator.Allocate1D<float>(batch * outFeatures);

        _kernels.Linear(_accelerator.DefaultStream, layer, source.View, destination.View, batch, inFeatures, outFeatures);

        float[] actual = destination.GetAsArray1D();
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double sum = bias[o];
                double magnitude = Math.Abs(bias[o]);
                for (int i = 0; i < inFeatures; i++)
                {
                    sum += (double)weight[(o * inFeatures) + i] * x[(n * inFeatures) + i];
                    magnitude += Math.Abs((double)weight[(o * inFeatures) + i] * x[(n * inFeatures) + i]);
                }

                Assert.True(Math.Abs(actual[(n * outFeatures) + o] - sum) <= (1e-6 * magnitude) + 1e-7, $"output {n},{o}: {actual[(n * outFeatures) + o]} vs {sum}");
            }
        }
    }

    [Fact]
    public void Kernels_are_compiled_once_per_accelerator()
    {
        Assert.Same(_kernels, DeviceKernels.For(_accelerator));
    }
}
