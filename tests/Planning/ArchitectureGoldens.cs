using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResNetGen.Planning;

namespace ResNetGen.Tests.Planning;

/// <summary>
/// tests/Goldens/architectures.json, written by tools/make_architecture_goldens.py from torchvision 0.14 itself (CI runs
/// the script again and compares the bytes), and the spec of each of its configs.
/// </summary>
internal static class ArchitectureGoldens
{
    public static IReadOnlyDictionary<string, JsonElement> All { get; } =
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(Path.Combine("Goldens", "architectures.json")))!;

    /// <summary>The configs that record a property (<c>repr</c>, <c>zero_init_residual</c>).</summary>
    public static IEnumerable<string> With(string property) => All.Where(c => c.Value.TryGetProperty(property, out _)).Select(c => c.Key);

    /// <summary>The exact text of torchvision's <c>print(model)</c> for the config.</summary>
    public static string Repr(string name) => All[name].GetProperty("repr").GetString()!;

    /// <summary>The batch-norm weights torchvision's <c>zero_init_residual=True</c> leaves all zero, and those it leaves all one.</summary>
    public static (string[] Zero, string[] One) ZeroInitResidual(string name)
    {
        JsonElement record = All[name].GetProperty("zero_init_residual");
        return (Names(record.GetProperty("zero")), Names(record.GetProperty("one")));

        static string[] Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>The spec of a config: torchvision's constructors from the one table of them, the others written out.</summary>
    public static ResNetSpec Spec(string name) =>
        TorchvisionModels.Find(name)?.Spec() ?? name switch
        {
            "resnet50_dilated" => Spec("resnet50") with { ReplaceStrideWithDilation = Dilation(false, true, true) },
            "basic_1111_classes10" => ResNetSpec.Create(BlockKind.Basic, 1, 1, 1, 1) with { NumClasses = 10 },
            "resnet18_headless" => Spec("resnet18") with { Headless = true },
            "basic_1111_headless" => ResNetSpec.Create(BlockKind.Basic, 1, 1, 1, 1) with { Headless = true },
            "bottleneck_1112_grouped_dilated_classes7" => ResNetSpec.Create(BlockKind.Bottleneck, 1, 1, 1, 2) with
            {
                Groups = 4,
                WidthPerGroup = 8,
                ReplaceStrideWithDilation = Dilation(false, false, true),
                NumClasses = 7,
            },
            "bottleneck_2121_dilated_classes5" => ResNetSpec.Create(BlockKind.Bottleneck, 2, 1, 2, 1) with { ReplaceStrideWithDilation = Dilation(true, false, true), NumClasses = 5 },
            _ => throw new KeyNotFoundException(name),
        };

    private static EquatableArray<bool> Dilation(params bool[] flags) => new(flags);
}
