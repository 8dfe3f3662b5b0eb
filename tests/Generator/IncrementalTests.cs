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
    public void UnrelatedEditLeavesEveryStepCached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Networks, "class Other { }");
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("class Other { int x; }", GeneratorHarness.ParseOptions, other.FilePath));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, ResNetGenerator.ParseStep, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, ResNetGenerator.ModelStep, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.All(
            result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(run => run.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void ChangingOneNetworkReEmitsOnlyThatNetwork()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Networks);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string changed = Networks.Replace("Block.Bottleneck, 3, 4, 6, 3", "Block.Bottleneck, 3, 4, 23, 3");
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(changed, GeneratorHarness.ParseOptions, tree.FilePath));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        IncrementalStepRunReason[] models = result.TrackedSteps[ResNetGenerator.ModelStep]
            .SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();
        Assert.Equal(1, models.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, models.Count(r => r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Models.B.ResNet.g.cs" && s.SourceText.ToString().Contains("layer3.22.conv3"));
    }

    [Theory]
    [InlineData("NumClasses = 10")]
    [InlineData("Groups = 2")]
    [InlineData("ReplaceStrideWithDilation = new[] { false, false, true }")]
    public void ChangingAnOptionModifiesTheModel(string option)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Networks);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string changed = Networks.Replace("Block.Bottleneck, 3, 4, 6, 3", "Block.Bottleneck, 3, 4, 6, 3, " + option);
        GeneratorRunResult result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(changed, GeneratorHarness.ParseOptions, tree.FilePath)))
            .GetRunResult().Results.Single();

        Assert.Single(result.TrackedSteps[ResNetGenerator.ModelStep].SelectMany(run => run.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void StepOutputsHoldNoCompilerObjects()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Networks, "using ResNetGen; [ResNet(Block.Basic, 1)] public partial class Bad { }");
        GeneratorRunResult result = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (string step in new[] { ResNetGenerator.ParseStep, ResNetGenerator.ModelStep })
        {
            foreach (object value in result.TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Value))
            {
                AssertNoCompilerObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), step);
            }
        }
    }

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
