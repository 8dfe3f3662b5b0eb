using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ResNetGen.Tests.Generator;

/// <summary>
/// Every invalid declaration gets one specific error, on the [ResNet] attribute; the class then gets only the stub of its
/// members (InvalidDeclarationTests), never a network.
/// </summary>
public sealed class DiagnosticTests
{
    [Theory]
    [InlineData("RNG003", "ResNet(Block.Bottleneck, 3, 4, 6)", "exactly four stage depths", "3 were given")]
    [InlineData("RNG003", "ResNet(Block.Basic)", "exactly four stage depths", "0 were given")]
    [InlineData("RNG004", "ResNet(Block.Bottleneck, 3, 0, 6, 3)", "layer2 has depth 0")]
    [InlineData("RNG013", "ResNet(Block.Bottleneck, 3, 4, 1001, 3)", "layer3 has depth 1001", "at most 1000")]
    [InlineData("RNG005", "ResNet(Block.Bottleneck, 3, 4, 6, 3, NumClasses = 0)", "NumClasses is 0")]
    [InlineData("RNG005", "ResNet(Block.Bottleneck, 3, 4, 6, 3, BatchSize = -2)", "BatchSize is -2")]
    [InlineData("RNG005", "ResNet(Block.Bottleneck, 3, 4, 6, 3, InputChannels = 0)", "InputChannels is 0")]
    [InlineData("RNG005", "ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 0)", "Groups is 0")]
    [InlineData("RNG005", "ResNet(Block.Bottleneck, 3, 4, 6, 3, WidthPerGroup = 0)", "WidthPerGroup is 0")]
    [InlineData("RNG005", "ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 0)", "InputHeight is 0")]
    [InlineData("RNG006", "ResNet(Block.Bottleneck, 3, 4, 6, 3, ReplaceStrideWithDilation = new[] { true, true })", "has 2 element(s)")]
    [InlineData("RNG008", "ResNet(Block.Basic, 2, 2, 2, 2, Groups = 32)", "Groups is 32 and WidthPerGroup is 64")]
    [InlineData("RNG008", "ResNet(Block.Basic, 2, 2, 2, 2, WidthPerGroup = 128)", "Groups is 1 and WidthPerGroup is 128")]
    [InlineData("RNG009", "ResNet(Block.Basic, 2, 2, 2, 2, ReplaceStrideWithDilation = new[] { false, true, false })", "'layer3.1' would get dilation 2")]
    [InlineData("RNG012", "ResNet((Block)7, 3, 4, 6, 3)", "(Block)7 is not a block type")]
    [InlineData("RNG010", "ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 50000, InputWidth = 50000)", "the input needs 7,500,000,000 floats")]
    [InlineData("RNG010", "ResNet(Block.Bottleneck, 3, 4, 6, 3, InputWidth = int.MaxValue)", "the input needs 1,443,109,010,784 floats")]
    [InlineData("RNG010", "ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 2000, InputWidth = 2000, BatchSize = 64)", "the output of 'conv1' needs")]
    [InlineData("RNG010", "ResNet(Block.Bottleneck, 3, 4, 6, 3, InputChannels = 1, InputHeight = int.MaxValue, InputWidth = 1)", "the input with conv1's padding is 2,147,483,653x7 pixels", "reduce BatchSize or the input size")]
    [InlineData("RNG010", "ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = int.MaxValue, InputHeight = 1, InputWidth = 1)", "'layer1.0.conv1' would have int(64 * WidthPerGroup / 64) * Groups = 137,438,953,408 channels", "reduce Groups or WidthPerGroup")]
    [InlineData("RNG010", "ResNet(Block.Bottleneck, 3, 4, 6, 3, WidthPerGroup = 100000000, InputHeight = 1, InputWidth = 1)", "the tensor 'layer1.0.conv1.weight' needs 6,400,000,000 floats", "reduce Groups or WidthPerGroup")]
    [InlineData("RNG010", "ResNet(Block.Basic, 2, 2, 2, 2, NumClasses = int.MaxValue, InputHeight = 1, InputWidth = 1)", "the tensor 'fc.weight' needs 1,099,511,627,264 floats", "reduce NumClasses")]
    public void Invalid_attribute_is_reported_on_the_attribute(string id, string attribute, params string[] messageParts)
    {
        string source = $$"""
            using ResNetGen;

            [{{attribute}}]
            public partial class Net { }
            """;

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Diagnostic diagnostic = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("https://github.com/resnetgen/ResNetGen/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri);
        AssertOnAttribute(source, attribute, diagnostic);
        foreach (string part in messageParts)
        {
            Assert.Contains(part, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        AssertOnlyTheStub(outcome, diagnostic);
    }

    [Fact]
    public void Class_not_partial()
    {
        const string attribute = "ResNet(Block.Basic, 2, 2, 2, 2)";
        const string source = "using ResNetGen;\n[" + attribute + "]\npublic class Net { }\n";

        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);

        Assert.Equal("RNG001", diagnostic.Id);
        Assert.Contains("'Net' must be declared partial", diagnostic.GetMessage());
        AssertOnAttribute(source, attribute, diagnostic);
    }

    [Theory]
    [InlineData("public Net() { }")]
    [InlineData("private Net(int seed) { }")]
    [InlineData("public Net(string path) : this() { } private Net() { }")]
    public void Constructor_declared_by_the_user_is_reported_and_only_the_stub_is_generated(string constructor)
    {
        const string attribute = "ResNet(Block.Basic, 2, 2, 2, 2)";
        string source = "using ResNetGen;\n[" + attribute + "]\npublic partial class Net { " + constructor + " }\n";

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Diagnostic diagnostic = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal("RNG014", diagnostic.Id);
        Assert.Contains("'Net' declares a constructor", diagnostic.GetMessage());
        AssertOnAttribute(source, attribute, diagnostic);
        AssertOnlyTheStub(outcome, diagnostic);
    }

    [Fact]
    public void Static_constructor_is_the_users_own_and_allowed()
    {
        const string source = "using ResNetGen;\n[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32)]\npublic partial class Net { static Net() { } }\n";

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Single(outcome.Sources);
    }

    [Fact]
    public void Containing_type_not_partial()
    {
        const string attribute = "ResNet(Block.Basic, 2, 2, 2, 2)";
        const string source = "using ResNetGen;\npublic class Outer {\n[" + attribute + "]\npublic partial class Net { }\n}\n";

        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);

        Assert.Equal("RNG001", diagnostic.Id);
        Assert.Contains("'Outer' must be declared partial", diagnostic.GetMessage());
        AssertOnAttribute(source, attribute, diagnostic);
    }

    [Theory]
    [InlineData("public partial class Net<T> { }")]
    [InlineData("public partial class Outer<T> { [ATTRIBUTE] public partial class Net { } }")]
    public void Generic_class_or_container(string declaration)
    {
        const string attribute = "ResNet(Block.Basic, 2, 2, 2, 2)";
        string body = declaration.Contains("ATTRIBUTE") ? declaration.Replace("ATTRIBUTE", attribute) : "[" + attribute + "]\n" + declaration;
        string source = "using ResNetGen;\n" + body + "\n";

        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);

        Assert.Equal("RNG002", diagnostic.Id);
        AssertOnAttribute(source, attribute, diagnostic);
    }

