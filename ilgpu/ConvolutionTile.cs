namespace ResNetGen.Ilgpu;

/// <summary>
/// The tile shape of <see cref="ConvolutionKernel"/>, as a type parameter so that ILGPU sees every size as a constant
/// (shared-memory lengths must be constants, and the register block's unused rows fold away). One thread group of
/// <see cref="Threads"/> threads computes <see cref="Pixels"/> output pixels x <see cref="Channels"/> output channels, walking
/// the reduction <see cref="Depth"/> values per step through two shared-memory stages (one barrier per step). Each thread owns
/// <see cref="RowsPerThread"/> pixels x 8 channels of outputs in registers (<c>Row8</c> values), its pixels
/// <c>Pixels / RowsPerThread</c> apart, so the threads of a warp read consecutive patch values. The family is small and
/// closed (every member has 128 threads); the device schedule picks one per convolution by name.
/// </summary>
/// <remarks>
/// The shapes obey what the kernel's loads assume: <see cref="Threads"/> = <c>(Pixels / RowsPerThread) x (Channels / 8)</c> is
/// a multiple of <see cref="Depth"/> (each thread gathers one fixed k of the patch tile, <see cref="PatchLoads"/> pixels of it)
/// and of <c>Channels / 4</c> (each thread loads whole quads of one fixed quad column of the weight tile).
/// </remarks>
public interface IConvolutionTile
{
    /// <summary>Output pixels per group (the GEMM's M tile).</summary>
    int Pixels { get; }

    /// <summary>Output channels per group (the GEMM's N tile), a multiple of 8.</summary>
    int Channels { get; }

    /// <summary>Reduction values per step (the GEMM's K tile).</summary>
    int Depth { get; }

    /// <summary>Pixels per thread: 8, 4 or 2 rows of 8 channels.</summary>
    int RowsPerThread { get; }

    /// <summary>Threads per group: <c>(Pixels / RowsPerThread) x (Channels / 8)</c>.</summary>
    int Threads { get; }

    /// <summary>Patch values each thread gathers per step: <c>Depth x Pixels / Threads</c>, 8, 16 or 32.</summary>
    int PatchLoads { get; }

    /// <summary>Weight quads (four channels) each thread loads per step, at most 4: <c>Depth x Channels / 4 / Threads</c>, rounded up.</summary>
    int WeightQuadLoads { get; }

    /// <summary>
    /// Floats from one row of the patch tile to the next: <c>Pixels + 1</c>, so that the threads of a warp, each storing
    /// its own row, hit different shared-memory banks.
    /// </summary>
    int InputTileStride { get; }

    /// <summary>Floats of one stage of the patch tile: <c>Depth x InputTileStride</c>.</summary>
    int InputTileLength { get; }

    /// <summary>
    /// Quads from one row of the weight tile to the next: <c>Channels / 4</c> plus one quad of padding after every 32
    /// channels but the last, so that the eight 8-channel columns a quarter-warp reads cover all 32 banks once.
    /// </summary>
    int WeightTileStride { get; }

    /// <summary>Quads of one stage of the weight tile: <c>Depth x WeightTileStride</c>.</summary>
    int WeightTileLength { get; }
}

/// <summary>
/// 128 pixels x 64 channels, 8 x 8 outputs per thread (the classic register-blocked SGEMM micro-tile: 64 multiply-adds per
/// 8 patch and 2 weight-quad reads), 128 threads, K steps of 16 (about 26 KB of shared memory for both stages): the large
/// tile for the early, wide maps, where there are pixels enough to fill the device with big groups.
/// </summary>
public readonly struct Tile128x64x16 : IConvolutionTile
{
    /// <inheritdoc/>
    public int Pixels => 128;

    /// <inheritdoc/>
    public int Channels => 64;

    /// <inheritdoc/>
    public int Depth => 16;

    /// <inheritdoc/>
    public int RowsPerThread => 8;

    /// <inheritdoc/>
    public int Threads => 128;

    /// <inheritdoc/>
    public int PatchLoads => 16;

    /// <inheritdoc/>
    public int WeightQuadLoads => 2;

    /// <inheritdoc/>
    public int InputTileStride => 129;

    /// <inheritdoc/>
    public int InputTileLength => 16 * 129;

    /// <inheritdoc/>
    public int WeightTileStride => 17;

    /// <inheritdoc/>
    public int WeightTileLength => 16 * 17;
}

/// <summary>
/// 64 pixels x 64 channels, 4 x 8 outputs per thread, 128 threads, K steps of 32 (about 34 KB for both stages): the middle
/// maps, the largest tile that still gives every multiprocessor a group.
/// </summary>
public readonly struct Tile64x64x32 : IConvolutionTile
{
    /// <inheritdoc/>
    public int Pixels => 64;

    /// <inheritdoc/>
    public int Channels => 64;

    /// <inheritdoc/>
    public int Depth => 32;

    /// <inheritdoc/>
    public int RowsPerThread => 4;

    /// <inheritdoc/>
    public int Threads => 128;

    /// <inheritdoc/>
    public int PatchLoads => 16;

    /// <inheritdoc/>
    public int WeightQuadLoads => 4;

    /// <inheritdoc/>
    public int InputTileStride => 65;

    /// <inheritdoc/>
    public int InputTileLength => 32 * 65;

    /// <inheritdoc/>
    public int WeightTileStride => 17;

    /// <inheritdoc/>
    public int WeightTileLength => 32 * 17;
}

/// <summary>
/// 32 pixels x 64 channels, 2 x 8 outputs per thread, 128 threads, K steps of 32 (about 26 KB for both stages): the
/// small-pixel tile for 14x14 and 7x7 maps, where a 64- or 128-pixel tile would leave most of the device idle.
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
    public int RowsPerThread => 2;

    /// <inheritdoc/>
    public int Threads => 128;

    /// <inheritdoc/>
    public int PatchLoads => 8;

    /// <inheritdoc/>
    public int WeightQuadLoads => 4;

    /// <inheritdoc/>
    public int InputTileStride => 33;

    /// <inheritdoc/>
    public int InputTileLength => 32 * 33;

    /// <inheritdoc/>
    public int WeightTileStride => 17;

    /// <inheritdoc/>
    public int WeightTileLength => 32 * 17;
}

/// <summary>
/// 256 pixels x 8 channels, 2 x 8 outputs per thread, 128 threads, K steps of 16 (about 37 KB for both stages): for grouped
/// convolutions whose groups have 8 output channels or fewer (ResNeXt-50 32x4d's first stage has 4), where a 64-channel
/// tile would leave seven threads in eight with nothing to compute.
/// </summary>
public readonly struct Tile256x8x16 : IConvolutionTile
{
    /// <inheritdoc/>
    public int Pixels => 256;

    /// <inheritdoc/>
    public int Channels => 8;

    /// <inheritdoc/>
    public int Depth => 16;

    /// <inheritdoc/>
    public int RowsPerThread => 2;

    /// <inheritdoc/>
    public int Threads => 128;

    /// <inheritdoc/>
    public int PatchLoads => 32;

    /// <inheritdoc/>
    public int WeightQuadLoads => 1;

    /// <inheritdoc/>
    public int InputTileStride => 257;

    /// <inheritdoc/>
    public int InputTileLength => 16 * 257;

    /// <inheritdoc/>
    public int WeightTileStride => 2;

    /// <inheritdoc/>
    public int WeightTileLength => 16 * 2;
}
