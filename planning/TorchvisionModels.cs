using System;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen.Planning
{
    /// <summary>One of torchvision 0.14's ResNet constructors and the <c>ResNet(...)</c> arguments it passes.</summary>
    internal sealed record TorchvisionModel(string Name, BlockKind Block, EquatableArray<int> Layers, int Groups, int WidthPerGroup)
    {
        /// <summary>The model's spec, with torchvision's defaults for everything the constructor leaves out (1000 classes, 3x224x224, batch 1).</summary>
        public ResNetSpec Spec() => ResNetSpec.Create(Block, Layers.ToArray()) with { Groups = Groups, WidthPerGroup = WidthPerGroup };

        /// <summary>True when <paramref name="spec"/> has this model's block, depths, groups and width and a classifier.</summary>
        public bool Matches(ResNetSpec spec) =>
            !spec.Headless && spec.Block == Block && spec.Layers.Equals(Layers) && spec.Groups == Groups && spec.WidthPerGroup == WidthPerGroup;
    }

    /// <summary>
    /// Every ResNet constructor of <c>torchvision.models</c> 0.14, in torchvision's order: the one list of them that the
    /// runtime (<c>TorchvisionArchitecture</c>, the weight-file fit), the tests, the benchmarks and the sample read.
    /// </summary>
    internal static class TorchvisionModels
    {
        public static IReadOnlyList<TorchvisionModel> All { get; } = new[]
        {
            Model("resnet18", BlockKind.Basic, 1, 64, 2, 2, 2, 2),
            Model("resnet34", BlockKind.Basic, 1, 64, 3, 4, 6, 3),
            Model("resnet50", BlockKind.Bottleneck, 1, 64, 3, 4, 6, 3),
            Model("resnet101", BlockKind.Bottleneck, 1, 64, 3, 4, 23, 3),
            Model("resnet152", BlockKind.Bottleneck, 1, 64, 3, 8, 36, 3),
            Model("resnext50_32x4d", BlockKind.Bottleneck, 32, 4, 3, 4, 6, 3),
            Model("resnext101_32x8d", BlockKind.Bottleneck, 32, 8, 3, 4, 23, 3),
            Model("resnext101_64x4d", BlockKind.Bottleneck, 64, 4, 3, 4, 23, 3),
            Model("wide_resnet50_2", BlockKind.Bottleneck, 1, 128, 3, 4, 6, 3),
            Model("wide_resnet101_2", BlockKind.Bottleneck, 1, 128, 3, 4, 23, 3),
        };

        /// <summary>The model named <paramref name="name"/> (torchvision's spelling, compared ignoring case), or null.</summary>
        public static TorchvisionModel? Find(string name)
        {
            foreach (TorchvisionModel model in All)
            {
                if (string.Equals(model.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return model;
                }
            }

            return null;
        }

        /// <summary>The model whose constructor builds <paramref name="spec"/>'s architecture (input and batch aside), or null.</summary>
        public static TorchvisionModel? Matching(ResNetSpec spec)
        {
            foreach (TorchvisionModel model in All)
            {
                if (model.Matches(spec))
                {
                    return model;
                }
            }

            return null;
        }

        private static TorchvisionModel Model(string name, BlockKind block, int groups, int widthPerGroup, params int[] layers) =>
            new(name, block, new EquatableArray<int>(layers), groups, widthPerGroup);
    }
}
