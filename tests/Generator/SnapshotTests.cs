using System.Linq;
using ResNetGen.Tests.Snapshots;
using Xunit;

namespace ResNetGen.Tests.Generator;

/// <summary>The generated source for representative networks, compared with reviewed snapshots.</summary>
public sealed class SnapshotTests
{
    [Theory]
    [InlineData("ResNet18", "[ResNet(Block.Basic, 2, 2, 2, 2)]")]
    [InlineData("ResNet50", "[ResNet(Block.Bottleneck, 3, 4, 6, 3)]")]
    [InlineData("ResNeXt50_32x4d", "[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]")]
    [InlineData("DilatedResNet50", "[ResNet(Block.Bottleneck, 3, 4, 6, 3, ReplaceStrideWithDilation = new[] { false, true, true }, NumClasses = 21, InputHeight = 96, InputWidth = 128)]")]
    public void GeneratedSourceMatchesSnapshot(string name, string attribute)
    {
        string source = $$"""
            using ResNetGen;

            namespace Models;

            {{attribute}}
            public partial class {{name}} { }
            """;

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Assert.Empty(outcome.GeneratorDiagnostics);
        string generated = Assert.Single(outcome.Sources).Value;
        Snapshot.Verify(generated, name);
    }

    [Fact]
    public void NestedClassInGlobalNamespaceIsEmittedInsideItsContainers()
    {
        const string source = """
            using ResNetGen;

            public static partial class Zoo
            {
                internal partial struct Shelf
                {
                    [ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, NumClasses = 10)]
                    private partial class Tiny { }
                }
            }
            """;

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        (string hint, string generated) = Assert.Single(outcome.Sources);
        Assert.Equal("Zoo.Shelf.Tiny.ResNet.g.cs", hint);
        Assert.Contains("partial class Zoo", generated);
        Assert.Contains("partial struct Shelf", generated);
        Assert.DoesNotContain("namespace", generated);
    }
}
