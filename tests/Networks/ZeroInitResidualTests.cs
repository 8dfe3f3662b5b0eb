using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Dynamic;
using ResNetGen.Planning;
using ResNetGen.Tests.Planning;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>
/// <c>ZeroInitResidual</c> against torchvision's <c>zero_init_residual=True</c>: which batch-norm weights its initialised
/// state_dict holds all zero and which all one (goldens written by tools/make_architecture_goldens.py).
/// </summary>
public sealed class ZeroInitResidualTests
{
    public static TheoryData<string> Configs => new(ArchitectureGoldens.With("zero_init_residual"));

    [Theory]
    [MemberData(nameof(Configs))]
    public void Random_initialisation_zeroes_the_batch_norm_weights_torchvision_zeroes(string name)
    {
        NetworkGraph plan = Plan(ArchitectureGoldens.Spec(name) with { ZeroInitResidual = true });
        StateDictEntry[] entries = Entries(plan);
        StateDict zeroInit = StateDict.CreateRandom(entries, seed: 5, ResidualInitialisation.ZeroedWeights(plan));

        (string[] zero, string[] one) = ArchitectureGoldens.ZeroInitResidual(name);
        string[] batchNormWeights = entries.Where(e => e.Kind == StateDictEntryKind.BatchNormWeight).Select(e => e.Name).ToArray();
        Assert.Equal(zero, batchNormWeights.Where(n => zeroInit.Get(n).Data.All(v => v == 0f)).ToArray());
        Assert.Equal(one, batchNormWeights.Where(n => zeroInit.Get(n).Data.All(v => v == 1f)).ToArray());
        Assert.NotEmpty(zero);
    }

    [Theory]
    [InlineData("basic_1111_classes10")]
    [InlineData("bottleneck_1112_grouped_dilated_classes7")]
    public void Every_other_tensor_is_the_one_the_seed_gives_without_it(string name)
    {
        NetworkGraph plan = Plan(ArchitectureGoldens.Spec(name) with { ZeroInitResidual = true });
        StateDictEntry[] entries = Entries(plan);
        StateDict zeroInit = StateDict.CreateRandom(entries, seed: 6, ResidualInitialisation.ZeroedWeights(plan));
        StateDict plain = StateDict.CreateRandom(entries, seed: 6);

        HashSet<string> zeroed = ArchitectureGoldens.ZeroInitResidual(name).Zero.ToHashSet();
        foreach (StateDictEntry entry in entries.Where(e => !zeroed.Contains(e.Name)))
        {
            Assert.Equal(plain.Get(entry.Name).Data, zeroInit.Get(entry.Name).Data);
        }
    }

    [Fact]
    public void Without_it_nothing_is_zeroed()
    {
        NetworkGraph plan = Plan(ArchitectureGoldens.Spec("resnet18"));

        Assert.Empty(ResidualInitialisation.ZeroedWeights(plan));
    }

    [Fact]
    public void Generated_create_random_of_a_basic_network_zeroes_what_torchvision_zeroes() =>
        AssertGeneratedCreateRandom<ZeroInitBasicNet>("basic_1111_classes10", new ResNetAttribute(Block.Basic, 1, 1, 1, 1)
        {
            InputHeight = 32,
            InputWidth = 32,
            NumClasses = 10,
            ZeroInitResidual = true,
        });

    [Fact]
    public void Generated_create_random_of_a_grouped_dilated_network_zeroes_what_torchvision_zeroes() =>
        AssertGeneratedCreateRandom<ZeroInitDilatedNet>("bottleneck_1112_grouped_dilated_classes7", new ResNetAttribute(Block.Bottleneck, 1, 1, 1, 2)
        {
            Groups = 4,
            WidthPerGroup = 8,
            ReplaceStrideWithDilation = new[] { false, false, true },
            InputHeight = 32,
            InputWidth = 32,
            NumClasses = 7,
            ZeroInitResidual = true,
        });

    [Fact]
    public void Naming_a_tensor_that_is_not_a_batch_norm_weight_is_refused()
    {
        NetworkGraph plan = Plan(ArchitectureGoldens.Spec("basic_1111_classes10"));

        var e = Assert.Throws<ArgumentException>(() => StateDict.CreateRandom(Entries(plan), seed: 1, new[] { "layer1.0.conv2.weight" }));
        Assert.Contains("'layer1.0.conv2.weight' is not a batch-norm weight", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The generated <c>CreateRandom</c> and <c>DynamicResNet.CreateRandom</c> give the outputs of the weights built with
    /// torchvision's zeroed names, bit for bit, and not those of the plain initialisation.
    /// </summary>
    private static void AssertGeneratedCreateRandom<TNet>(string golden, ResNetAttribute architecture)
        where TNet : class, IResNet<TNet>
    {
        const int Seed = 11;
        float[] input = TestWeights.Input(TNet.InputLength, seed: 12);
        float[] Run(IResNet net)
        {
            var output = new float[TNet.OutputLength];
            net.Forward(input, output);
            return output;
        }

        float[] expected = Run(TNet.FromStateDict(StateDict.CreateRandom(TNet.Parameters, Seed, ArchitectureGoldens.ZeroInitResidual(golden).Zero)));
        float[] plain = Run(TNet.FromStateDict(StateDict.CreateRandom(TNet.Parameters, Seed)));
        var dynamic = new float[TNet.OutputLength];
        DynamicResNet.CreateRandom(architecture, Seed, DynamicMode.Fused).Forward(input, dynamic);

        Assert.Equal(expected, Run(TNet.CreateRandom(Seed)));
        Assert.Equal(expected, dynamic);
        Assert.NotEqual(plain, expected);
    }

    private static StateDictEntry[] Entries(NetworkGraph plan) =>
        plan.StateDict.Select(t => new StateDictEntry(t.Name, (StateDictEntryKind)t.Role, t.Shape.ToArray())).ToArray();

    private static NetworkGraph Plan(ResNetSpec spec)
    {
        NetworkGraph? plan = Planner.Plan(spec, out PlanError? error);
        Assert.Null(error);
        return plan!;
    }
}
