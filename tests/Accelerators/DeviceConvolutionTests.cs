using System;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Ilgpu;
using ResNetGen.Tests.Kernels;
using Xunit;
using Geometry = ResNetGen.Kernels.ConvolutionGeometry;

namespace ResNetGen.Tests.Accelerators;

/// <summary>
/// The device convolution (implicit GEMM, the two-stage pipeline) on ILGPU's CPU accelerator against the float64 reference,
/// with every tile of the family and split-K, on shapes that hit partial tiles in every direction, reductions that are not
/// a multiple of the step, stride, padding, dilation and groups, with each epilogue. Tolerance: |y - ref| ≤ 1e-6 · Σ|w·x| + 1e-7 (as the CPU kernel tests).
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class DeviceConvolutionTests
{
    private readonly Accelerator _accelerator;

    public DeviceConvolutionTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Accelerator;

    // batch, inChannels, height, width, outChannels, kernel, stride, padding, dilation, groups
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Shapes => new()
    {
        { 1, 5, 7, 9, 7, 1, 1, 0, 1, 1 },       // pointwise, partial tiles both ways, reduction 5 (one short step)
        { 2, 16, 9, 9, 70, 1, 2, 0, 1, 1 },     // strided projection, batch 2, 70 channels: a second channel tile
        { 1, 3, 11, 13, 6, 3, 1, 1, 1, 1 },     // 3x3 same padding, reduction 27
        { 1, 24, 10, 10, 8, 3, 2, 1, 1, 1 },    // 3x3 stride 2, reduction 216: four steps, the last partial
        { 1, 4, 9, 12, 5, 3, 1, 2, 2, 1 },      // dilation 2
        { 2, 3, 23, 19, 16, 7, 2, 3, 1, 1 },    // the stem's 7x7 stride 2, 270 pixels over two images
        { 1, 6, 8, 8, 9, 3, 1, 1, 1, 3 },       // 3 groups, 2 → 3 channels each
        { 1, 8, 7, 7, 8, 3, 2, 1, 1, 4 },       // 4 groups with stride
        { 1, 32, 5, 5, 32, 3, 1, 2, 2, 32 },    // one channel per group, dilated: 32 groups on the grid's z
        { 1, 4, 1, 1, 7, 3, 1, 1, 1, 1 },       // a 1x1 map: every tap but the centre is padding
        { 1, 3, 2, 3, 4, 3, 2, 3, 3, 1 },       // padding larger than the map
        { 3, 2, 4, 4, 3, 1, 1, 0, 1, 1 },       // 48 pixels over 3 images: a tile crosses image boundaries
        { 1, 40, 3, 3, 130, 3, 1, 1, 1, 2 },    // 2 groups of 65 channels: two channel tiles per group, reduction 180
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_float64_reference(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        var random = new Random(HashCode.Combine(batch, inChannels, height, width, outChannels, kernel, stride, HashCode.Combine(padding, dilation, groups)));
        Check<BiasRelu>(random, Make(batch, inChannels, height, width, outChannels, kernel, stride, padding, dilation, groups));
    }

    [Fact]
    public void Bias_epilogue_keeps_negative_values()
    {
        Geometry geometry = Make(1, 6, 5, 5, 10, kernel: 1, stride: 2, padding: 1, dilation: 1, groups: 1);
        int negatives = Check<Bias>(new Random(5), geometry);
        Assert.True(negatives > 0, "the Bias epilogue must pass negative sums through");
    }

    [Fact]
    public void Residual_epilogue_adds_the_shortcut_before_relu()
    {
        Geometry geometry = Make(2, 8, 6, 5, 12, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 2);
        Check<BiasResidualRelu>(new Random(6), geometry);
    }

    [Fact]
    public void Relu_epilogue_lets_NaN_through()
    {
        Geometry geometry = Make(1, 2, 3, 3, 2, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1);
        float[] input = new float[geometry.Batch * geometry.InputImageLength];
        input[(4 * 2) + 1] = float.NaN; // pixel 4, channel 1 (NHWC)
        float[] output = Run<BiasRelu>(geometry, input, new float[geometry.OutChannels * geometry.InChannels], new float[geometry.OutChannels], residual: null);
        Assert.True(float.IsNaN(output[4 * 2]) && float.IsNaN(output[(4 * 2) + 1]), "0 x NaN is NaN, and ReLU keeps it");
        Assert.Equal(0f, output[0]);
    }

    [Fact]
    public void Geometry_that_does_not_match_the_layer_is_refused()
    {
        using DeviceConvolutionLayer layer = DeviceConvolutionLayer.Create(_accelerator, "conv", new float[8 * 4 * 9], new float[8], 8, 4, 3, 1);
        using var buffer = _accelerator.Allocate1D<float>(1024);
        Geometry wrong = Make(1, 4, 4, 4, 16, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1);
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            DeviceKernels.For(_accelerator).Convolution<BiasRelu>(_accelerator.DefaultStream, layer, wrong, buffer.View, buffer.View, default));
        Assert.Contains("does not match 'conv'", error.Message);
    }

    // The tile family and split-K, on shapes that give each tile partial tiles, several K steps, a slice that walks fewer
    // steps than the others and slices with no steps at all; tile, split, then the shape as above.
    public static System.Collections.Generic.IEnumerable<object[]> TilesAndSplits =>
    [
        ["Tile128x64x16", 1, 2, 16, 9, 9, 70, 1, 2, 0, 1, 1],   // strided projection, a second channel tile
        ["Tile128x64x16", 3, 1, 24, 10, 10, 8, 3, 2, 1, 1, 1],  // 14 steps in slices of 5, 5 and 4
        ["Tile128x64x16", 2, 1, 4, 9, 12, 5, 3, 1, 2, 2, 1],    // dilation 2, rows of 5 channels (two quads, one padded)
        ["Tile64x64x32", 5, 1, 40, 6, 6, 20, 3, 1, 1, 1, 1],    // 12 steps in slices of 3: the fifth slice is empty
        ["Tile64x64x32", 16, 1, 8, 4, 4, 8, 1, 1, 0, 1, 1],     // one step, 15 empty slices
        ["Tile64x64x32", 1, 3, 2, 4, 4, 3, 1, 1, 0, 1, 1],      // a tile across three images
        ["Tile32x64x32", 1, 1, 40, 3, 3, 130, 3, 1, 1, 1, 2],   // 2 groups of 65 channels: two channel tiles per group
        ["Tile32x64x32", 4, 1, 24, 7, 7, 72, 3, 1, 1, 1, 1],    // 7 steps in slices of 2
        ["Tile32x64x32", 2, 1, 3, 2, 3, 4, 3, 2, 3, 3, 1],      // padding larger than the map
        ["Tile256x8x16", 1, 1, 32, 5, 5, 32, 3, 1, 2, 2, 32],   // one channel per group, dilated: 32 groups on the grid's z
        ["Tile256x8x16", 2, 2, 16, 9, 9, 16, 3, 2, 1, 1, 4],    // 4 groups of 4 channels with stride, batch 2
        ["Tile256x8x16", 3, 1, 32, 20, 20, 32, 3, 1, 1, 1, 8],  // 400 pixels: a second pixel tile; 36-value reduction in 3 slices
    ];

    [Theory]
    [MemberData(nameof(TilesAndSplits))]
    public void Every_tile_and_split_matches_float64_reference(
        string tile, int split, int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        Geometry geometry = Make(batch, inChannels, height, width, outChannels, kernel, stride, padding, dilation, groups);
        var random = new Random(HashCode.Combine(tile, split, inChannels, outChannels, height));
        Check<BiasResidualRelu>(random, geometry, tile, split);
        Check<Bias>(random, geometry, tile, split);
        Check<BiasRelu>(random, geometry, tile, split);
    }

    [Fact]
    public void Split_K_gives_the_same_bits_on_every_run()
    {
        Geometry g = Make(2, 48, 7, 7, 40, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1);
        var random = new Random(9);
        float[] input = Reference.ToChannelsLast(Reference.RandomFloats(random, g.Batch * g.InputImageLength), g.Batch, g.InChannels, g.InHeight, g.InWidth);
        float[] weights = Reference.RandomFloats(random, g.OutChannels * g.InChannels * 9, 0.05);
        float[] bias = Reference.RandomFloats(random, g.OutChannels, 0.5);
        float[] first = Run<BiasRelu>(g, input, weights, bias, null, "Tile32x64x32", split: 6);
        for (int run = 0; run < 3; run++)
        {
            Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), Run<BiasRelu>(g, input, weights, bias, null, "Tile32x64x32", split: 6).Select(BitConverter.SingleToInt32Bits));
        }
    }

    /// <summary>Runs one convolution with random data and checks it; returns how many outputs are negative.</summary>
    private int Check<TEpilogue>(Random random, Geometry g, string tile = "Tile64x64x32", int split = 1)
        where TEpilogue : struct, IDeviceEpilogue
    {
        int inPerGroup = g.InChannels / g.Groups;
        float[] input = Reference.RandomFloats(random, g.Batch * g.InputImageLength);
        float[] weights = Reference.RandomFloats(random, g.OutChannels * inPerGroup * g.Kernel * g.Kernel, 1.0 / Math.Sqrt(inPerGroup * g.Kernel * g.Kernel));
        float[] bias = Reference.RandomFloats(random, g.OutChannels, 0.5);
        TEpilogue epilogue = default;
        float[]? residual = epilogue.UsesResidual ? Reference.RandomFloats(random, g.Batch * g.OutputImageLength) : null;

        float[] nhwc = Run<TEpilogue>(g, Reference.ToChannelsLast(input, g.Batch, g.InChannels, g.InHeight, g.InWidth), weights, bias, residual, tile, split);
        float[] actual = Reference.ToChannelsFirst(nhwc, g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);

        (double[] expected, double[] magnitude) = Reference.Convolution(input, g.Batch, g.InChannels, g.InHeight, g.InWidth, weights, bias, g.OutChannels, g.Kernel, g.Stride, g.Padding, g.Dilation, g.Groups);
        float[]? shortcut = residual is null ? null : Reference.ToChannelsFirst(residual, g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
        int negatives = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double value = expected[i] + (shortcut?[i] ?? 0);
            double bound = magnitude[i] + Math.Abs(shortcut?[i] ?? 0);
            if (typeof(TEpilogue) != typeof(Bias))
            {
                value = Math.Max(value, 0);
            }

            negatives += actual[i] < 0 ? 1 : 0;
            Assert.True(
                Math.Abs(actual[i] - value) <= (1e-6 * bound) + 1e-7,
                $"output {i}: {actual[i]} vs {value} (Σ|w·x| {bound})");
        }

        return negatives;
    }

    private float[] Run<TEpilogue>(Geometry g, float[] nhwcInput, float[] oihw, float[] bias, float[]? residual, string tile = "Tile64x64x32", int split = 1)
        where TEpilogue : struct, IDeviceEpilogue
    {
        using DeviceConvolutionLayer layer = DeviceConvolutionLayer.Create(_accelerator, "conv", oihw, bias, g.OutChannels, g.InChannels / g.Groups, g.Kernel, g.Groups);
        using var source = _accelerator.Allocate1D(nhwcInput);
        using var destination = _accelerator.Allocate1D<float>(g.Batch * g.OutputImageLength);
        using var shortcut = _accelerator.Allocate1D(residual ?? new float[1]);
        using var partials = _accelerator.Allocate1D<float>(Math.Max(1, split) * g.Batch * g.OutputImageLength);
        DeviceKernels kernels = DeviceKernels.For(_accelerator);
        ArrayView<float> residualView = residual is null ? default : shortcut.View;
        AcceleratorStream stream = _accelerator.DefaultStream;
        switch (tile)
        {
            case "Tile128x64x16":
                kernels.Convolution<TEpilogue, Tile128x64x16>(stream, layer, g, source.View, destination.View, residualView, split, partials.View);
                break;
            case "Tile32x64x32":
                kernels.Convolution<TEpilogue, Tile32x64x32>(stream, layer, g, source.View, destination.View, residualView, split, partials.View);
                break;
            case "Tile256x8x16":
                kernels.Convolution<TEpilogue, Tile256x8x16>(stream, layer, g, source.View, destination.View, residualView, split, partials.View);
                break;
            default:
                kernels.Convolution<TEpilogue, Tile64x64x32>(stream, layer, g, source.View, destination.View, residualView, split, partials.View);
                break;
        }

        return destination.GetAsArray1D();
    }

    /// <summary>A geometry with torchvision's output size: <c>floor((H + 2p - d(k-1) - 1) / s) + 1</c>.</summary>
    internal static Geometry Make(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups) =>
        new(batch, inChannels, height, width, outChannels, OutSize(height, kernel, stride, padding, dilation), OutSize(width, kernel, stride, padding, dilation), kernel, stride, padding, dilation, groups);

    private static int OutSize(int size, int kernel, int stride, int padding, int dilation) =>
        ((size + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
}
