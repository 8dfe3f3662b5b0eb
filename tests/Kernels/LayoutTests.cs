using System;
using System.Linq;
using ResNetGen.Kernels;
using Xunit;

namespace ResNetGen.Tests.Kernels;

/// <summary>
/// <see cref="Layout.ToChannelsLast"/> against a plain index-by-index copy, on every instruction set this machine runs:
/// widths around the AVX-512 path's 16 pixels, RGB and other channel counts, with and without a zero border. The
/// destination starts filled with NaN, so a border the kernel fails to clear, or a pixel it skips, shows.
/// </summary>
[Collection(nameof(KernelSettingsCollection))]
public sealed class LayoutTests
{
    public static TheoryData<KernelInstructionSet, int, int, int, int, int> Cases()
    {
        var data = new TheoryData<KernelInstructionSet, int, int, int, int, int>();
        foreach (KernelInstructionSet set in InstructionSets.Supported)
        {
            data.Add(set, 1, 3, 4, 15, 0);
            data.Add(set, 2, 3, 5, 16, 3);
            data.Add(set, 1, 3, 3, 17, 1);
            data.Add(set, 1, 3, 7, 72, 3);
            data.Add(set, 1, 3, 2, 224, 3);
            data.Add(set, 2, 1, 3, 33, 2);
            data.Add(set, 1, 4, 5, 16, 1);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Channels_last_matches_an_index_by_index_copy(KernelInstructionSet set, int batch, int channels, int height, int width, int padding)
    {
        var random = new Random((height * 1000) + width);
        float[] input = Reference.RandomFloats(random, batch * channels * height * width);
        int paddedHeight = height + (2 * padding);
        int paddedWidth = width + (2 * padding);
        var output = new float[batch * paddedHeight * paddedWidth * channels];
        Array.Fill(output, float.NaN);

        InstructionSets.Using(set, () => Layout.ToChannelsLast(input, output, batch, channels, height, width, padding));

        var expected = new float[output.Length];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int target = ((((n * paddedHeight) + y + padding) * paddedWidth) + x + padding) * channels;
                        expected[target + c] = input[(((((n * channels) + c) * height) + y) * width) + x];
                    }
                }
            }
        }

        Assert.Equal(expected, output);
    }

    [Fact]
    public void Too_short_spans_are_refused_with_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Layout.ToChannelsLast(new float[10], new float[100], 1, 3, 2, 2));
        Assert.Contains("source 10 (needs 12)", error.Message);
    }
}
