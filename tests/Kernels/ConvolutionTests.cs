using System;
using System.Linq;
using ResNetGen.Kernels;
using Xunit;

namespace ResNetGen.Tests.Kernels;

/// <summary>
/// The convolution kernel against a float64 reference on shapes that hit every edge: partial tiles in both
/// directions (pixels not a multiple of 6, channels not a multiple of 16), odd channel counts, groups, stride,
/// dilation, padding wider than the map, 1x1 maps, batches whose tiles straddle two images.
/// Inputs are made NCHW for the reference and converted to the kernels' NHWC.
/// Tolerance: |y - ref| ≤ 1e-6 · Σ|w·x| + 1e-7, far inside float32 accumulation error bounds (K · 2^-24 · Σ|w·x|),
/// but large enough that any indexing mistake fails.
/// </summary>
[Collection(nameof(KernelSettingsCollection))]
public sealed class ConvolutionTests
{
    // batch, inChannels, height, width, outChannels, kernel, stride, padding, dilation, groups
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Shapes => new()
    {
        { 1, 8, 8, 8, 12, 1, 1, 0, 1, 1 },      // pointwise, full tiles (64 pixels, 12 rows)
        { 1, 5, 7, 9, 7, 1, 1, 0, 1, 1 },       // pointwise, partial tiles both ways
        { 2, 16, 9, 9, 13, 1, 2, 0, 1, 1 },     // strided 1x1 projection, batch 2
        { 1, 3, 11, 13, 6, 3, 1, 1, 1, 1 },     // 3x3 same padding
        { 1, 4, 10, 10, 8, 3, 2, 1, 1, 1 },     // 3x3 stride 2
        { 1, 4, 9, 12, 5, 3, 1, 2, 2, 1 },      // dilation 2
        { 1, 6, 13, 13, 11, 3, 1, 4, 4, 1 },    // dilation 4, padding 4
        { 2, 3, 23, 19, 16, 7, 2, 3, 1, 1 },    // the stem's 7x7 stride 2
        { 1, 6, 8, 8, 9, 3, 1, 1, 1, 3 },       // 3 groups, 2 → 3 channels each
        { 1, 8, 7, 7, 8, 3, 2, 1, 1, 4 },       // 4 groups with stride
        { 1, 32, 5, 5, 32, 3, 1, 2, 2, 32 },    // one channel per group, dilated
        { 1, 4, 1, 1, 7, 3, 1, 1, 1, 1 },       // a 1x1 map: every tap but the centre is padding
        { 1, 3, 2, 3, 4, 3, 2, 3, 3, 1 },       // padding larger than the map
        { 3, 2, 4, 4, 3, 1, 1, 0, 1, 1 },       // 48 pixels over 3 images: tiles cross image boundaries
        { 1, 64, 7, 7, 48, 3, 1, 1, 1, 1 },     // 49 pixels: the last tile has one pixel
        { 1, 16, 6, 6, 32, 3, 1, 1, 1, 2 },     // two groups of exactly one channel panel each
        { 1, 8, 5, 5, 40, 1, 1, 0, 1, 1 },      // 40 channels: two full panels and a half one
        { 2, 3, 15, 17, 16, 7, 2, 0, 1, 1 },    // unpadded 7x7 stride 2 (the stem on its pre-padded input): kernel rows read as runs
        { 1, 4, 9, 9, 8, 3, 1, 0, 1, 1 },       // unpadded 3x3
        { 1, 1024, 3, 5, 20, 1, 1, 0, 1, 1 },   // wide pointwise input: rows packed apart
        { 2, 2048, 2, 2, 33, 1, 1, 0, 1, 1 },   // wider still, batch 2, partial panel
        { 2, 512, 5, 7, 24, 1, 2, 0, 1, 1 },    // strided wide projection, batch 2: packed rows gathered from every other pixel
        { 1, 8, 8, 8, 16, 3, 1, 1, 1, 1 },      // Winograd: whole 4x4 blocks, one panel
        { 2, 16, 7, 9, 24, 3, 1, 1, 1, 1 },     // Winograd: blocks cut by both edges, batch 2, a half panel
        { 1, 8, 1, 1, 8, 3, 1, 1, 1, 1 },       // Winograd: a 1x1 map, one block of mostly padding
        { 3, 64, 14, 14, 64, 3, 1, 1, 1, 1 },   // Winograd: 48 blocks over 3 images, eight rows of products
        { 1, 8, 5, 7, 80, 1, 1, 0, 1, 1 },      // five panels: the AVX-512 tile takes four, then one
        { 1, 8, 6, 5, 120, 3, 1, 1, 1, 1 },     // Winograd, eight panels, the last half full: two AVX-512 tiles of four
        { 1, 12, 7, 6, 144, 3, 2, 1, 1, 2 },    // two groups of 72 channels: four panels and a half one per group
        { 1, 9, 4, 4, 96, 3, 1, 1, 1, 3 },      // three groups of two panels: the AVX-512 tile never crosses a group
        { 1, 512, 5, 5, 100, 3, 1, 1, 1, 1 },   // panels of 295 KB: one per L2 budget, four per AVX-512 task; 7 panels → 4 + 3
        { 2, 16, 9, 9, 56, 1, 2, 0, 1, 1 },     // strided packed projection, three and a half panels
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_float64_reference(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        var geometry = Geometry(batch, inChannels, height, width, outChannels, kernel, stride, padding, dilation, groups);
        ConvolutionAlgorithm[] algorithms = Enum.GetValues<ConvolutionAlgorithm>().Where(a => Convolution.Supports(a, geometry)).ToArray();
        Assert.Contains(ConvolutionAlgorithm.Taps, algorithms);
        foreach (ConvolutionAlgorithm algorithm in algorithms)
        {
            foreach (KernelInstructionSet set in InstructionSets.Supported)
            {
                InstructionSets.Using(set, () =>
                {
                    Check<Bias>(geometry, algorithm, seed: 1);
                    Check<BiasRelu>(geometry, algorithm, seed: 2);
                    Check<BiasResidualRelu>(geometry, algorithm, seed: 3);
                });
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_algorithm_the_generator_can_choose_is_supported(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        ConvolutionGeometry geometry = Geometry(batch, inChannels, height, width, outChannels, kernel, stride, padding, dilation, groups);
        var direct = (ConvolutionAlgorithm)ResNetGen.Planning.CpuTuning.ChooseDirect(inChannels, kernel, stride, padding, dilation, groups);
        bool winograd = ResNetGen.Planning.CpuTuning.SupportsWinograd(inChannels, outChannels, kernel, stride, padding, dilation, groups);

        // The direct algorithm runs on every profile; Winograd, where the planner allows it, on the profiles it pays on.
        Assert.True(Convolution.Supports(direct, geometry));
        Assert.NotEqual(ConvolutionAlgorithm.Winograd, direct);
        Assert.Equal(winograd, Convolution.Supports(ConvolutionAlgorithm.Winograd, geometry));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Writing_the_sum_over_the_residual_gives_the_bits_of_a_separate_destination(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        // The generated networks write a residual block's last convolution over its shortcut: each element of the
        // residual is read just before the same element of the output is stored, on every algorithm and instruction set.
        ConvolutionGeometry geometry = Geometry(batch, inChannels, height, width, outChannels, kernel, stride, padding, dilation, groups);
        var random = new Random(11);
        float[] input = Reference.RandomFloats(random, batch * geometry.InputImageLength);
        float[] weights = Reference.RandomFloats(random, outChannels * geometry.ReductionLength);
        float[] bias = Reference.RandomFloats(random, outChannels);
        float[] residual = Reference.RandomFloats(random, batch * geometry.OutputImageLength);
        foreach (ConvolutionAlgorithm algorithm in Enum.GetValues<ConvolutionAlgorithm>().Where(a => Convolution.Supports(a, geometry)))
        {
            bool winograd = algorithm == ConvolutionAlgorithm.Winograd;
            ConvolutionLayer layer = ConvolutionLayer.Create(weights, bias, outChannels, inChannels / groups, kernel, groups, winograd);
            float[] workspace = winograd ? new float[Winograd.WorkspaceLength(inChannels, outChannels) * 3] : [];
            foreach (KernelInstructionSet set in InstructionSets.Supported)
            {
                InstructionSets.Using(set, () =>
                {
                    var separate = new float[residual.Length];
                    Convolution.Forward<BiasResidualRelu>(layer, geometry, algorithm, input, separate, residual, workspace);
                    float[] inPlace = (float[])residual.Clone();
                    Convolution.Forward<BiasResidualRelu>(layer, geometry, algorithm, input, inPlace, inPlace, workspace);

                    Assert.Contains(separate, value => value > 0f);
                    Assert.True(
                        separate.Select(BitConverter.SingleToInt32Bits).SequenceEqual(inPlace.Select(BitConverter.SingleToInt32Bits)),
                        $"{algorithm} on {set}: the sums written over the residual differ from those written apart");
                });
            }
        }
    }

    [Fact]
    public void A_destination_that_overlaps_the_source_or_part_of_the_residual_is_rejected()
    {
        ConvolutionLayer layer = ConvolutionLayer.Create(new float[8 * 4], new float[8], 8, 4, 1, 1);
        var geometry = new ConvolutionGeometry(1, 4, 4, 4, 8, 4, 4, 1, 1, 0, 1, 1);
        var memory = new float[512];

        var error = Assert.Throws<ArgumentException>(() => Convolution.Forward<BiasResidualRelu>(
            layer, geometry, ConvolutionAlgorithm.Pointwise, memory.AsSpan(0, 64), memory.AsSpan(32, 128), memory.AsSpan(256, 128)));
        Assert.Contains("overlaps the source", error.Message);
        Assert.Equal("destination", error.ParamName);

        error = Assert.Throws<ArgumentException>(() => Convolution.Forward<BiasResidualRelu>(
            layer, geometry, ConvolutionAlgorithm.Pointwise, memory.AsSpan(0, 64), memory.AsSpan(200, 128), memory.AsSpan(256, 128)));
        Assert.Contains("the residual overlap with their starts 56 floats apart", error.Message);

        // Not the residual itself, but the epilogue without one ignores it: no error.
        Convolution.Forward<BiasRelu>(layer, geometry, ConvolutionAlgorithm.Pointwise, memory.AsSpan(0, 64), memory.AsSpan(200, 128), memory.AsSpan(256, 128));
    }

    [Theory]
    [InlineData(1, 3, 23, 19, 64, 7, 2, 3, 1)]  // the stem's shape: odd output sides (12x10)
    [InlineData(2, 3, 22, 22, 40, 7, 2, 3, 2)]  // batch 2, 11x11 output, channels not a multiple of 16
    [InlineData(1, 8, 9, 9, 16, 3, 1, 1, 3)]    // 9x9 output: rows of pooled windows clipped at the bottom
    [InlineData(3, 4, 2, 2, 8, 3, 1, 1, 2)]     // 2x2 output, one pooled row per image: more bands than rows
    [InlineData(1, 16, 30, 4, 72, 1, 1, 0, 4)]  // a tall 1x1 map: many bands of one image
    public void Pooling_in_the_convolution_call_gives_the_bits_of_the_two_calls(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int threads)
    {
        ConvolutionGeometry geometry = Geometry(batch, inChannels, height, width, outChannels, kernel, stride, padding, 1, 1);
        var random = new Random(13);
        float[] input = Reference.RandomFloats(random, batch * geometry.InputImageLength);
        float[] weights = Reference.RandomFloats(random, outChannels * geometry.ReductionLength);
        float[] bias = Reference.RandomFloats(random, outChannels);
        ConvolutionLayer layer = ConvolutionLayer.Create(weights, bias, outChannels, inChannels, kernel, 1);
        int pooledHeight = Convolution.PooledLength(geometry.OutHeight);
        int pooledWidth = Convolution.PooledLength(geometry.OutWidth);
        var workers = new WorkerPool(threads);
        foreach (ConvolutionAlgorithm algorithm in Enum.GetValues<ConvolutionAlgorithm>().Where(a => a != ConvolutionAlgorithm.Winograd && Convolution.Supports(a, geometry)))
        {
            foreach (KernelInstructionSet set in InstructionSets.Supported)
            {
                InstructionSets.Using(set, () =>
                {
                    var convolved = new float[batch * geometry.OutputImageLength];
                    var expected = new float[batch * pooledHeight * pooledWidth * outChannels];
                    Convolution.Forward<BiasRelu>(layer, geometry, algorithm, input, convolved, default, workers: workers);
                    MaxPool.Forward(convolved, expected, batch, outChannels, geometry.OutHeight, geometry.OutWidth, pooledHeight, pooledWidth, 3, 2, 1, workers);

                    var scratch = new float[convolved.Length];
                    float[] pooled = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                    Convolution.ForwardMaxPooled<BiasRelu>(layer, geometry, algorithm, input, scratch, pooled, workers);

                    Assert.True(
                        expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(pooled.Select(BitConverter.SingleToInt32Bits)),
                        $"{algorithm} on {set} with {threads} threads: the pooled maps differ from the convolution and the max pool run apart");
                    Assert.Equal(convolved, scratch);
                });
            }
        }

        workers.Dispose();
    }

    [Fact]
    public void Pooling_in_the_convolution_call_rejects_what_it_cannot_run()
    {
        ConvolutionLayer layer = ConvolutionLayer.Create(new float[8 * 4 * 9], new float[8], 8, 4, 3, 1);
        var geometry = new ConvolutionGeometry(1, 4, 4, 4, 8, 4, 4, 3, 1, 1, 1, 1);
        var source = new float[64];
        var convolved = new float[128];

        var error = Assert.Throws<ArgumentException>(() => Convolution.ForwardMaxPooled<BiasResidualRelu>(layer, geometry, ConvolutionAlgorithm.Taps, source, convolved, new float[32]));
        Assert.Contains("BiasResidualRelu adds a residual", error.Message);

        error = Assert.Throws<ArgumentException>(() => Convolution.ForwardMaxPooled<BiasRelu>(layer, geometry, ConvolutionAlgorithm.Winograd, source, convolved, new float[32]));
        Assert.Contains("Winograd makes its outputs in 4x4 blocks", error.Message);

        error = Assert.Throws<ArgumentException>(() => Convolution.ForwardMaxPooled<BiasRelu>(layer, geometry, ConvolutionAlgorithm.Taps, source, convolved, new float[31]));
        Assert.Contains("holds 31 floats; the pooled maps of a batch of 1 need 32", error.Message);

        error = Assert.Throws<ArgumentException>(() => Convolution.ForwardMaxPooled<BiasRelu>(layer, geometry, ConvolutionAlgorithm.Taps, source, convolved, convolved.AsSpan(96, 32)));
        Assert.Contains("overlaps the source or the convolution's output", error.Message);
    }

    [Fact]
    public void Unsupported_algorithm_is_rejected()
    {
        ConvolutionLayer layer = ConvolutionLayer.Create(new float[8 * 4 * 9], new float[8], 8, 4, 3, 1);
        var geometry = new ConvolutionGeometry(1, 4, 4, 4, 8, 4, 4, 3, 1, 1, 1, 1);

        var error = Assert.Throws<ArgumentException>(() => Convolution.Forward<Bias>(layer, geometry, ConvolutionAlgorithm.Pointwise, new float[64], new float[128], default));
        Assert.Contains("Pointwise cannot compute a 3x3 convolution", error.Message);
    }

    private static ConvolutionGeometry Geometry(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        int outHeight = ((height + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        int outWidth = ((width + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        return new ConvolutionGeometry(batch, inChannels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, dilation, groups);
    }

    [Theory]
    [InlineData(ConvolutionAlgorithm.Taps, 10)]
    [InlineData(ConvolutionAlgorithm.Taps, 150)]
    [InlineData(ConvolutionAlgorithm.Winograd, 24)]
    [InlineData(ConvolutionAlgorithm.Winograd, 88)]
    public void Every_instruction_set_is_bit_identical_to_scalar(ConvolutionAlgorithm algorithm, int outChannels)
    {
        // Every path accumulates with fused multiply-adds in the same order, and Winograd's transforms are the same
        // additions and multiplications on all of them, so they must agree to the bit.
        bool winograd = algorithm == ConvolutionAlgorithm.Winograd;
        ConvolutionGeometry geometry = winograd
            ? new ConvolutionGeometry(2, 16, 9, 11, outChannels, 9, 11, 3, 1, 1, 1, 1)
            : new ConvolutionGeometry(2, 6, 15, 11, outChannels, 8, 6, 3, 2, 1, 1, 2);
        var random = new Random(winograd ? 9 : 7);
        float[] input = Reference.RandomFloats(random, geometry.Batch * geometry.InputImageLength);
        float[] weights = Reference.RandomFloats(random, geometry.OutChannels * geometry.ReductionLength);
        float[] bias = Reference.RandomFloats(random, geometry.OutChannels);
        float[] residual = Reference.RandomFloats(random, geometry.Batch * geometry.OutputImageLength);
        ConvolutionLayer layer = ConvolutionLayer.Create(weights, bias, geometry.OutChannels, geometry.InChannels / geometry.Groups, 3, geometry.Groups, winograd);
        float[] workspace = winograd ? new float[Winograd.WorkspaceLength(geometry.InChannels, geometry.OutChannels) * 7] : [];
        float[] Run(KernelInstructionSet set) => InstructionSets.Using(set, () =>
        {
            var output = new float[residual.Length];
            Convolution.Forward<BiasResidualRelu>(layer, geometry, algorithm, input, output, residual, workspace);
            return output;
        });

        float[] scalar = Run(KernelInstructionSet.Scalar);
        Assert.Contains(scalar, value => value > 0f);
        foreach (KernelInstructionSet set in InstructionSets.Supported)
        {
            Assert.Equal(scalar.Select(BitConverter.SingleToInt32Bits), Run(set).Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void The_hardware_instruction_set_follows_the_cpu_and_the_process_switches()
    {
        // CI runs the kernel tests again with each switch set; this is what makes those runs cover the narrower paths.
        string flags = System.IO.File.ReadLines("/proc/cpuinfo").First(line => line.StartsWith("flags", StringComparison.Ordinal));
        bool Has(string flag) => flags.Split(' ', ':', '\t').Contains(flag);
        KernelInstructionSet expected =
            Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0" ? KernelInstructionSet.Scalar
            : Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0" ? (Has("avx2") && Has("fma") ? KernelInstructionSet.Avx2Fma : KernelInstructionSet.Scalar)
            : Has("avx512f") && Has("avx512bw") && Has("avx512dq") && Has("avx512vl") ? KernelInstructionSet.Avx512
            : Has("avx2") && Has("fma") ? KernelInstructionSet.Avx2Fma
            : KernelInstructionSet.Scalar;

        Assert.Equal(expected, KernelSettings.HardwareInstructionSet);
        Assert.Equal(KernelSettings.HardwareInstructionSet, KernelSettings.InstructionSet);
    }

    [Fact]
    public void The_instruction_set_can_be_lowered_but_not_raised_past_the_hardware()
    {
        try
        {
            foreach (KernelInstructionSet set in InstructionSets.Supported)
            {
                KernelSettings.InstructionSet = set;
                Assert.Equal(set, KernelSettings.InstructionSet);
                Assert.Equal(set == KernelInstructionSet.Scalar, KernelSettings.ForceScalar);
            }

            KernelSettings.ForceScalar = false;
            Assert.Equal(KernelSettings.HardwareInstructionSet, KernelSettings.InstructionSet);
            var tooWide = KernelSettings.HardwareInstructionSet + 1;
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => KernelSettings.InstructionSet = tooWide);
            Assert.Contains($"at most {KernelSettings.HardwareInstructionSet}", error.Message);
            Assert.Equal(KernelSettings.HardwareInstructionSet, KernelSettings.InstructionSet);
        }
        finally
        {
            KernelSettings.InstructionSet = KernelSettings.HardwareInstructionSet;
        }
    }

    [Fact]
    public void Winograd_needs_a_layer_prepared_for_it_and_a_workspace()
    {
        ConvolutionLayer direct = ConvolutionLayer.Create(new float[8 * 8 * 9], new float[8], 8, 8, 3, 1);
        ConvolutionLayer transformed = ConvolutionLayer.Create(new float[8 * 8 * 9], new float[8], 8, 8, 3, 1, winograd: true);
        var geometry = new ConvolutionGeometry(1, 8, 4, 4, 8, 4, 4, 3, 1, 1, 1, 1);
        var workspace = new float[Winograd.WorkspaceLength(8, 8)];

        var error = Assert.Throws<ArgumentException>(() => Convolution.Forward<Bias>(direct, geometry, ConvolutionAlgorithm.Winograd, new float[128], new float[128], default, workspace));
        Assert.Contains("not prepared for Winograd", error.Message);
        error = Assert.Throws<ArgumentException>(() => Convolution.Forward<Bias>(transformed, geometry, ConvolutionAlgorithm.Taps, new float[128], new float[128], default));
        Assert.Contains("prepared for Winograd and cannot run as Taps", error.Message);
        error = Assert.Throws<ArgumentException>(() => Convolution.Forward<Bias>(transformed, geometry, ConvolutionAlgorithm.Winograd, new float[128], new float[128], default, workspace.AsSpan(1)));
        Assert.Contains("needs at least 576", error.Message);
        error = Assert.Throws<ArgumentException>(() => ConvolutionLayer.Create(new float[12 * 8 * 9], new float[12], 12, 8, 3, 1, winograd: true));
        Assert.Contains("channels in multiples of 8", error.Message);
    }

    [Fact]
    public void Mismatched_geometry_is_rejected()
    {
        ConvolutionLayer layer = ConvolutionLayer.Create(new float[8 * 4 * 9], new float[8], 8, 4, 3, 1);
        var wrongChannels = new ConvolutionGeometry(1, 5, 4, 4, 8, 4, 4, 3, 1, 1, 1, 1);

        var error = Assert.Throws<ArgumentException>(() => Convolution.Forward<Bias>(layer, wrongChannels, ConvolutionAlgorithm.Taps, new float[80], new float[128], default));
        Assert.Contains("does not match the layer", error.Message);

        var geometry = new ConvolutionGeometry(1, 4, 4, 4, 8, 4, 4, 3, 1, 1, 1, 1);
        error = Assert.Throws<ArgumentException>(() => Convolution.Forward<Bias>(layer, geometry, ConvolutionAlgorithm.Taps, new float[64], new float[127], default));
        Assert.Contains("destination 127 (needs 128)", error.Message);
    }

    /// <summary>
    /// Winograd's transforms scale values by up to 8 before the products and sum 36 of them after, so its float32
    /// rounding is larger than the direct convolution's; still 1e-5 of the sum of magnitudes.
    /// </summary>
    private const double WinogradTolerance = 1e-5;

    /// <summary>Room for 1, 5 or 1000 blocks: one block per pass, uneven passes, and everything in one pass.</summary>
    private static int WinogradWorkspaceTiles(int seed) => seed switch { 1 => 1, 2 => 5, _ => 1000 };

    private static void Check<TEpilogue>(ConvolutionGeometry geometry, ConvolutionAlgorithm algorithm, int seed)
        where TEpilogue : struct, IEpilogue
    {
        var random = new Random(seed);
        (int batch, int inChannels, int height, int width) = (geometry.Batch, geometry.InChannels, geometry.InHeight, geometry.InWidth);
        (int outChannels, int outHeight, int outWidth) = (geometry.OutChannels, geometry.OutHeight, geometry.OutWidth);
        (int kernel, int stride, int padding, int dilation, int groups) = (geometry.Kernel, geometry.Stride, geometry.Padding, geometry.Dilation, geometry.Groups);
        float[] input = Reference.RandomFloats(random, batch * inChannels * height * width);
        float[] weights = Reference.RandomFloats(random, outChannels * (inChannels / groups) * kernel * kernel);
        float[] bias = Reference.RandomFloats(random, outChannels);
        float[] residual = Reference.RandomFloats(random, batch * outChannels * outHeight * outWidth);
        bool winograd = algorithm == ConvolutionAlgorithm.Winograd;
        ConvolutionLayer layer = ConvolutionLayer.Create(weights, bias, outChannels, inChannels / groups, kernel, groups, winograd);
        var channelsLast = new float[residual.Length];
        float[] workspace = winograd ? new float[Winograd.WorkspaceLength(inChannels, outChannels) * WinogradWorkspaceTiles(seed)] : [];

        Convolution.Forward<TEpilogue>(
            layer,
            geometry,
            algorithm,
            Reference.ToChannelsLast(input, batch, inChannels, height, width),
            channelsLast,
            TEpilogue.UsesResidual ? Reference.ToChannelsLast(residual, batch, outChannels, outHeight, outWidth) : default,
            workspace);
        float[] output = Reference.ToChannelsFirst(channelsLast, batch, outChannels, outHeight, outWidth);

        (double[] expected, double[] magnitude) = Reference.Convolution(input, batch, inChannels, height, width, weights, bias, outChannels, kernel, stride, padding, dilation, groups);
        for (int i = 0; i < expected.Length; i++)
        {
            double value = expected[i];
            if (TEpilogue.UsesResidual)
            {
                value += residual[i];
            }

            if (typeof(TEpilogue) != typeof(Bias))
            {
                value = Math.Max(value, 0);
            }

            double tolerance = ((winograd ? WinogradTolerance : 1e-6) * (magnitude[i] + Math.Abs(residual[i]))) + 1e-7;
            Assert.True(
                Math.Abs(output[i] - value) <= tolerance,
                $"{typeof(TEpilogue).Name}, {algorithm}, {KernelSettings.InstructionSet}: output {i} is {output[i]}, expected {value} ± {tolerance}");
        }
    }
}
