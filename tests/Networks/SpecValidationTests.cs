using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using ResNetGen.Dynamic;
using ResNetGen.Tests.Generator;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>
/// The generator and the run-time graph judge an architecture by the same validator: every invalid attribute the
/// generator reports is refused by <see cref="DynamicResNet"/> with the very same message text, and nothing else.
/// </summary>
public sealed class SpecValidationTests
{
    public static TheoryData<string, ResNetAttribute> Invalid => new()
    {
        { "[ResNet(Block.Basic, 2, 2, 2)]", new ResNetAttribute(Block.Basic, 2, 2, 2) },
        { "[ResNet(Block.Basic, 2, 0, 2, 2)]", new ResNetAttribute(Block.Basic, 2, 0, 2, 2) },
        { "[ResNet(Block.Basic, 2, 2, 2, 1001)]", new ResNetAttribute(Block.Basic, 2, 2, 2, 1001) },
        { "[ResNet(Block.Basic, 2, 2, 2, 2, Groups = 2)]", new ResNetAttribute(Block.Basic, 2, 2, 2, 2) { Groups = 2 } },
        { "[ResNet((Block)7, 2, 2, 2, 2)]", new ResNetAttribute((Block)7, 2, 2, 2, 2) },
        { "[ResNet(Block.Bottleneck, 1, 1, 1, 1, NumClasses = 0, BatchSize = -3)]", new ResNetAttribute(Block.Bottleneck, 1, 1, 1, 1) { NumClasses = 0, BatchSize = -3 } },
        { "[ResNet(Block.Bottleneck, 1, 1, 1, 1, ReplaceStrideWithDilation = new[] { true })]", new ResNetAttribute(Block.Bottleneck, 1, 1, 1, 1) { ReplaceStrideWithDilation = new[] { true } } },
        { "[ResNet(Block.Bottleneck, 1, 1, 1, 1, InputHeight = 50000, InputWidth = 50000)]", new ResNetAttribute(Block.Bottleneck, 1, 1, 1, 1) { InputHeight = 50000, InputWidth = 50000 } },
        // Found by the planner rather than before it: a feature map too large for a span, and a dilated basic block.
        { "[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 2000, InputWidth = 2000, BatchSize = 64)]", new ResNetAttribute(Block.Bottleneck, 3, 4, 6, 3) { InputHeight = 2000, InputWidth = 2000, BatchSize = 64 } },
        { "[ResNet(Block.Basic, 2, 2, 2, 2, ReplaceStrideWithDilation = new[] { false, true, false })]", new ResNetAttribute(Block.Basic, 2, 2, 2, 2) { ReplaceStrideWithDilation = new[] { false, true, false } } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Generator_and_dynamic_graph_refuse_with_the_same_messages(string attribute, ResNetAttribute architecture)
    {
        Diagnostic[] diagnostics = GeneratorHarness.Run("using ResNetGen;\n" + attribute + "\npublic partial class Net { }").GeneratorDiagnostics.ToArray();
        Assert.NotEmpty(diagnostics);

        ArgumentException error = Assert.Throws<ArgumentException>(() => DynamicResNet.CreateRandom(architecture, 0, DynamicMode.Fused));
        foreach (Diagnostic diagnostic in diagnostics)
        {
            Assert.Contains(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        }
    }

    [Fact]
    public void Unknown_block_is_refused_at_run_time_as_at_compile_time()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => DynamicResNet.CreateRandom(new ResNetAttribute((Block)7, 1, 1, 1, 1), 0, DynamicMode.Eager));
        Assert.Contains("(Block)7 is not a block type", error.Message);
    }
}
