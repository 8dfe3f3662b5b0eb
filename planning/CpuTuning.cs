namespace ResNetGen.Planning
{
    /// <summary>How a convolution's micro-kernel finds the input values each output pixel reads (see the runtime's <c>Convolution</c>); chosen per convolution by <see cref="CpuTuning.ChooseDirect"/> and, where Winograd can compute it, by the CPU's <see cref="CpuTuningProfile"/>.</summary>
    /// <remarks>Mirrors the runtime's public <c>Kernels.ConvolutionAlgorithm</c>; a test pins every member of both.</remarks>
    internal enum ConvolutionAlgorithm
    {
        /// <summary>1x1, stride 1, no padding: each pixel reads its own input channels.</summary>
        Pointwise = 0,

        /// <summary>1x1, no padding, one group, any stride, with each tile's input rows first copied together (wide inputs whose rows alias in the L1 cache; strided projections).</summary>
        PackedPointwise = 1,

        /// <summary>No padding, no dilation, one group: each kernel row is one contiguous run of kernel x channels values.</summary>
        Rows = 2,

        /// <summary>Any geometry: one run of channels per kernel tap, zeros for taps in the padding.</summary>
        Taps = 3,

        /// <summary>3x3, stride 1, padding 1, one group, channels in multiples of 8: Winograd F(4x4, 3x3), with a workspace in the arena.</summary>
        Winograd = 4,
    }

    /// <summary>
    /// The CPU's tuning: the measured thresholds and the per-convolution choices <see cref="CpuSchedule"/> makes from them.
    /// The numbers were measured on the CPUs named beside each; they belong to the CPU backend alone. The one choice that
    /// differs between CPUs, Winograd or direct, is a <see cref="CpuTuningProfile"/>'s.
    /// </summary>
    internal static class CpuTuning
    {
        /// <summary>
        /// Inputs of at least this many channels are packed: NHWC rows of 512 or 1024 floats are 2 or 4 KB apart, so the six
        /// rows a tile reads fall in a few L1 cache sets. Measured on ResNet-50's 512- to 2048-channel 1x1 layers: unpacked,
        /// they run up to twice as long on some runs and never faster; 256-channel inputs showed no difference.
        /// </summary>
        public const int PackedRowChannels = 512;

        /// <summary>Winograd's transformed values per 4x4 output block and channel (6 x 6).</summary>
        public const int WinogradPoints = 36;

        /// <summary>Channels Winograd's transforms process at once; input and output channel counts must be multiples of it.</summary>
        public const int WinogradChannelBlock = 8;

        /// <summary>
        /// Winograd pays off from this many 4x4 output blocks per call on the CPUs measured so far (the built-in
        /// <see cref="CpuProfiles"/> say where else it pays). Its transformed weights are four times the direct
        /// ones and, in a whole network, come from memory on every call, so on few blocks streaming them can cost more
        /// than the multiplications saved. 16 admits ResNet-50's and ResNet-18's 14x14 layer3 maps at batch 1 (9.4 MB of
        /// transformed weights per 256-channel layer) and keeps layer4's 7x7 maps (4 blocks, 37.7 MB) direct. Measured
        /// against ONNX Runtime in the same process on a Zen 4 (AVX-512 on 256-bit units), 2 threads: ResNet-50 at
        /// 224x224 went from 0.97 to 0.91 of ONNX Runtime's time (median of six runs each, taking turns) and ResNet-18
        /// from 1.01 to 0.74. On a Zen 5, whose 512-bit FMAs are twice as fast, the same change had measured level to 5%
        /// slower; the slower the multiplications, the more Winograd saves.
        /// </summary>
        public const int WinogradMinimumTiles = 16;

        /// <summary>
        /// A batch runs one image at a time through the backbone (each image with the plan of a batch of one; only the
        /// classifier takes the whole batch) when every image costs at least this many multiply-accumulates per byte of
        /// weights. Then the weights are cheap to stream once per image, while each image's feature maps (a few MB at
        /// 224x224) stay in the caller's L2 and L3 caches between layers instead of a whole batch's maps going through
        /// memory. Below it (small inputs, where an image's work is small against the weights) the whole batch runs
        /// layer by layer, reading each layer's weights once for all images. Measured on ResNet-50 at 224x224 (40
        /// multiply-accumulates per weight byte) on a Zen 4, 2 threads: eight batch-1 calls took 0.96 of one batch-8 call
        /// (median of nine rounds taking turns).
        /// </summary>
        public const int ImageByImageMinimumIntensity = 24;

        /// <summary>Whether the CPU runs <paramref name="graph"/>'s batch one image at a time (see <see cref="ImageByImageMinimumIntensity"/>).</summary>
        public static bool RunsImageByImage(NetworkGraph graph) =>
            graph.Spec.BatchSize > 1 && graph.MultiplyAccumulates >= ImageByImageMinimumIntensity * 4L * graph.ParameterCount;

        /// <summary>The convolutions Winograd F(4x4, 3x3) computes: 3x3, stride 1, padding 1, no dilation, one group, channels in multiples of 8.</summary>
        public static bool SupportsWinograd(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups) =>
            kernel == 3 && stride == 1 && padding == 1 && dilation == 1 && groups == 1
            && inChannels % WinogradChannelBlock == 0 && outChannels % WinogradChannelBlock == 0;

        /// <summary>4x4 output blocks of a Winograd convolution: <c>batch x ceil(height / 4) x ceil(width / 4)</c>.</summary>
        public static long WinogradTiles(int batch, int outHeight, int outWidth) => (long)batch * ((outHeight + 3) / 4) * ((outWidth + 3) / 4);

        /// <summary>Floats of Winograd workspace one 4x4 block takes: its transformed input and its 36 products.</summary>
        public static long WinogradWorkspacePerTile(int inChannels, int outChannels) => WinogradPoints * ((long)inChannels + outChannels);

        /// <summary>
        /// Floats of arena a convolution needs besides its input and output. Winograd's transformed input and products take
        /// <c>36 x (in + out channels)</c> per 4x4 block; the workspace holds as many blocks as fit in twice the layer's
        /// output, or in an eighth of its transformed weights if that is more, and the kernel runs the blocks in as many
        /// passes as that takes (each pass reads the weights again, hence the second bound). Bounded so, a workspace never
        /// dwarfs the feature maps around it in the arena.
        /// </summary>
        public static long WorkspaceLength(ConvolutionAlgorithm algorithm, int batch, int inChannels, int outChannels, int outHeight, int outWidth)
        {
            if (algorithm != ConvolutionAlgorithm.Winograd)
            {
                return 0;
            }

            long perTile = WinogradWorkspacePerTile(inChannels, outChannels);
            long budget = System.Math.Max(2L * batch * outChannels * outHeight * outWidth, WinogradPoints * (long)inChannels * outChannels / 8);
            long tiles = System.Math.Min(WinogradTiles(batch, outHeight, outWidth), System.Math.Max(1, budget / perTile));
            return perTile * tiles;
        }

        /// <summary>The direct (implicit GEMM) algorithm for a convolution, for callers that do not know the output sizes in advance.</summary>
        public static ConvolutionAlgorithm ChooseDirect(int inChannels, int kernel, int stride, int padding, int dilation, int groups)
        {
            if (kernel == 1 && stride == 1 && padding == 0)
            {
                return inChannels >= PackedRowChannels && groups == 1 ? ConvolutionAlgorithm.PackedPointwise : ConvolutionAlgorithm.Pointwise;
            }

            // Strided projections read every other pixel of every other row: packed, the six rows a tile reads sit together.
            if (kernel == 1 && padding == 0 && groups == 1)
            {
                return ConvolutionAlgorithm.PackedPointwise;
            }

            return padding == 0 && dilation == 1 && groups == 1 ? ConvolutionAlgorithm.Rows : ConvolutionAlgorithm.Taps;
        }
    }
}
