using System.Linq;
using Microsoft.CodeAnalysis;
using ResNetGen.Tests.Snapshots;
using Xunit;

namespace ResNetGen.Tests.Generator;

/// <summary>
/// A program that uses a network whose declaration has an error sees that error alone: the generator still declares the
/// class's members (each throwing the error), so no use of them becomes a knock-on CS0117, CS0311 or CS1061.
/// </summary>
public sealed class InvalidDeclarationTests
{
    /// <summary>Every member a program uses, and the class as an <c>IResNet&lt;T&gt;</c> type argument.</summary>
    private const string Program = """
        using System;
        using ResNetGen;

        public static class App
        {
            public static void Use()
            {
                var net = Net.Load("net.pth");
                Net other = Net.Load(new System.IO.MemoryStream(), null);
                var input = new float[Net.InputLength];
                var logits = new float[Net.BatchSize * Net.NumClasses];
                net.Forward(input, logits);
                net.ForwardFeatures(input, new float[Net.FeatureLength]);
                net.ThreadCount = 2;
                Console.WriteLine($"{Net.ParameterCount} {Net.MultiplyAccumulates} {Net.Parameters.Count} {net.Dimensions.ImageLength} {Net.ArenaLength} {other.ThreadCount}");
                IResNet opened = Open<Net>("net.safetensors");
                opened.Forward(input, logits);
                Net.FromStateDict(StateDict.CreateRandom(Net.Parameters, 0)).Forward(input, logits);
                Net.CreateRandom(seed: 1).Forward(input, logits);
            }

            private static IResNet Open<TNet>(string path) where TNet : class, IResNet<TNet> => TNet.Load(path);
        }

        """;

    [Theory]
    [InlineData("RNG004", "[ResNet(Block.Basic, 2, 0, 2, 2)]", "public partial class Net { }")]
    [InlineData("RNG003", "[ResNet(Block.Bottleneck, 3, 4, 6)]", "public partial class Net { }")]
    [InlineData("RNG009", "[ResNet(Block.Basic, 2, 2, 2, 2, ReplaceStrideWithDilation = new[] { false, true, false })]", "public partial class Net { }")]
    [InlineData("RNG010", "[ResNet(Block.Bottleneck, 3, 4, 6, 3, InputHeight = 50000, InputWidth = 50000)]", "public partial class Net { }")]
    [InlineData("RNG014", "[ResNet(Block.Basic, 2, 2, 2, 2)]", "public partial class Net { public Net() { } }")]
    public void Program_using_an_invalid_network_gets_the_RNG_error_alone(string id, string attribute, string declaration)
    {
        GeneratorOutcome outcome = GeneratorHarness.Run(Program + attribute + "\n" + declaration + "\n");

        Assert.Equal(id, Assert.Single(outcome.GeneratorDiagnostics).Id);
        Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Without_the_stub_the_same_program_would_fail_with_CS0117()
    {
        // The program's uses are real: a class that gets nothing (it is not partial, so no member can be added) fails as
        // a user would otherwise see it, with CS0117 for the members.
        GeneratorOutcome outcome = GeneratorHarness.Run(Program + "[ResNet(Block.Basic, 2, 0, 2, 2)]\npublic class Net { }\n");

        Assert.Equal(new[] { "RNG001", "RNG004" }, outcome.GeneratorDiagnostics.Select(d => d.Id).Order().ToArray());
        Assert.Empty(outcome.Sources);
        Assert.Contains(outcome.CompilationDiagnostics, d => d.Id == "CS0117");
    }

    [Fact]
    public void Accelerated_form_is_declared_too_when_ResNetGen_Ilgpu_is_referenced()
    {
        const string program = """
            using ILGPU;
            using ILGPU.Runtime;
            using ILGPU.Runtime.CPU;
            using ResNetGen;

            public static class App
            {
                public static void Use()
                {
                    using Context context = Context.CreateDefault();
                    using Accelerator cpu = context.CreateCPUAccelerator(0);
                    using Net.Accelerated net = Net.OnAccelerator(cpu, StateDict.CreateRandom(Net.Parameters, 0));
                    net.Forward(new float[Net.InputLength], new float[Net.OutputLength]);
                }
            }

            [ResNet(Block.Basic, 2, 2, 2, 2, NumClasses = 0)]
            public partial class Net { }
            """;

        GeneratorOutcome outcome = GeneratorHarness.RunWithAccelerators(program);

        Assert.Equal("RNG005", Assert.Single(outcome.GeneratorDiagnostics).Id);
        Assert.Empty(outcome.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Stub_throws_the_diagnostics_message()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("using ResNetGen;\nnamespace Models;\npublic partial class Outer\n{\n    [ResNet(Block.Basic, 2, 0, 2, 2)]\n    public partial class Net { }\n}\n");

        Diagnostic diagnostic = Assert.Single(outcome.GeneratorDiagnostics);
        (string hint, string stub) = Assert.Single(outcome.Sources);
        Assert.Equal("Models.Outer.Net.ResNet.g.cs", hint);
        Assert.Contains($"private const string DeclarationError = \"RNG004: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}\";", stub);
        Snapshot.Verify(stub, "InvalidDeclarationStub");
    }
}
