using System;
using System.Linq;
using ResNetGen.Kernels;
using Xunit;

namespace ResNetGen.Tests.Kernels;

[Collection(nameof(KernelSettingsCollection))]
public sealed class PoolingAndLinearTests
{
    [Theory]
    [InlineData(1, 4, 112, 112)]
    [InlineData(2, 3, 7, 5)]
    [InlineData(2, 64, 15, 15)]
    [InlineData(1, 13, 9, 8)]
    [InlineData(1, 2, 1, 1)]
    [InlineData(1, 1, 2, 3)]
    public void Max_pool_matches_reference_and_padding_never_wins(int batch, int channels, int height, int width)
    {
        var random = new Random(height * width);

        // All-negative input: if padding (zero) ever took part in the max, outputs on the border would be 0.
        float[] input = Reference.RandomFloats(random, batch * channels * height * width).Select(v => -1 - Math.Abs(v)).ToArray();
        int outHeight = ((height + 2 - 3) / 2) + 1;
        int outWidth = ((width + 2 - 3) / 2) + 1;
        var channelsLast = new float[batch * channels * outHeight * outWidth];

        MaxPool.Forward(Reference.ToChannelsLast(input, batch, channels, height, width), channelsLast, batch, channels, height, width, outHeight, outWidth, kernel: 3, stride: 2, padding: 1);
        float[] output = Reference.ToChannelsFirst(channelsLast, batch, channels, outHeight, outWidth);

        double[] expected = Reference.MaxPool(input, batch * channels, height, width, 3, 2, 1);
        Assert.Equal(expected.Select(v => (float)v), output);
        Assert.All(output, v => Assert.True(v < -1));
    }

