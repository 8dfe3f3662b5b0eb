using System;
using System.Linq;
using Xunit;

namespace ResNetGen.Tests.Planning;

/// <summary>
/// The planner (shared source, compiled into the generator and the runtime) cannot see the runtime's public enums, so three
/// of them have a planner twin. The runtime casts between twins by value and the emitter writes the planner's member
/// names into the runtime's enums, so every member must match by name and by value, in both directions.
/// </summary>
public sealed class MirroredEnumTests
{
    [Fact]
    public void Block_mirrors_the_planners_BlockKind() => AssertMirrored<Block, ResNetGen.Planning.BlockKind>();

    [Fact]
    public void StateDictEntryKind_mirrors_the_planners_TensorRole() => AssertMirrored<StateDictEntryKind, ResNetGen.Planning.TensorRole>();

    [Fact]
    public void Kernel_ConvolutionAlgorithm_mirrors_the_planners() => AssertMirrored<ResNetGen.Kernels.ConvolutionAlgorithm, ResNetGen.Planning.ConvolutionAlgorithm>();

    private static void AssertMirrored<TPublic, TPlanner>()
        where TPublic : struct, Enum
        where TPlanner : struct, Enum
    {
        string[] Members<T>()
            where T : struct, Enum => Enum.GetValues<T>().Select(v => v + "=" + Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(Members<TPlanner>(), Members<TPublic>());
    }
}
