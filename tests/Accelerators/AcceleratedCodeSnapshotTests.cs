using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResNetGen.Tests.Generator;
using ResNetGen.Tests.Snapshots;
using Xunit;

namespace ResNetGen.Tests.Accelerators;

/// <summary>
/// The accelerated form the generator writes when the compilation references ResNetGen.Ilgpu: a reviewed snapshot of one
/// network's <c>OnAccelerator</c> and <c>Accelerated</c> class, compiled without a warning; and nothing of it without the reference.
/// </summary>
public sealed class AcceleratedCodeSnapshotTests
{
    private const string Source = """
        using ResNetGen;

        namespace Models;

        [ResNet(Block.Bottleneck, 1, 1, 1, 1, Groups = 2, WidthPerGroup = 16, InputHeight = 32, InputWidth = 32, NumClasses = 10, BatchSize = 2)]
        public partial class Net { }
        """;

    [Fact]
    public void Accelerated_form_of_a_small_grouped_network_matches_its_snapshot_and_compiles()
    {
        GeneratorOutcome outcome = GeneratorHarness.RunWithAccelerators(Source);

        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        SyntaxNode root = CSharpSyntaxTree.ParseText(Assert.Single(outcome.Sources).Value).GetRoot();
        MethodDeclarationSyntax onAccelerator = root.DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "OnAccelerator");
        ClassDeclarationSyntax accelerated = root.DescendantNodes().OfType<ClassDeclarationSyntax>().Single(c => c.Identifier.Text == "Accelerated");
        Snapshot.Verify(onAccelerator.ToFullString().TrimStart('\n') + accelerated.ToFullString(), "AcceleratedForward");
    }

    [Fact]
    public void Without_ResNetGen_Ilgpu_nothing_accelerated_is_emitted()
    {
        string generated = Assert.Single(GeneratorHarness.Run(Source).Sources).Value;

        Assert.DoesNotContain("Accelerated", generated);
        Assert.DoesNotContain("ILGPU", generated);
    }
}