    [Theory]
    [InlineData("public static partial class Net { }", "a static class")]
    [InlineData("public partial record Net { }", "a record")]
    public void Not_a_plain_class(string declaration, string what)
    {
        const string attribute = "ResNet(Block.Basic, 2, 2, 2, 2)";
        string source = "using ResNetGen;\n[" + attribute + "]\n" + declaration + "\n";

        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);

        Assert.Equal("RNG011", diagnostic.Id);
        Assert.Contains(what, diagnostic.GetMessage());
        AssertOnAttribute(source, attribute, diagnostic);
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        const string attribute = "ResNet(Block.Basic, 0, 2, 2, 2, NumClasses = 0, Groups = 2)";
        const string source = "using ResNetGen;\n[" + attribute + "]\npublic partial class Net { }\n";

        string[] ids = GeneratorHarness.Run(source).GeneratorDiagnostics.Select(d => d.Id).OrderBy(id => id).ToArray();

        Assert.Equal(new[] { "RNG004", "RNG005", "RNG008" }, ids);
    }

    [Fact]
    public void Planner_problems_are_reported_with_declaration_problems()
    {
        const string attribute = "ResNet(Block.Basic, 2, 2, 2, 2, ReplaceStrideWithDilation = new[] { false, false, true })";
        const string source = "using ResNetGen;\n[" + attribute + "]\npublic class Net { }\n";

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Assert.Equal(new[] { "RNG001", "RNG009" }, outcome.GeneratorDiagnostics.Select(d => d.Id).OrderBy(id => id).ToArray());
        Assert.All(outcome.GeneratorDiagnostics, d => AssertOnAttribute(source, attribute, d));
        Assert.Empty(outcome.Sources);
    }

    [Fact]
    public void Repeated_attribute_on_partial_declarations_is_left_to_the_compiler()
    {
        const string source = """
            using ResNetGen;
            [ResNet(Block.Basic, 2, 2, 2, 2)]
            public partial class Net { }
            [ResNet(Block.Bottleneck, 3, 4, 6, 3)]
            public partial class Net { }
            """;

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.Sources);
        Assert.Contains(outcome.CompilationDiagnostics, d => d.Id == "CS0579");
    }

    [Fact]
    public void Malformed_arguments_are_left_to_the_compiler()
    {
        const string source = "using ResNetGen;\n[ResNet(Block.Basic, 2, 2, \"two\", 2)]\npublic partial class Net { }\n";

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Contains("has an error, so the network was not generated", Assert.Single(outcome.Sources).Value);
        Assert.Equal("CS1503", Assert.Single(outcome.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error).Id);
    }

    /// <summary>The one generated file is the stub, throwing the diagnostic's message, and it compiles without a warning.</summary>
    private static void AssertOnlyTheStub(GeneratorOutcome outcome, Diagnostic diagnostic)
    {
        string stub = Assert.Single(outcome.Sources).Value;
        Assert.Contains("private const string DeclarationError = ", stub);
        Assert.Contains(diagnostic.Id + ": ", stub);
        Assert.DoesNotContain("RunBackbone", stub);
        Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private static void AssertOnAttribute(string source, string attribute, Diagnostic diagnostic)
    {
        int start = source.IndexOf(attribute, System.StringComparison.Ordinal);
        Assert.Equal(start, diagnostic.Location.SourceSpan.Start);
        Assert.Equal(attribute.Length, diagnostic.Location.SourceSpan.Length);
    }
}
