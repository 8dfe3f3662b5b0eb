using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ResNetGen.Tests.Generator;

/// <summary>
/// Random [ResNet] arguments never make the generator throw: every declaration yields either a network that compiles
/// without warnings, or RNG errors on the attribute and no code.
/// </summary>
public sealed class RandomAttributeTests
{
    /// <summary>
    /// About two thirds of the cases are valid networks, each compiled (about 5 s in all); the rest reach the diagnostics
    /// that arguments alone can cause. Raise it to search harder: the generator has no case that depends on luck.
    /// </summary>
    private const int Cases = 100;

    private static readonly string[] IntOptions = { "NumClasses", "InputChannels", "InputHeight", "InputWidth", "BatchSize", "Groups", "WidthPerGroup" };

    [Fact]
    public void Every_attribute_yields_compiling_code_or_diagnostics()
    {
        Prop.ForAll(Attributes().ToArbitrary(), attribute =>
        {
            string source = "using ResNetGen;\nnamespace Models;\n[" + attribute + "]\npublic partial class Net { }\n";

            // The harness fails the test if the generator threw (which the compiler would only report as CS8785).
            GeneratorOutcome outcome = GeneratorHarness.Run(source);

            if (outcome.GeneratorDiagnostics.IsEmpty)
            {
                Assert.Single(outcome.Sources);
                Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            }
            else
            {
                // Only the stub of the class's members, which compiles, so the RNG errors stand alone.
                // (The attribute's own arguments may draw a compiler warning, such as a null for the depths.)
                Assert.Contains("DeclarationError", Assert.Single(outcome.Sources).Value);
                Assert.Empty(outcome.CompilationDiagnostics.Where(d =>
                    d.Severity == DiagnosticSeverity.Error || (d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) ?? false)));
                Assert.All(outcome.GeneratorDiagnostics, d =>
                {
                    Assert.StartsWith("RNG", d.Id);
                    Assert.Equal(DiagnosticSeverity.Error, d.Severity);
                    Assert.Equal(source.IndexOf(attribute, System.StringComparison.Ordinal), d.Location.SourceSpan.Start);
                });
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true));
    }

    /// <summary>
    /// The text of a [ResNet(...)] attribute: about two thirds are valid networks, the rest have one or more invalid or extreme
    /// values (a depth or option of zero, negative or huge, the wrong number of depths or flags, an undefined block).
    /// </summary>
    private static Gen<string> Attributes() =>
        from block in Gen.Frequency(
            (10, Gen.Constant("Block.Basic")),
            (10, Gen.Constant("Block.Bottleneck")),
            (1, Gen.Choose(-2, 4).Select(value => "(Block)(" + Int(value) + ")")))
        from layers in Layers()
        from options in Gen.CollectToArray(IntOptions, name => Option(name, bottleneck: block != "Block.Basic"))
        from dilation in Dilation(bottleneck: block != "Block.Basic")
        select string.Join(", ", new[] { "ResNet(" + block }.Concat(layers).Concat(options.OfType<string>()).Concat(dilation)) + ")";

    /// <summary>Stage depths as the params list (usually four), or an explicit null array.</summary>
    private static Gen<string[]> Layers() =>
        Gen.Frequency(
            (1, Gen.Constant(new[] { "null" })),
            (30, Gen.Frequency(
                    (12, Gen.Constant(4)),
                    (1, Gen.Choose(0, 6)))
                .SelectMany(count => Gen.ArrayOf(Depth(), count))
                .Select(depths => depths.Select(Int).ToArray())));

    private static Gen<int> Depth() =>
        Gen.Frequency(
            (60, Gen.Choose(1, 2)),
            (6, Gen.Constant(3)),
            (1, Gen.Choose(-1, 0)),
            (1, Gen.Elements(int.MinValue, 1001, int.MaxValue)));

    /// <summary>
    /// A named option, present a third of the time: a usual value, or rarely zero, negative or far too large. Groups and
    /// WidthPerGroup mostly come with bottlenecks, as in torchvision.
    /// </summary>
    private static Gen<string?> Option(string name, bool bottleneck)
    {
        Gen<int> usual = name switch
        {
            "InputHeight" or "InputWidth" => Gen.Choose(1, 80),
            "NumClasses" => Gen.Choose(1, 20),
            "WidthPerGroup" => Gen.Elements(1, 4, 16, 64, 128),
            _ => Gen.Choose(1, 4),
        };
        Gen<int> value = Gen.Frequency(
            (40, usual),
            (1, Gen.Choose(-3, 0)),
            (1, Gen.Elements(int.MinValue, 100_000, 1 << 20, int.MaxValue)));
        int absent = name is "Groups" or "WidthPerGroup" && !bottleneck ? 20 : 2;
        return Gen.Frequency(
            (absent, Gen.Constant<string?>(null)),
            (1, value.Select(v => (string?)(name + " = " + Int(v)))));
    }

    /// <summary>ReplaceStrideWithDilation: usually absent, sometimes null, three flags (for bottlenecks), or the wrong number of them.</summary>
    private static Gen<string[]> Dilation(bool bottleneck) =>
        Gen.Frequency(
            (bottleneck ? 6 : 30, Gen.Constant(System.Array.Empty<string>())),
            (1, Gen.Constant(new[] { "ReplaceStrideWithDilation = null" })),
            (3, Gen.Frequency((10, Gen.Constant(3)), (1, Gen.Choose(0, 5)))
                .SelectMany(count => Gen.ArrayOf(Gen.Elements(false, true), count))
                .Select(flags => new[] { "ReplaceStrideWithDilation = new bool[] { " + string.Join(", ", flags.Select(f => f ? "true" : "false")) + " }" })));

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
