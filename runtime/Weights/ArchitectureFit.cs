using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ResNetGen.Planning;

namespace ResNetGen.Weights;

/// <summary>
/// Works out which <c>[ResNet]</c> declaration a weight file's keys and shapes belong to, so that weights for another
/// network can be answered with the declaration that loads them. The candidate is read off a few keys (blocks per stage,
/// the bottleneck's <c>conv3</c>, <c>conv1</c>'s input channels, <c>fc</c>'s classes or its absence, the first 3x3 convolution's groups)
/// and then planned like any declaration: it fits only if its planned <c>state_dict</c> has exactly the file's keys and
/// shapes. Input size, batch size and dilation leave no trace in the keys; the declaration keeps their defaults.
/// </summary>
internal static class ArchitectureFit
{
    /// <summary>The declaration whose keys and shapes are exactly <paramref name="shapes"/>, or null when none is.</summary>
    /// <remarks>A file without <c>fc.*</c> keys fits a headless declaration (torchvision's model with <c>fc</c> replaced by
    /// <c>nn.Identity()</c>), which has no torchvision constructor of its own.</remarks>
    /// <param name="shapes">The file's tensors by key (a DataParallel prefix already stripped).</param>
    /// <param name="torchvisionModel">The torchvision constructor with that architecture (e.g. <c>resnet18</c>), or null.</param>
    public static string? Declaration(IReadOnlyDictionary<string, int[]> shapes, out string? torchvisionModel)
    {
        torchvisionModel = null;
        ResNetSpec? spec = Guess(shapes);
        if (spec is null || Planner.Plan(spec, out _) is not NetworkGraph plan || !SameKeysAndShapes(plan, shapes))
        {
            return null;
        }

        torchvisionModel = TorchvisionModels.Matching(spec)?.Name;
        return DeclarationOf(spec);
    }

    /// <summary>
    /// The <c>[ResNet(...)]</c> attribute that declares <paramref name="spec"/>'s architecture, with only the options that
    /// differ from torchvision's defaults (input size, batch size and dilation are left out).
    /// </summary>
    internal static string DeclarationOf(ResNetSpec spec)
    {
        var text = new StringBuilder("[ResNet(Block.").Append(spec.Block == BlockKind.Bottleneck ? "Bottleneck" : "Basic");
        foreach (int depth in spec.Layers)
        {
            text.Append(", ").Append(depth);
        }

        AppendOption(text, "NumClasses", spec.NumClasses, ResNetSpec.DefaultNumClasses);
        AppendOption(text, "InputChannels", spec.InputChannels, ResNetSpec.DefaultInputChannels);
        AppendOption(text, "Groups", spec.Groups, ResNetSpec.DefaultGroups);
        AppendOption(text, "WidthPerGroup", spec.WidthPerGroup, ResNetSpec.DefaultWidthPerGroup);
        if (spec.Headless)
        {
            text.Append(", Headless = true");
        }

        return text.Append(")]").ToString();
    }

    private static ResNetSpec? Guess(IReadOnlyDictionary<string, int[]> shapes)
    {
        if (!shapes.TryGetValue("conv1.weight", out int[]? stem) || stem.Length != 4 || stem[1] < 1)
        {
            return null;
        }

        // torchvision's model with fc replaced by nn.Identity() saves no fc.* keys: a headless network.
        bool headless = !shapes.ContainsKey("fc.weight") && !shapes.ContainsKey("fc.bias");
        int classes = 1000;
        if (!headless)
        {
            if (!shapes.TryGetValue("fc.weight", out int[]? fc) || fc.Length != 2 || fc[0] < 1)
            {
                return null;
            }

            classes = fc[0];
        }

        var layers = new int[4];
        for (int stage = 0; stage < 4; stage++)
        {
            while (shapes.ContainsKey($"layer{stage + 1}.{layers[stage]}.conv1.weight"))
            {
                layers[stage]++;
            }

            if (layers[stage] == 0)
            {
                return null;
            }
        }

        bool bottleneck = shapes.ContainsKey("layer1.0.conv3.weight");
        int groups = 1, widthPerGroup = 64;
        if (bottleneck)
        {
            // planes is 64 in layer1, so the 3x3 convolution is [width_per_group * groups, width_per_group, 3, 3].
            if (!shapes.TryGetValue("layer1.0.conv2.weight", out int[]? conv2) || conv2.Length != 4 || conv2[0] < 1 || conv2[1] < 1 || conv2[0] % conv2[1] != 0)
            {
                return null;
            }

            (groups, widthPerGroup) = (conv2[0] / conv2[1], conv2[1]);
        }

        return ResNetSpec.Create(bottleneck ? BlockKind.Bottleneck : BlockKind.Basic, layers) with
        {
            NumClasses = classes,
            InputChannels = stem[1],
            Groups = groups,
            WidthPerGroup = widthPerGroup,
            Headless = headless,
        };
    }

    private static bool SameKeysAndShapes(NetworkGraph plan, IReadOnlyDictionary<string, int[]> shapes) =>
        plan.StateDict.Count == shapes.Count
        && plan.StateDict.All(t => shapes.TryGetValue(t.Name, out int[]? shape) && t.Shape.SequenceEqual(shape));

    private static void AppendOption(StringBuilder text, string name, int value, int torchvisionDefault)
    {
        if (value != torchvisionDefault)
        {
            text.Append(", ").Append(name).Append(" = ").Append(value);
        }
    }
}
