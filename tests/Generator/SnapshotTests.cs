using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResNetGen.Tests.Snapshots;
using Xunit;

namespace ResNetGen.Tests.Generator;

/// <summary>
/// Generated source and diagnostics compared with reviewed snapshots. One whole file (resnet50) shows everything the
/// generator writes; each feature is shown by the methods of a small network where it differs: the backbone of basic,
/// grouped and dilated networks, the entry points of a headless network, and all three for a batch with Winograd layers,
/// so an emitter change reads as a short diff; diagnostics are snapshot with their ID, span and message.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Whole_generated_file_of_resnet50_matches_its_snapshot()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run(Declaration("ResNet50", "[ResNet(Block.Bottleneck, 3, 4, 6, 3)]"));

        Assert.Empty(outcome.GeneratorDiagnostics);
        Snapshot.Verify(Assert.Single(outcome.Sources).Value, "ResNet50");
    }

    [Theory]
    [InlineData("BasicForward", "RunBackbone", "[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, NumClasses = 10)]")]
    [InlineData("GroupedForward", "RunBackbone", "[ResNet(Block.Bottleneck, 1, 1, 1, 1, Groups = 4, WidthPerGroup = 8, InputHeight = 32, InputWidth = 32, NumClasses = 10)]")]
    [InlineData("DilatedForward", "RunBackbone", "[ResNet(Block.Bottleneck, 1, 1, 1, 1, ReplaceStrideWithDilation = new[] { false, true, true }, NumClasses = 21, InputHeight = 48, InputWidth = 64)]")]
    [InlineData("HeadlessForward", "Forward ForwardFeatures", "[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, Headless = true)]")]
    [InlineData("WinogradBatchForward", "Forward ForwardFeatures RunBackbone", "[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 64, InputWidth = 72, NumClasses = 10, BatchSize = 2)]")]
    [InlineData("ImageByImageForward", "Forward ForwardFeatures", "[ResNet(Block.Basic, 1, 1, 1, 1, BatchSize = 4)]")]
    [InlineData("ImageByImageHeadlessForward", "Forward", "[ResNet(Block.Basic, 1, 1, 1, 1, BatchSize = 4, Headless = true)]")]
    public void Forward_methods_of_a_small_network_match_their_snapshot(string name, string methodNames, string attribute)
    {
        GeneratorOutcome outcome = GeneratorHarness.Run(Declaration("Net", attribute));

        Assert.Empty(outcome.GeneratorDiagnostics);
        string[] wanted = methodNames.Split(' ');
        string[] methods = CSharpSyntaxTree.ParseText(Assert.Single(outcome.Sources).Value).GetRoot()
            .DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Where(m => wanted.Contains(m.Identifier.Text))
            .Select(m => m.ToFullString().TrimStart('\n'))
            .ToArray();
        Assert.Equal(wanted.Length, methods.Length);
        Snapshot.Verify(string.Join("\n", methods), name);
    }

    [Fact]
    public void Diagnostics_match_their_snapshot_with_id_span_and_message()
    {
        string[] attributes =
        {
            "[ResNet(Block.Bottleneck, 3, 4, 6)]",
            "[ResNet(Block.Bottleneck, 3, 0, 6, 1001)]",
            "[ResNet(Block.Bottleneck, 3, 4, 6, 3, NumClasses = 0, BatchSize = -2)]",
            "[ResNet(Block.Bottleneck, 3, 4, 6, 3, ReplaceStrideWithDilation = new[] { true, true })]",
            "[ResNet(Block.Basic, 2, 2, 2, 2, Groups = 32)]",
            "[ResNet(Block.Basic, 2, 2, 2, 2, ReplaceStrideWithDilation = new[] { false, true, false })]",
            "[ResNet((Block)7, 3, 4, 6, 3)]",
            "[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 2000, InputWidth = 2000, BatchSize = 64)]",
            "[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = int.MaxValue, InputHeight = 1, InputWidth = 1)]",
        };
        var text = new StringBuilder();
        foreach (string attribute in attributes)
        {
            string source = Declaration("Net", attribute);
            text.Append(attribute).Append('\n');
            foreach (Diagnostic diagnostic in GeneratorHarness.Run(source).GeneratorDiagnostics)
            {
                FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
                text.Append("  ").Append(diagnostic.Id).Append(' ').Append(diagnostic.Severity)
                    .Append(" at ").Append(span.StartLinePosition).Append('-').Append(span.EndLinePosition)
                    .Append(" \"").Append(source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length)).Append("\": ")
                    .Append(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        Snapshot.Verify(text.ToString(), "Diagnostics", "txt");
    }

    [Fact]
    public void Nested_class_in_the_global_namespace_is_emitted_inside_its_containers()
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

        Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        (string hint, string generated) = Assert.Single(outcome.Sources);
        Assert.Equal("Zoo.Shelf.Tiny.ResNet.g.cs", hint);
        Assert.Contains("partial class Zoo", generated);
        Assert.Contains("partial struct Shelf", generated);
        Assert.DoesNotContain("namespace", generated);
    }

    private static string Declaration(string name, string attribute) => $$"""
        using ResNetGen;

        namespace Models;

        {{attribute}}
        public partial class {{name}} { }
        """;
}
