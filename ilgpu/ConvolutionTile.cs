namespace ResNetGen.Ilgpu;

/// <summary>
/// The tile shape of <see cref="ConvolutionKernel"/>, as a type parameter so that ILGPU sees every size as a constant
/// (shared-memory lengths must be constants). One thread group computes
/// <see cref="Pixels"/> output pixels x <see cref="Channels"/> output channels, walking the reduction
/// <see cref="Depth"/> values per step (one pair of barriers per step); each thread owns an 8 x 8 block of outputs in
/// registers (eight <c>Row8</c> values), so <see cref="Pixels"/> and <see cref="Channels"/> are multiples of 8. The group
/// size, <c>(Pixels / 8) x (Channels / 8)</c>, must be a multiple of <see cref="Depth"/>, so that every thread loads a
/// fixed k of the patch tile. The family is small and closed: the device schedule picks one per convolution by name.
/// </summary>
public interface IConvolutionTile
{
    /// <summary>Output pixels per group (the GEMM's M tile).</summary>
    int Pixels { get; }

    /// <summary>Output channels per group (the GEMM's N tile).</summary>
    int Channels { get; }

    /// <summary>Reduction values per step, between two barriers (the GEMM's K tile).</summary>
    int Depth { get; }

    /// <summary>
    /// Floats from one row of the input tile to the next: <c>Pixels + 1</c>, so that the threads of a warp, each storing
    /// its own row, hit different shared-memory banks.
    /// </summary>
    int InputTileStride { get; }

    /// <summary>Floats of the input tile in shared memory: <c>Depth x InputTileStride</c>.</summary>
    int InputTileLength { get; }

    /// <summary>Floats of the weight tile in shared memory: <c>Depth x Channels</c>.</summary>
    int WeightTileLength { get; }
}

/// <summary>
/// 64 pixels x 64 channels per group of 64 threads, 8 x 8 outputs per thread (the classic register-blocked SGEMM
/// micro-tile: 64 multiply-adds per 16 shared loads), 64 reduction values per step: about 33 KB of shared memory. The deep
/// step and the small group keep barriers few and cheap, which matters most where they are expensive (ILGPU's CPU
/// accelerator runs a group's threads on OS threads, and a barrier there costs in proportion to the group size).
/// </summary>
public readonly struct Tile64x64x64 : IConvolutionTile
{
    /// <inheritdoc/>
    public int Pixels => 64;

    /// <inheritdoc/>
    public int Channels => 64;

    /// <inheritdoc/>
    public int Depth => 64;

    /// <inheritdoc/>
    public int InputTileStride => 65;

    /// <inheritdoc/>
    public int InputTileLength => 64 * 65;

    /// <inheritdoc/>
    public int WeightTileLength => 64 * 64;
}

/// <summary>
/// 128 pixels x 64 channels per group of 128 threads, 32 reduction values per step (about 24 KB of shared memory): the
/// large tile for the early, wide maps, where there are pixels enough to fill the device with big groups.
/// </summary>
public readonly struct Tile128x64x32 : IConvolutionTile
{
    /// <inheritdoc/>
    public int Pixels => 128;

    /// <inheritdoc/>
    public int Channels => 64;

    /// <inheritdoc/>
    public int Depth => 32;

    /// <inheritdoc/>
    public int InputTileStride => 129;

    /// <inheritdoc/>
    public int InputTileLength => 32 * 129;

    /// <inheritdoc/>
    public int WeightTileLength => 32 * 64;
}

/// <summary>
/// 32 pixels x 64 channels per group of 32 threads (one warp), 32 reduction values per step (about 12 KB): the small-pixel
/// tile for 14x14 and 7x7 maps, where a 64- or 128-pixel tile would leave most of the device idle.
/// </summary>
public readonly struct Tile32x64x32 : IConvolutionTile
{
    /// <inheritdoc/>
    public int Pixels => 32;

    /// <inheritdoc/>
    public int Channels => 64;

    /// <inheritdoc/>
    public int Depth => 32;

    /// <inheritdoc/>
    public int InputTileStride => 33;

    /// <inheritdoc/>
    public int InputTileLength => 32 * 33;

    /// <inheritdoc/>
    public int WeightTileLength => 32 * 64;
}

/// <summary>
/// 256 pixels x 8 channels per group of 32 threads, 32 reduction values per step (about 34 KB): for grouped convolutions
/// whose groups have 8 output channels or fewer (ResNeXt-50 32x4d's first stage has 4), where a 64-channel tile would
/// leave seven threads in eight with nothing to compute.
/// </summary>
public readonly struct Tile256x8x32 : IConvolutionTile
{
    /// <inheritdoc/>
    public int Pixels => 256;

    /// <inheritdoc/>
    public int Channels => 8;

    /// <inheritdoc/>
    public int Depth => 32;

    /// <inheritdoc/>
    public int InputTileStride => 257;

    /// <inheritdoc/>
    public int InputTileLength => 32 * 257;

    /// <inheritdoc/>
    public int WeightTileLength => 32 * 8;
}
