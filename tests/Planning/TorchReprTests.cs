using System.Linq;
using ResNetGen.Planning;
using ResNetGen.Tests.Networks;
using ResNetGen.Tests.Parity;
using Xunit;

namespace ResNetGen.Tests.Planning;

/// <summary>
/// The network's description against torchvision's own <c>print(model)</c>, byte for byte (goldens written by
/// tools/make_architecture_goldens.py from torchvision 0.14): the planner's text, the generated <c>TorchvisionRepr</c>
/// constants, and <see cref="TorchvisionArchitecture.TorchvisionRepr"/>.
/// </summary>
public sealed class TorchReprTests
{
    public static TheoryData<string> Configs => new(ArchitectureGoldens.With("repr"));

    [Theory]
    [MemberData(nameof(Configs))]
    public void The_plan_prints_as_torchvision_prints_the_model(string name) =>
        Assert.Equal(ArchitectureGoldens.Repr(name), TorchRepr.Of(Plan(ArchitectureGoldens.Spec(name))));

    [Fact]
    public void Input_size_batch_and_zero_init_leave_no_trace_in_the_text()
    {
        ResNetSpec spec = ArchitectureGoldens.Spec("resnet50") with { InputHeight = 97, InputWidth = 61, BatchSize = 3, ZeroInitResidual = true };

        Assert.Equal(ArchitectureGoldens.Repr("resnet50"), TorchRepr.Of(Plan(spec)));
    }

    [Fact]
    public void Every_golden_covers_what_it_should()
    {
        // The goldens hold grouped, wide, dilated (with and without a stride on the dilated block), headless, basic,
        // bottleneck and non-default class counts; this pins that the configs still show them.
        string all = string.Join("\n", ArchitectureGoldens.With("repr").Select(ArchitectureGoldens.Repr));
        Assert.Contains("groups=32", all);
        Assert.Contains("Conv2d(256, 256, kernel_size=(3, 3), stride=(2, 2), padding=(2, 2), dilation=(2, 2), bias=False)", all);
        Assert.Contains("(fc): Identity()", all);
        Assert.Contains("BasicBlock(", all);
        Assert.Contains("out_features=7, bias=True", all);
        Assert.Contains("Conv2d(64, 128, kernel_size=(1, 1)", all);
    }

    [Fact]
    public void Generated_classes_state_torchvision_repr()
    {
        Assert.Equal(ArchitectureGoldens.Repr("resnet18"), Repr<ParityResNet18>());
        Assert.Equal(ArchitectureGoldens.Repr("resnet50"), Repr<ParityResNet50>());
        Assert.Equal(ArchitectureGoldens.Repr("resnext50_32x4d"), Repr<ParityResNeXt50_32x4d>());
        Assert.Equal(ArchitectureGoldens.Repr("wide_resnet50_2"), Repr<ParityWideResNet50_2>());
        Assert.Equal(ArchitectureGoldens.Repr("resnet50_dilated"), Repr<ParityDilatedResNet50>());
        Assert.Equal(ArchitectureGoldens.Repr("basic_1111_classes10"), Repr<TinyBasicNet>());
        Assert.Equal(ArchitectureGoldens.Repr("basic_1111_headless"), Repr<HeadlessBasicNet>());
        Assert.Equal(ArchitectureGoldens.Repr("bottleneck_1112_grouped_dilated_classes7"), Repr<SmallMapDilatedNet>());
        Assert.Equal(ArchitectureGoldens.Repr("bottleneck_1112_grouped_dilated_classes7"), Repr<ZeroInitDilatedNet>());
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("resnext50_32x4d")]
    [InlineData("wide_resnet50_2")]
    public void The_table_of_torchvision_models_prints_as_torchvision(string name) =>
        Assert.Equal(ArchitectureGoldens.Repr(name), TorchvisionArchitecture.Find(name)!.TorchvisionRepr);

    [Fact]
    public void The_parity_networks_are_declared_as_the_table_has_them()
    {
        // The parity declarations are written out as attributes; their text shows they build the table's architectures.
        Assert.Equal(TorchvisionArchitecture.Find("resnet18")!.TorchvisionRepr, Repr<ParityResNet18>());
        Assert.Equal(TorchvisionArchitecture.Find("resnet34")!.TorchvisionRepr, Repr<ParityResNet34>());
        Assert.Equal(TorchvisionArchitecture.Find("resnet50")!.TorchvisionRepr, Repr<ParityResNet50>());
        Assert.Equal(TorchvisionArchitecture.Find("resnet101")!.TorchvisionRepr, Repr<ParityResNet101>());
        Assert.Equal(TorchvisionArchitecture.Find("resnet152")!.TorchvisionRepr, Repr<ParityResNet152>());
        Assert.Equal(TorchvisionArchitecture.Find("resnext50_32x4d")!.TorchvisionRepr, Repr<ParityResNeXt50_32x4d>());
        Assert.Equal(TorchvisionArchitecture.Find("wide_resnet50_2")!.TorchvisionRepr, Repr<ParityWideResNet50_2>());
    }

    private static string Repr<TNet>()
        where TNet : class, IResNet<TNet> => TNet.TorchvisionRepr;

    private static NetworkGraph Plan(ResNetSpec spec)
    {
        NetworkGraph? plan = Planner.Plan(spec, out PlanError? error);
        Assert.Null(error);
        return plan!;
    }
}
