using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ResNetGen.Generator;
using Xunit;

namespace ResNetGen.Tests.Generator;

/// <summary>
/// Incremental caching, tested with tracked steps: run the driver, change the compilation, run it again and look at
/// why each step produced its outputs.
/// </summary>
public sealed class IncrementalTests
{
    private const string Networks = """
        using ResNetGen;
        namespace Models;
        [ResNet(Block.Basic, 2, 2, 2, 2)]
        public partial class A { }
        [ResNet(Block.Bottleneck, 3, 4, 6, 3)]
        public partial class B { }
        """;

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Networks, "class Other { }");
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("class Other { int x; }", GeneratorHarness.ParseOptions, other.FilePath));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // Roslyn re-runs the attribute transform on a new compilation; everything after it must see equal values.
        AssertReasons(result, ResNetGenerator.ParseStep, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, ResNetGenerator.ModelStep, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, ResNetGenerator.PlanStep, IncrementalStepRunReason.Cached);
        AssertOutputs(result, modified: 0, cached: 2);
    }

    [Fact]
    public void Changing_one_network_re_emits_only_that_network()
    {
        GeneratorRunResult result = Edit("Block.Bottleneck, 3, 4, 6, 3", "Block.Bottleneck, 3, 4, 23, 3", out GeneratorRunResult before);

        AssertOneOfTwoModified(result);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Models.B.ResNet.g.cs" && s.SourceText.ToString().Contains("layer3.22.conv3"));
        Assert.Equal(Source(before, "Models.A.ResNet.g.cs"), Source(result, "Models.A.ResNet.g.cs"));
    }

    [Theory]
    [InlineData("Block.Basic, 3, 4, 6, 3")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 2")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 3, NumClasses = 10")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 3, InputChannels = 1")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 3, InputHeight = 160")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 3, InputWidth = 160")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 3, BatchSize = 2")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 3, Groups = 2")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 3, WidthPerGroup = 32")]
    [InlineData("Block.Bottleneck, 3, 4, 6, 3, ReplaceStrideWithDilation = new[] { false, false, true }")]
    public void Changing_the_block_a_depth_or_any_option_re_emits_only_that_network(string arguments)
    {
        GeneratorRunResult result = Edit("Block.Bottleneck, 3, 4, 6, 3", arguments, out GeneratorRunResult before);

        AssertOneOfTwoModified(result);
        Assert.NotEqual(Source(before, "Models.B.ResNet.g.cs"), Source(result, "Models.B.ResNet.g.cs"));
        Assert.Equal(Source(before, "Models.A.ResNet.g.cs"), Source(result, "Models.A.ResNet.g.cs"));
    }

    [Fact]
    public void Edit_above_the_networks_in_their_file_replans_nothing()
    {
        GeneratorRunResult result = Edit("namespace Models;", "namespace Models;\n// a comment that moves both attributes one line down", out _);

        AssertReasons(result, ResNetGenerator.ModelStep, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, ResNetGenerator.PlanStep, IncrementalStepRunReason.Cached);
        AssertOutputs(result, modified: 0, cached: 2);
    }

    [Fact]
    public void Moved_planner_diagnostic_follows_its_attribute_without_replanning()
    {
        const string invalid = """
            using ResNetGen;
            [ResNet(Block.Basic, 2, 2, 2, 2, ReplaceStrideWithDilation = new[] { false, true, false })]
            public partial class Dilated { }
            """;
        CSharpCompilation compilation = GeneratorHarness.Compilation(invalid);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        Diagnostic first = Assert.Single(driver.GetRunResult().Diagnostics);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText("\n\n" + invalid, GeneratorHarness.ParseOptions, tree.FilePath));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Diagnostic moved = Assert.Single(result.Diagnostics);
        Assert.Equal("RNG009", moved.Id);
        Assert.Equal(first.Location.GetLineSpan().StartLinePosition.Line + 2, moved.Location.GetLineSpan().StartLinePosition.Line);
        AssertReasons(result, ResNetGenerator.PlanStep, IncrementalStepRunReason.Cached);
        Assert.Contains("RNG009: ", Assert.Single(result.GeneratedSources).SourceText.ToString());
    }

    [Fact]
    public void Step_outputs_hold_no_compiler_objects()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(
            Networks,
            "using ResNetGen; [ResNet(Block.Basic, 1)] public partial class Bad { }",
            "using ResNetGen; [ResNet(Block.Basic, 1, 1, 1, 1, ReplaceStrideWithDilation = new[] { true, true, true })] public class Unplannable { }",
            "static class Use { static void Run() => Models.A.LoadPretrained(ResNetGen.TorchvisionWeights.ResNet50_ImageNet1kV2); }");
        GeneratorRunResult result = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (string step in ResNetGenerator.Steps)
        {
            object[] values = result.TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Value).ToArray();
            Assert.NotEmpty(values);
            foreach (object value in values)
            {
                AssertNoCompilerObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), step);
            }
        }
    }

    /// <summary>Runs the driver on <see cref="Networks"/>, replaces <paramref name="from"/> with <paramref name="to"/> and runs it again.</summary>
    private static GeneratorRunResult Edit(string from, string to, out GeneratorRunResult before)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Networks);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        before = driver.GetRunResult().Results.Single();

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        Assert.Contains(from, Networks);
        string changed = Networks.Replace(from, to);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(changed, GeneratorHarness.ParseOptions, tree.FilePath));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        return result;
    }

    /// <summary>Of the two networks, exactly one was re-read into a different model, re-planned and re-emitted.</summary>
    private static void AssertOneOfTwoModified(GeneratorRunResult result)
    {
        foreach (string step in new[] { ResNetGenerator.ModelStep, ResNetGenerator.PlanStep })
        {
            IncrementalStepRunReason[] reasons = result.TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();
            Assert.Equal(2, reasons.Length);
            Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
            Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        }

        AssertOutputs(result, modified: 1, cached: 1);
    }

    /// <summary>The source outputs: how many generated files were written again and how many were kept.</summary>
    private static void AssertOutputs(GeneratorRunResult result, int modified, int cached)
    {
        IncrementalStepRunReason[] reasons = result.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput]
            .SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();
        Assert.Equal(modified, reasons.Count(r => r is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New));
        Assert.Equal(cached, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Equal(modified + cached, reasons.Length);
    }

    private static string Source(GeneratorRunResult result, string hintName) =>
        result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    private static void AssertReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        IncrementalStepRunReason[] reasons = result.TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Contains(reason, allowed));
    }

    private static void AssertNoCompilerObjects(object? value, HashSet<object> seen, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Type type = value.GetType();
        Assert.False(
            value is ISymbol or SyntaxNode or Location or Compilation or SemanticModel or SyntaxTree,
            $"{path} holds a {type.Name}, which would keep a compilation alive and defeat caching");
        if (value is DiagnosticDescriptor)
        {
            return; // Static descriptors are immutable data, compared by reference.
        }

        if (value is IEnumerable sequence)
        {
            int index = 0;
            foreach (object? item in sequence)
            {
                AssertNoCompilerObjects(item, seen, $"{path}[{index++}]");
            }
        }

        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoCompilerObjects(field.GetValue(value), seen, path + "." + field.Name);
        }
    }
}
