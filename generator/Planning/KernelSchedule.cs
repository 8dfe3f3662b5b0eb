namespace ResNetGen.Planning
{
    /// <summary>How a convolution's micro-kernel finds the input values each output pixel reads (see the runtime's <c>Convolution</c>).</summary>
    internal enum ConvolutionAlgorithm
    {
        /// <summary>1x1, stride 1, no padding: each pixel reads its own input channels.</summary>
        Pointwise = 0,

        /// <summary>Like <see cref="Pointwise"/>, with each tile's input rows first copied apart (wide inputs whose rows alias in the L1 cache).</summary>
        PackedPointwise = 1,

        /// <summary>No padding, no dilation, one group: each kernel row is one contiguous run of kernel x channels values.</summary>
        Rows = 2,

        /// <summary>Any geometry: one run of channels per kernel tap, zeros for taps in the padding.</summary>
        Taps = 3,
    }

    /// <summary>The per-layer kernel choices the generator makes at compile time from the shapes it knows.</summary>
    internal static class KernelSchedule
    {
        /// <summary>
        /// Inputs of at least this many channels are packed: NHWC rows of 1024 floats are 4 KB apart, so the six rows a
        /// tile reads fall in the same L1 cache sets. Measured on ResNet-50's 1024- and 2048-channel 1x1 layers.
        /// </summary>
        public const int PackedRowChannels = 1024;

        public static ConvolutionAlgorithm Choose(int inChannels, int kernel, int stride, int padding, int dilation, int groups)
        {
            if (kernel == 1 && stride == 1 && padding == 0)
            {
                return inChannels >= PackedRowChannels && groups == 1 ? ConvolutionAlgorithm.PackedPointwise : ConvolutionAlgorithm.Pointwise;
            }

            return padding == 0 && dilation == 1 && groups == 1 ? ConvolutionAlgorithm.Rows : ConvolutionAlgorithm.Taps;
        }
    }
}
