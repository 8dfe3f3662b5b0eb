using System;
using System.Runtime.CompilerServices;

namespace ResNetGen.Kernels;

/// <summary>
/// The portable micro-kernel, for CPUs without AVX2 and FMA (Arm64 among them) and for testing: the same six-pixel by
/// 16-channel tile, accumulated one float at a time with <see cref="MathF.FusedMultiplyAdd"/> in the same order as the
/// vector tiles, so all paths give the same bits.
/// </summary>
public static unsafe partial class Convolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileScalar<TEpilogue>(ref Job job, ref Target target)
        where TEpilogue : struct, IEpilogue
    {
        float* tile = stackalloc float[PixelTile * ChannelTile];
        new Span<float>(tile, PixelTile * ChannelTile).Clear();
        float* w = target.Weights;
        for (int segment = 0; segment < job.Segments; segment++)
        {
            float** rows = target.Inputs + (segment * PixelTile);

            for (int c = 0; c < job.SegmentLength; c++)
            {
                for (int r = 0; r < PixelTile; r++)
                {
                    float a = rows[r][c];
                    float* accumulators = tile + (r * ChannelTile);
                    for (int j = 0; j < ChannelTile; j++)
                    {
                        accumulators[j] = MathF.FusedMultiplyAdd(a, w[j], accumulators[j]);
                    }
                }

                w += ChannelTile;
            }
        }

        StorePartial<TEpilogue>(ref job, ref target, tile);
    }
}