    [Fact]
    public void Max_pool_propagates_NaN_and_keeps_the_first_of_equal_values_on_every_instruction_set()
    {
        // 75 channels: the 64-wide, 8-wide and one-by-one paths. Channel 0 of every path is all zeros of alternating sign
        // (the window's first zero wins, as torch's `value > max` keeps it); NaNs sit at a few pixels of channels 1 and 2.
        const int Channels = 75, Height = 7, Width = 6;
        int[] zeroChannels = [0, 64, 72];
        float[] input = Reference.RandomFloats(new Random(5), Height * Width * Channels); // channels-last
        for (int p = 0; p < Height * Width; p++)
        {
            foreach (int c in zeroChannels)
            {
                input[(p * Channels) + c] = p % 3 == 0 ? -0f : 0f;
                input[(p * Channels) + c + 1] = p is 8 or 30 ? float.NaN : input[(p * Channels) + c + 1];
            }
        }

        int outHeight = ((Height - 1) / 2) + 1, outWidth = ((Width - 1) / 2) + 1;
        var expected = new float[outHeight * outWidth * Channels];
        for (int oy = 0; oy < outHeight; oy++)
        {
            for (int ox = 0; ox < outWidth; ox++)
            {
                for (int c = 0; c < Channels; c++)
                {
                    float max = float.NegativeInfinity;
                    for (int y = Math.Max((2 * oy) - 1, 0); y <= Math.Min((2 * oy) + 1, Height - 1); y++)
                    {
                        for (int x = Math.Max((2 * ox) - 1, 0); x <= Math.Min((2 * ox) + 1, Width - 1); x++)
                        {
                            float value = input[(((y * Width) + x) * Channels) + c];
                            max = value > max || float.IsNaN(value) ? value : max;
                        }
                    }

                    expected[(((oy * outWidth) + ox) * Channels) + c] = max;
                }
            }
        }

        Assert.Contains(expected, float.IsNaN);
        Assert.Contains(expected, v => v == 0 && float.IsNegative(v));
        Assert.Contains(expected, v => v == 0 && !float.IsNegative(v));
        foreach (KernelInstructionSet set in InstructionSets.Supported)
        {
            float[] output = InstructionSets.Using(set, () =>
            {
                var pooled = new float[expected.Length];
                MaxPool.Forward(input, pooled, 1, Channels, Height, Width, outHeight, outWidth, kernel: 3, stride: 2, padding: 1);
                return pooled;
            });
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(
                    float.IsNaN(expected[i]) ? float.IsNaN(output[i]) : BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(output[i]),
                    $"{set}: output {i} (channel {i % Channels}) is {output[i]}, expected {expected[i]}");
            }
        }
    }

    [Theory]
    [InlineData(1, 2048, 7, 7)]
    [InlineData(2, 5, 3, 1)]
    [InlineData(1, 3, 1, 1)]
    [InlineData(2, 72, 3, 3)] // two blocks of 32 channels summed in registers, then eight one by one
    public void Global_average_pool_is_the_channel_mean(int batch, int channels, int height, int width)
    {
        var random = new Random(channels);
        float[] input = Reference.RandomFloats(random, batch * channels * height * width);
        var output = new float[batch * channels];

        GlobalAveragePool.Forward(Reference.ToChannelsLast(input, batch, channels, height, width), output, batch, channels, height, width);

        int plane = height * width;
        for (int p = 0; p < batch * channels; p++)
        {
            // Summed in double in pixel order and divided, as torch does on the CPU: the same float to the bit.
            double mean = input.Skip(p * plane).Take(plane).Select(v => (double)v).Sum() / plane;
            Assert.Equal(BitConverter.SingleToInt32Bits((float)mean), BitConverter.SingleToInt32Bits(output[p]));
        }
    }

    [Fact]
    public void Channels_last_round_trips()
    {
        float[] input = Reference.RandomFloats(new Random(4), 2 * 3 * 5 * 7);
        var output = new float[input.Length];

        Layout.ToChannelsLast(input, output, 2, 3, 5, 7);

        Assert.Equal(Reference.ToChannelsLast(input, 2, 3, 5, 7), output);
        Assert.Equal(input, Reference.ToChannelsFirst(output, 2, 3, 5, 7));
    }

    [Fact]
    public void Channels_last_writes_a_zero_border()
    {
        float[] input = Reference.RandomFloats(new Random(5), 2 * 3 * 4 * 5);
        float[] output = Enumerable.Repeat(float.NaN, 2 * 3 * 8 * 9).ToArray();

        Layout.ToChannelsLast(input, output, 2, 3, 4, 5, padding: 2);

        for (int n = 0; n < 2; n++)
        {
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 9; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        bool inside = y >= 2 && y < 6 && x >= 2 && x < 7;
                        float expected = inside ? input[(((n * 3) + c) * 20) + ((y - 2) * 5) + (x - 2)] : 0f;
                        Assert.Equal(expected, output[(((((n * 8) + y) * 9) + x) * 3) + c]);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 2048, 1000)]
    [InlineData(3, 13, 7)]
    [InlineData(2, 1, 1)]
    public void Linear_matches_reference(int batch, int inFeatures, int outFeatures)
    {
        var random = new Random(inFeatures + outFeatures);
        var weights = new StateDict("test");
        float[] weight = Reference.RandomFloats(random, outFeatures * inFeatures);
        float[] bias = Reference.RandomFloats(random, outFeatures);
        weights.Add("fc.weight", new Tensor(new[] { outFeatures, inFeatures }, weight));
        weights.Add("fc.bias", new Tensor(new[] { outFeatures }, bias));
        LinearLayer layer = LinearLayer.Create(weights, "fc");
        float[] input = Reference.RandomFloats(random, batch * inFeatures);

        float[]? previous = null;
        foreach (bool scalar in new[] { false, true })
        {
            KernelSettings.ForceScalar = scalar;
            var output = new float[batch * outFeatures];
            try
            {
                Linear.Forward(layer, input, output, batch, inFeatures, outFeatures);
            }
            finally
            {
                KernelSettings.ForceScalar = false;
            }

            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < outFeatures; o++)
                {
                    double sum = bias[o];
                    double magnitude = Math.Abs(bias[o]);
                    for (int i = 0; i < inFeatures; i++)
                    {
                        double term = (double)weight[(o * inFeatures) + i] * input[(n * inFeatures) + i];
                        sum += term;
                        magnitude += Math.Abs(term);
                    }

                    Assert.True(Math.Abs(output[(n * outFeatures) + o] - sum) <= (1e-6 * magnitude) + 1e-7, $"output [{n}, {o}]");
                }
            }

            // The scalar path forms each sum exactly as the vector path does: the same bits.
            if (previous is not null)
            {
                Assert.Equal(previous.Select(BitConverter.SingleToInt32Bits), output.Select(BitConverter.SingleToInt32Bits));
            }

            previous = output;
        }
    }

    /// <summary>
    /// The vector path forms four outputs at once; each must be bit for bit the sum it forms for a single output (the
    /// rows past the last multiple of four): rows 8 and 9 repeat rows 1 and 6, with the same biases, and 37 inputs leave
    /// a tail after the 8-wide steps.
    /// </summary>
    [Fact]
    public void Linear_outputs_formed_four_at_once_equal_those_formed_alone()
    {
        const int In = 37;
        const int Out = 10;
        var random = new Random(5);
        float[] weight = Reference.RandomFloats(random, Out * In);
        float[] bias = Reference.RandomFloats(random, Out);
        Array.Copy(weight, 1 * In, weight, 8 * In, In);
        Array.Copy(weight, 6 * In, weight, 9 * In, In);
        bias[8] = bias[1];
        bias[9] = bias[6];
        var weights = new StateDict("test");
        weights.Add("fc.weight", new Tensor(new[] { Out, In }, weight));
        weights.Add("fc.bias", new Tensor(new[] { Out }, bias));
        float[] input = Reference.RandomFloats(random, 2 * In);
        var output = new float[2 * Out];

        Linear.Forward(LinearLayer.Create(weights, "fc"), input, output, 2, In, Out);

        for (int n = 0; n < 2; n++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(output[(n * Out) + 1]), BitConverter.SingleToInt32Bits(output[(n * Out) + 8]));
            Assert.Equal(BitConverter.SingleToInt32Bits(output[(n * Out) + 6]), BitConverter.SingleToInt32Bits(output[(n * Out) + 9]));
        }
    }
}
