using System.Linq;
using ResNetGen.Dynamic;
using Xunit;

namespace ResNetGen.Tests.Weights;

/// <summary>
/// Weights for another network: counts first, the declaration the file fits, a few keys (the message stays short), and
/// the complete lists on the exception.
/// </summary>
public sealed class AnotherNetworkTests
{
    [Fact]
    public void Resnet18_weights_for_resnet50_name_resnet18_in_a_short_message()
    {
        StateDict resnet18 = StateDict.CreateRandom(ResNetGen.Sample.ResNet18.Parameters, seed: 1);

        var e = Assert.Throws<WeightLoadException>(() => ResNetGen.Sample.ResNet50.FromStateDict(resnet18));

        string[] lines = e.Message.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains($"{e.MissingKeys.Count} key(s) missing, {e.UnexpectedKeys.Count} unexpected, {e.ShapeMismatches.Count} of another shape", lines[0]);
        Assert.Equal("[ResNet(Block.Basic, 2, 2, 2, 2)]", e.FittingDeclaration);
        Assert.Equal("resnet18", e.FittingTorchvisionModel);
        Assert.StartsWith("The file's keys and shapes fit [ResNet(Block.Basic, 2, 2, 2, 2)] (torchvision's resnet18)", lines[1]);

        // The lists are complete on the exception, short in the message: every resnet50 key that resnet18 lacks is missing.
        string[] lacking = [.. ResNetGen.Sample.ResNet50.Parameters.Select(p => p.Name).Except(ResNetGen.Sample.ResNet18.Parameters.Select(p => p.Name))];
        Assert.Equal(lacking, e.MissingKeys);
        Assert.True(e.MissingKeys.Count > 100);
        int keysShown = lines.Count(line => line.StartsWith("    ", System.StringComparison.Ordinal) && !line.Contains("more (WeightLoadException."));
        Assert.InRange(keysShown, 1, 10);
        Assert.True(lines.Length <= 20, e.Message);
        // Every resnet18 key is also a resnet50 key, so two lists (missing, other shape) share the ten lines: five each.
        Assert.Empty(e.UnexpectedKeys);
        Assert.Contains(lines, line => line == $"    ... and {e.MissingKeys.Count - 5} more (WeightLoadException.MissingKeys lists all)");
    }

    [Fact]
    public void A_resnext_with_ten_classes_is_declared_with_its_options()
    {
        var resnext = DynamicResNet.CreateRandom(
            new ResNetAttribute(Block.Bottleneck, 1, 1, 2, 1) { Groups = 32, WidthPerGroup = 4, NumClasses = 10 }, seed: 3, DynamicMode.Eager);
        StateDict weights = StateDict.CreateRandom(resnext.Parameters, seed: 3);

        var e = Assert.Throws<WeightLoadException>(() => ResNetGen.Sample.ResNeXt50_32x4d.FromStateDict(weights));

        Assert.Equal("[ResNet(Block.Bottleneck, 1, 1, 2, 1, NumClasses = 10, Groups = 32, WidthPerGroup = 4)]", e.FittingDeclaration);
        Assert.Null(e.FittingTorchvisionModel);
        Assert.Contains("fit [ResNet(Block.Bottleneck, 1, 1, 2, 1, NumClasses = 10, Groups = 32, WidthPerGroup = 4)]:", e.Message);
    }

    [Fact]
    public void Weights_without_fc_fit_a_headless_declaration()
    {
        // torchvision's resnet18 with fc = nn.Identity() saves every key but fc.weight and fc.bias.
        StateDict complete = StateDict.CreateRandom(ResNetGen.Sample.ResNet18.Parameters, seed: 1);
        var headless = new StateDict("headless.pth");
        foreach (var pair in complete.Where(pair => !pair.Key.StartsWith("fc.", System.StringComparison.Ordinal)))
        {
            headless.Add(pair.Key, pair.Value);
        }

        var e = Assert.Throws<WeightLoadException>(() => ResNetGen.Sample.ResNet18.FromStateDict(headless));

        Assert.Equal(["fc.weight", "fc.bias"], e.MissingKeys);
        Assert.Equal("[ResNet(Block.Basic, 2, 2, 2, 2, Headless = true)]", e.FittingDeclaration);
        Assert.Null(e.FittingTorchvisionModel);
    }

    [Fact]
    public void A_file_that_fits_no_declaration_names_none()
    {
        // resnet18 without one batch-norm buffer is no network at all.
        StateDict complete = StateDict.CreateRandom(ResNetGen.Sample.ResNet18.Parameters, seed: 1);
        var partial = new StateDict("partial.pth");
        foreach (var pair in complete.Where(pair => pair.Key != "layer2.1.bn1.running_var"))
        {
            partial.Add(pair.Key, pair.Value);
        }

        var e = Assert.Throws<WeightLoadException>(() => ResNetGen.Sample.ResNet50.FromStateDict(partial));

        Assert.Null(e.FittingDeclaration);
        Assert.Null(e.FittingTorchvisionModel);
        Assert.DoesNotContain("fit [ResNet", e.Message);
    }
}
