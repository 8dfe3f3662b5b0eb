using System;
using System.Linq;
using ResNetGen.Kernels;
using ResNetGen.Planning;
using Xunit;

namespace ResNetGen.Tests.Kernels;

/// <summary>
/// Convolutions on maps so small that some kernel taps read only padding: the window of live taps the planner finds,
/// and a layer folded with only those taps against the whole kernel, bit for bit.
/// </summary>
[Collection(nameof(KernelSettingsCollection))]
public sealed class LiveTapsTests
{
    // in size, out size, kernel, stride, padding, dilation → first live tap, live taps, padding to run with
    [Theory]
    [InlineData(1, 1, 3, 1, 1, 1, 1, 1, 0)]   // 3x3 on a 1x1 map: the centre tap alone
    [InlineData(2, 1, 3, 2, 1, 1, 1, 2, 0)]   // 3x3 stride 2 from 2x2 to 1x1: the lower right 2x2
    [InlineData(2, 2, 3, 1, 2, 2, 1, 1, 0)]   // dilation 2 on a 2x2 map: the centre tap alone
    [InlineData(2, 2, 3, 1, 1, 1, 0, 3, 1)]   // 3x3 on a 2x2 map: every tap reads inside for some pixel
    [InlineData(56, 56, 3, 1, 1, 1, 0, 3, 1)] // large maps keep the whole kernel
    [InlineData(4, 2, 3, 2, 1, 1, 0, 3, 1)]
    [InlineData(1, 1, 1, 1, 0, 1, 0, 1, 0)]   // 1x1 kernels have nothing to leave out
    [InlineData(3, 2, 7, 2, 3, 1, 1, 5, 2)]   // a 7x7 stride-2 stem on a 3x3 image: the middle 5x5
    [InlineData(1, 1, 7, 2, 3, 1, 3, 1, 0)]   // ... and on a single pixel: the centre tap
    public void The_live_window_holds_exactly_the_taps_that_read_inside_the_map(
        int inSize, int outSize, int kernel, int stride, int padding, int dilation, int first, int count, int runPadding)
    {
        Assert.Equal(outSize, FeatureShape.OutputSize(inSize, kernel, stride, padding, dilation));
        var input = new FeatureShape(8, inSize, inSize);
        var output = new FeatureShape(8, outSize, outSize);

        TapWindow window = TapWindow.Of(input, output, kernel, stride, padding, dilation);

        Assert.Equal(new TapWindow(first, count, runPadding), window);
        for (int tap = 0; tap < kernel; tap++)
        {
            bool reads = Enumerable.Range(0, outSize).Any(o => (uint)((o * stride) - padding + (tap * dilation)) < (uint)inSize);
            Assert.Equal(reads, tap >= first && tap < first + count);
        }
    }

    [Fact]
    public void Resnet50_at_32x32_runs_layer4s_3x3_convolutions_on_their_live_taps_only()
    {
        CpuSchedule plan = ResNetGen.Dynamic.DynamicResNet.Schedule(new ResNetAttribute(Block.Bottleneck, 3, 4, 6, 3) { InputHeight = 32, InputWidth = 32 });
        var convolutions = plan.Graph.Ops.OfType<ConvolutionOp>().ToDictionary(c => c.Module);
        var scheduled = plan.Convolutions.ToDictionary(c => c.Module);

        Assert.Equal(new TapWindow(1, 2, 0), scheduled["layer4.0.conv2"].Taps);
        Assert.Equal(ResNetGen.Planning.ConvolutionAlgorithm.Rows, scheduled["layer4.0.conv2"].Algorithm);
        Assert.Equal(new TapWindow(1, 1, 0), scheduled["layer4.1.conv2"].Taps);
        Assert.Equal(ResNetGen.Planning.ConvolutionAlgorithm.PackedPointwise, scheduled["layer4.1.conv2"].Algorithm);
        Assert.Equal(TapWindow.Whole(3, 1), scheduled["layer3.1.conv2"].Taps);
        Assert.Equal(3, convolutions["layer4.1.conv2"].Kernel); // torchvision's kernel, for the weights and the counts
        Assert.Equal(512L * 512 * 3 * 3, convolutions["layer4.1.conv2"].MultiplyAccumulates);

        CpuSchedule full = ResNetGen.Dynamic.DynamicResNet.Schedule(new ResNetAttribute(Block.Bottleneck, 3, 4, 6, 3));
        Assert.All(full.Graph.Ops.OfType<ConvolutionOp>(), c => Assert.Equal(TapWindow.Whole(c.Kernel, c.Padding), full.Of(c).Taps));
    }

