using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ResNetGen.Tests.Generator;

/// <summary>
/// <c>X.LoadPretrained(TorchvisionWeights.Y)</c> with an entry for another architecture is a compile error (RNG015) on the
/// entry, with the class's attribute as its second location; what the compiler cannot see is left to the run-time check.
/// </summary>
public sealed class PretrainedDiagnosticTests
{
    private const string Declarations = """
        using ResNetGen;

        [ResNet(Block.Basic, 2, 2, 2, 2)]
        public partial class Net18 { }

        [ResNet(Block.Bottleneck, 3, 4, 6, 3, NumClasses = 10)]
        public partial class Net50TenClasses { }

        [ResNet(Block.Bottleneck, 3, 4, 6, 3, NumClasses = 10, Headless = true, InputHeight = 96, InputWidth = 96)]
        public partial class Backbone50 { }
        """;

    [Theory]
    [InlineData("Net18.LoadPretrained(TorchvisionWeights.ResNet50_ImageNet1kV2)", "TorchvisionWeights.ResNet50_ImageNet1kV2",
        "TorchvisionWeights.ResNet50_ImageNet1kV2 (ResNet50_Weights.IMAGENET1K_V2) are for [ResNet(Block.Bottleneck, 3, 4, 6, 3)], but 'Net18' is declared [ResNet(Block.Basic, 2, 2, 2, 2)]: the weights have Block.Bottleneck blocks, not Block.Basic; stage depths 3, 4, 6, 3, not 2, 2, 2, 2. Declare 'Net18' as [ResNet(Block.Bottleneck, 3, 4, 6, 3)] or choose weights for its architecture.")]
    [InlineData("Net18.LoadPretrainedAsync(progress: null, weights: TorchvisionWeights.ResNet34_ModelZoo)", "TorchvisionWeights.ResNet34_ModelZoo",
        "TorchvisionWeights.ResNet34_ModelZoo (model_urls['resnet34']) are for [ResNet(Block.Basic, 3, 4, 6, 3)], but 'Net18' is declared [ResNet(Block.Basic, 2, 2, 2, 2)]: the weights have stage depths 3, 4, 6, 3, not 2, 2, 2, 2.")]
    [InlineData("Net50TenClasses.LoadPretrained(global::ResNetGen.TorchvisionWeights.ResNet50_ImageNet1kV1)", "global::ResNetGen.TorchvisionWeights.ResNet50_ImageNet1kV1",
        "the weights have 1000 classes, not NumClasses = 10 (declare Headless = true to load the weights without their fc)")]
    [InlineData("Backbone50.LoadPretrained(TorchvisionWeights.ResNeXt50_32x4d_ImageNet1kV2)", "TorchvisionWeights.ResNeXt50_32x4d_ImageNet1kV2",
        "but 'Backbone50' is declared [ResNet(Block.Bottleneck, 3, 4, 6, 3, Headless = true)]: the weights have Groups = 32 and WidthPerGroup = 4, not 1 and 64.")]
    public void An_entry_for_another_architecture_is_a_compile_error_on_the_entry(string call, string entry, string message)
    {
        string source = Declarations + "\nstatic class Use { static void Run() { _ = " + call + "; } }\n";

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Diagnostic diagnostic = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal("RNG015", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(entry, Text(source, diagnostic.Location));
        Location attribute = Assert.Single(diagnostic.AdditionalLocations);
        Assert.StartsWith("ResNet(Block.", Text(source, attribute));
        Assert.Equal(3, outcome.Sources.Count); // the classes are still generated: this error is the only one
        Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("Net18.LoadPretrained(TorchvisionWeights.ResNet18_ImageNet1kV1)")]
    [InlineData("Net18.LoadPretrained(TorchvisionWeights.ResNet18_ModelZoo, null, default)")]
    [InlineData("Backbone50.LoadPretrainedAsync(TorchvisionWeights.ResNet50_ImageNet1kV2)")]
    [InlineData("Net18.LoadPretrained(Pick())")]
    [InlineData("Net18.LoadPretrained(weights)")]
    [InlineData("Open<Net18>(TorchvisionWeights.ResNet50_ImageNet1kV2)")]
    public void Fitting_entries_and_what_the_compiler_cannot_see_compile(string call)
    {
        string source = Declarations + """

            static class Use
            {
                static PretrainedWeights weights = TorchvisionWeights.ResNet50_ImageNet1kV2;
                static PretrainedWeights Pick() => TorchvisionWeights.ResNet50_ImageNet1kV2;
                static TNet Open<TNet>(PretrainedWeights w) where TNet : class, IResNet<TNet> => TNet.LoadPretrained(w);
                static void Run() { _ = CALL; }
            }
            """.Replace("CALL", call);

        GeneratorOutcome outcome = GeneratorHarness.Run(source);

        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private static string Text(string source, Location location) => source.Substring(location.SourceSpan.Start, location.SourceSpan.Length);
}
