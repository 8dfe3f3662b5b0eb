using System;
using System.Linq;
using ResNetGen.Ilgpu;
using ResNetGen.Planning;
using Xunit;

namespace ResNetGen.Tests.Accelerators;

/// <summary>
/// The tile family of ResNetGen.Ilgpu is the device schedule's (<see cref="DeviceTile"/>), member for member, and every
/// member keeps the rules the kernel's loads rely on: 128 to 256 threads, a group size that divides into the patch tile's
/// k and the weight tile's quad columns, whole <c>Row8</c>s of patch loads, at most four weight quads per thread, and the
/// padded strides the bank-conflict argument needs.
/// </summary>
public sealed class TileFamilyTests
{
    private static readonly Type[] Tiles = typeof(IConvolutionTile).Assembly.GetTypes()
        .Where(t => t.IsValueType && typeof(IConvolutionTile).IsAssignableFrom(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    public static TheoryData<string> TileNames => new(Tiles.Select(t => t.Name));

    [Fact]
    public void The_kernel_family_is_the_schedules_family()
    {
        Assert.Equal(DeviceTile.All.Select(t => t.TypeName).Order(StringComparer.Ordinal), Tiles.Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(TileNames))]
    public void Every_tile_keeps_the_kernels_rules(string name)
    {
        var tile = (IConvolutionTile)Activator.CreateInstance(Tiles.Single(t => t.Name == name))!;
        DeviceTile planned = DeviceTile.All.Single(t => t.TypeName == name);
        Assert.Equal((planned.Pixels, planned.Channels, planned.Depth, planned.Threads), (tile.Pixels, tile.Channels, tile.Depth, tile.Threads));

        Assert.InRange(tile.Threads, 128, 256);
        Assert.Contains(tile.RowsPerThread, new[] { 2, 4, 8 });
        Assert.Equal(tile.Pixels / tile.RowsPerThread * (tile.Channels / 8), tile.Threads);
        Assert.Equal(0, tile.Threads % tile.Depth);
        Assert.Equal(0, tile.Threads % (tile.Channels / 4));
        Assert.Equal(tile.Depth * tile.Pixels / tile.Threads, tile.PatchLoads);
        Assert.Contains(tile.PatchLoads, new[] { 8, 16, 32 });
        Assert.Equal(((tile.Depth * tile.Channels / 4) + tile.Threads - 1) / tile.Threads, tile.WeightQuadLoads);
        Assert.InRange(tile.WeightQuadLoads, 1, 4);
        Assert.Contains(tile.WeightQuadLoads, new[] { 1, 2, 4 });

        Assert.Equal(tile.Pixels + 1, tile.InputTileStride);
        Assert.Equal(tile.Depth * tile.InputTileStride, tile.InputTileLength);
        int quads = tile.Channels / 4;
        Assert.Equal(quads + ((quads - 1) / 8), tile.WeightTileStride);
        Assert.Equal(tile.Depth * tile.WeightTileStride, tile.WeightTileLength);

        int bytes = (int)typeof(ConvolutionKernel).GetMethod(nameof(ConvolutionKernel.SharedMemoryBytes))!.MakeGenericMethod(tile.GetType()).Invoke(null, null)!;
        Assert.Equal(planned.SharedMemoryBytes, bytes);
        Assert.InRange(bytes, 1, 48 * 1024);
    }

    [Theory]
    [MemberData(nameof(TileNames))]
    public void A_quarter_warp_reads_its_weight_quads_from_distinct_banks(string name)
    {
        // Threads 0-7 of a warp hold 8 different channel columns (or, with one column, all read the same quads, a
        // broadcast). Each of a thread's two 128-bit reads is its own instruction: within one, the quads the 8 threads read
        // must lie in distinct banks (4-byte banks, 32 of them), whatever the row.
        var tile = (IConvolutionTile)Activator.CreateInstance(Tiles.Single(t => t.Name == name))!;
        int columns = Math.Min(8, tile.Channels / 8);
        for (int read = 0; read < 2; read++)
        {
            for (int row = 0; row < tile.Depth; row++)
            {
                int[] banks = Enumerable.Range(0, columns)
                    .SelectMany(thread =>
                    {
                        int quad = (thread * 2) + read;
                        int position = 4 * ((row * tile.WeightTileStride) + quad + (quad / 8));
                        return Enumerable.Range(0, 4).Select(lane => (position + lane) % 32);
                    })
                    .ToArray();
                Assert.True(banks.Length == banks.Distinct().Count(), $"{name}, read {read}, row {row}: banks {string.Join(", ", banks)}");
            }
        }
    }
}
