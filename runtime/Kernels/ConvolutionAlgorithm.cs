using System.ComponentModel;

namespace ResNetGen.Kernels;

/// <summary>
/// How <see cref="Convolution"/>'s micro-kernel finds the input values each output pixel reads. The generator picks
/// one per layer from the layer's shape and emits it as a literal.
/// </summary>
/// <remarks>Mirrored by the planner's own <c>ConvolutionAlgorithm</c> (shared source); a test pins every member of both.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum ConvolutionAlgorithm
{
    /// <summary>1x1, stride 1, no padding: each pixel reads its own input channels.</summary>
    Pointwise = 0,

    /// <summary>
    /// 1x1, no padding, one group, any stride: each tile's six input rows are first copied next to each other, for wide
    /// inputs whose rows, a multiple of 4 KB apart, would compete for the same L1 cache sets, and for strided
    /// projections, whose rows are scattered. The AVX-512 micro-kernel, which reads the rows once per 64 channels, reads them
    /// in place instead (measured faster there).
    /// </summary>
    PackedPointwise = 1,

    /// <summary>No padding, no dilation, one group: each kernel row is one contiguous run of kernel x channels values.</summary>
    Rows = 2,

    /// <summary>Any geometry: one run of channels per kernel tap, zeros for taps in the padding.</summary>
    Taps = 3,

    /// <summary>
    /// 3x3, stride 1, padding 1, no dilation, one group, channels in multiples of 8: Winograd's F(4x4, 3x3), a quarter of the
    /// multiplications (see <see cref="Kernels.Winograd"/>). The layer must be prepared for it, and the call needs a workspace.
    /// </summary>
    Winograd = 4,
}