    // channels in, channels out, groups, in size, stride, dilation (kernel 3, padding = dilation)
    [Theory]
    [InlineData(32, 48, 1, 1, 1, 1)]
    [InlineData(24, 40, 1, 2, 2, 1)]
    [InlineData(16, 32, 4, 2, 2, 1)]
    [InlineData(16, 16, 1, 2, 1, 2)]
    public void A_layer_folded_with_its_live_taps_gives_the_whole_kernels_bits(int inChannels, int outChannels, int groups, int size, int stride, int dilation)
    {
        const int Kernel = 3;
        int padding = dilation;
        int outSize = FeatureShape.OutputSize(size, Kernel, stride, padding, dilation);
        TapWindow window = TapWindow.Of(new FeatureShape(inChannels, size, size), new FeatureShape(outChannels, outSize, outSize), Kernel, stride, padding, dilation);
        Assert.True(window.Count < Kernel);

        var random = new Random(inChannels + outChannels + size);
        StateDict weights = ConvolutionWeights(random, outChannels, inChannels / groups, Kernel);
        float[] input = Reference.RandomFloats(random, 2 * size * size * inChannels);
        float[] residual = Reference.RandomFloats(random, 2 * outSize * outSize * outChannels);

        ConvolutionLayer whole = ConvolutionLayer.Fold(weights, "conv", "bn", groups);
        ConvolutionLayer live = ConvolutionLayer.Fold(weights, "conv", "bn", groups, firstTap: window.First, taps: window.Count);
        Assert.Equal(window.Count, live.Kernel);

        var expected = new float[residual.Length];
        var actual = new float[residual.Length];
        var wholeGeometry = new ConvolutionGeometry(2, inChannels, size, size, outChannels, outSize, outSize, Kernel, stride, padding, dilation, groups);
        var liveGeometry = new ConvolutionGeometry(2, inChannels, size, size, outChannels, outSize, outSize, window.Count, stride, window.Padding, dilation, groups);
        Convolution.Forward<BiasResidualRelu>(whole, wholeGeometry, ResNetGen.Kernels.ConvolutionAlgorithm.Taps, input, expected, residual);
        var algorithm = (ResNetGen.Kernels.ConvolutionAlgorithm)CpuTuning.ChooseDirect(inChannels, window.Count, stride, window.Padding, dilation, groups);
        Convolution.Forward<BiasResidualRelu>(live, liveGeometry, algorithm, input, actual, residual);

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Taps_outside_the_kernel_are_refused_with_the_layers_name()
    {
        StateDict weights = ConvolutionWeights(new Random(1), outChannels: 16, inChannelsPerGroup: 8, kernel: 3);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ConvolutionLayer.Fold(weights, "conv", "bn", 1, firstTap: 2, taps: 2));
        Assert.Contains("'conv'", error.Message, StringComparison.Ordinal);
        Assert.Contains("3x3", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A convolution <c>conv</c> and its batch norm <c>bn</c> with random values (positive variances).</summary>
    private static StateDict ConvolutionWeights(Random random, int outChannels, int inChannelsPerGroup, int kernel)
    {
        var weights = new StateDict("live taps");
        weights.Add("conv.weight", new Tensor([outChannels, inChannelsPerGroup, kernel, kernel], Reference.RandomFloats(random, outChannels * inChannelsPerGroup * kernel * kernel)));
        weights.Add("bn.weight", new Tensor([outChannels], Reference.RandomFloats(random, outChannels)));
        weights.Add("bn.bias", new Tensor([outChannels], Reference.RandomFloats(random, outChannels)));
        weights.Add("bn.running_mean", new Tensor([outChannels], Reference.RandomFloats(random, outChannels)));
        weights.Add("bn.running_var", new Tensor([outChannels], Reference.RandomFloats(random, outChannels).Select(v => Math.Abs(v) + 0.01f).ToArray()));
        return weights;
    }
}
