using System.Collections.Generic;
using System.Text;

namespace ResNetGen.Planning
{
    /// <summary>
    /// One weight file torchvision publishes for a ResNet, as torchvision 0.14's <c>models/resnet.py</c> describes it:
    /// where it is, the SHA-256 prefix its file name carries, the accuracy torchvision documents, the eval transform it was
    /// measured with, and the architecture it fits. <see cref="Member"/> is the property of the runtime's
    /// <c>TorchvisionWeights</c> that exposes it (the generator recognises that name at call sites).
    /// </summary>
    internal sealed class CatalogueEntry
    {
        public CatalogueEntry(
            string member, string model, string weights, string fileName, BlockKind block, int[] layers, int groups, int widthPerGroup,
            long parameterCount, double? top1, double? top5, int resizeSize, string description)
        {
            Member = member;
            Model = model;
            Weights = weights;
            FileName = fileName;
            Block = block;
            Layers = layers;
            Groups = groups;
            WidthPerGroup = widthPerGroup;
            ParameterCount = parameterCount;
            Top1 = top1;
            Top5 = top5;
            ResizeSize = resizeSize;
            Description = description;
        }

        /// <summary>The <c>TorchvisionWeights</c> property, e.g. <c>ResNet50_ImageNet1kV2</c>.</summary>
        public string Member { get; }

        /// <summary>torchvision's model constructor, e.g. <c>resnet50</c>.</summary>
        public string Model { get; }

        /// <summary>torchvision's weights enum member, e.g. <c>ResNet50_Weights.IMAGENET1K_V2</c>, or where the file is named.</summary>
        public string Weights { get; }

        /// <summary>The file name under <see cref="PretrainedCatalogue.BaseUrl"/>, e.g. <c>resnet50-11ad3fa6.pth</c>.</summary>
        public string FileName { get; }

        public BlockKind Block { get; }

        public int[] Layers { get; }

        public int Groups { get; }

        public int WidthPerGroup { get; }

        /// <summary>torchvision's <c>num_params</c>.</summary>
        public long ParameterCount { get; }

        /// <summary>ImageNet-1k top-1 accuracy in percent as torchvision documents it; null where it documents none.</summary>
        public double? Top1 { get; }

        /// <summary>ImageNet-1k top-5 accuracy in percent; null where torchvision documents none.</summary>
        public double? Top5 { get; }

        /// <summary>The eval transform's resize (its crop is 224): 256 for the original recipe, 232 for torchvision's new one.</summary>
        public int ResizeSize { get; }

        public string Description { get; }

        /// <summary>Every published file has 1000 ImageNet classes and RGB input.</summary>
        public int NumClasses => 1000;

        public int InputChannels => 3;

        /// <summary>The declaration this file fits, e.g. <c>[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]</c>.</summary>
        public string Declaration => PretrainedCatalogue.Declaration(Block, Layers, Groups, WidthPerGroup, NumClasses, InputChannels, headless: false);
    }

    /// <summary>
    /// torchvision's published ResNet weights (its <c>ResNet*_Weights</c> enums, and the files the original <c>model_urls</c>
    /// named, which use PyTorch's legacy serialization), and the one rule for whether a declaration can load them. Shared by
    /// the generator (a call with an entry that does not fit is a compile error) and the runtime (the same text as an exception).
    /// </summary>
    internal static class PretrainedCatalogue
    {
        public const string BaseUrl = "https://download.pytorch.org/models/";

        private const string Original = "These weights reproduce closely the results of the paper using a simple training recipe.";
        private const string NewRecipe = "These weights improve upon the results of the original paper by using torchvision's new training recipe.";
        private const string ModelZoo = "The file the original model_urls of torchvision's resnet.py named (PyTorch's legacy serialization format); torchvision's resnet.py no longer documents its accuracy.";

        private static readonly int[] R18 = { 2, 2, 2, 2 };
        private static readonly int[] R34 = { 3, 4, 6, 3 };
        private static readonly int[] R101 = { 3, 4, 23, 3 };
        private static readonly int[] R152 = { 3, 8, 36, 3 };

        /// <summary>Every entry, in the order the runtime's <c>TorchvisionWeights.All</c> lists them.</summary>
        public static readonly CatalogueEntry[] Entries =
        {
            new("ResNet18_ImageNet1kV1", "resnet18", "ResNet18_Weights.IMAGENET1K_V1", "resnet18-f37072fd.pth", BlockKind.Basic, R18, 1, 64, 11689512, 69.758, 89.078, 256, Original),
            new("ResNet34_ImageNet1kV1", "resnet34", "ResNet34_Weights.IMAGENET1K_V1", "resnet34-b627a593.pth", BlockKind.Basic, R34, 1, 64, 21797672, 73.314, 91.420, 256, Original),
            new("ResNet50_ImageNet1kV1", "resnet50", "ResNet50_Weights.IMAGENET1K_V1", "resnet50-0676ba61.pth", BlockKind.Bottleneck, R34, 1, 64, 25557032, 76.130, 92.862, 256, Original),
            new("ResNet50_ImageNet1kV2", "resnet50", "ResNet50_Weights.IMAGENET1K_V2", "resnet50-11ad3fa6.pth", BlockKind.Bottleneck, R34, 1, 64, 25557032, 80.858, 95.434, 232, NewRecipe),
            new("ResNet101_ImageNet1kV1", "resnet101", "ResNet101_Weights.IMAGENET1K_V1", "resnet101-63fe2227.pth", BlockKind.Bottleneck, R101, 1, 64, 44549160, 77.374, 93.546, 256, Original),
            new("ResNet101_ImageNet1kV2", "resnet101", "ResNet101_Weights.IMAGENET1K_V2", "resnet101-cd907fc2.pth", BlockKind.Bottleneck, R101, 1, 64, 44549160, 81.886, 95.780, 232, NewRecipe),
            new("ResNet152_ImageNet1kV1", "resnet152", "ResNet152_Weights.IMAGENET1K_V1", "resnet152-394f9c45.pth", BlockKind.Bottleneck, R152, 1, 64, 60192808, 78.312, 94.046, 256, Original),
            new("ResNet152_ImageNet1kV2", "resnet152", "ResNet152_Weights.IMAGENET1K_V2", "resnet152-f82ba261.pth", BlockKind.Bottleneck, R152, 1, 64, 60192808, 82.284, 96.002, 232, NewRecipe),
            new("ResNeXt50_32x4d_ImageNet1kV1", "resnext50_32x4d", "ResNeXt50_32X4D_Weights.IMAGENET1K_V1", "resnext50_32x4d-7cdf4587.pth", BlockKind.Bottleneck, R34, 32, 4, 25028904, 77.618, 93.698, 256, Original),
            new("ResNeXt50_32x4d_ImageNet1kV2", "resnext50_32x4d", "ResNeXt50_32X4D_Weights.IMAGENET1K_V2", "resnext50_32x4d-1a0047aa.pth", BlockKind.Bottleneck, R34, 32, 4, 25028904, 81.198, 95.340, 232, NewRecipe),
            new("ResNeXt101_32x8d_ImageNet1kV1", "resnext101_32x8d", "ResNeXt101_32X8D_Weights.IMAGENET1K_V1", "resnext101_32x8d-8ba56ff5.pth", BlockKind.Bottleneck, R101, 32, 8, 88791336, 79.312, 94.526, 256, Original),
            new("ResNeXt101_32x8d_ImageNet1kV2", "resnext101_32x8d", "ResNeXt101_32X8D_Weights.IMAGENET1K_V2", "resnext101_32x8d-110c445d.pth", BlockKind.Bottleneck, R101, 32, 8, 88791336, 82.834, 96.228, 232, NewRecipe),
            new("ResNeXt101_64x4d_ImageNet1kV1", "resnext101_64x4d", "ResNeXt101_64X4D_Weights.IMAGENET1K_V1", "resnext101_64x4d-173b62eb.pth", BlockKind.Bottleneck, R101, 64, 4, 83455272, 83.246, 96.454, 232, NewRecipe),
            new("WideResNet50_2_ImageNet1kV1", "wide_resnet50_2", "Wide_ResNet50_2_Weights.IMAGENET1K_V1", "wide_resnet50_2-95faca4d.pth", BlockKind.Bottleneck, R34, 1, 128, 68883240, 78.468, 94.086, 256, Original),
            new("WideResNet50_2_ImageNet1kV2", "wide_resnet50_2", "Wide_ResNet50_2_Weights.IMAGENET1K_V2", "wide_resnet50_2-9ba9bcbe.pth", BlockKind.Bottleneck, R34, 1, 128, 68883240, 81.602, 95.758, 232, NewRecipe),
            new("WideResNet101_2_ImageNet1kV1", "wide_resnet101_2", "Wide_ResNet101_2_Weights.IMAGENET1K_V1", "wide_resnet101_2-32ee1156.pth", BlockKind.Bottleneck, R101, 1, 128, 126886696, 78.848, 94.284, 256, Original),
            new("WideResNet101_2_ImageNet1kV2", "wide_resnet101_2", "Wide_ResNet101_2_Weights.IMAGENET1K_V2", "wide_resnet101_2-d733dc28.pth", BlockKind.Bottleneck, R101, 1, 128, 126886696, 82.510, 96.020, 232, NewRecipe),
            new("ResNet18_ModelZoo", "resnet18", "model_urls['resnet18']", "resnet18-5c106cde.pth", BlockKind.Basic, R18, 1, 64, 11689512, null, null, 256, ModelZoo),
            new("ResNet34_ModelZoo", "resnet34", "model_urls['resnet34']", "resnet34-333f7ec4.pth", BlockKind.Basic, R34, 1, 64, 21797672, null, null, 256, ModelZoo),
            new("ResNet50_ModelZoo", "resnet50", "model_urls['resnet50']", "resnet50-19c8e357.pth", BlockKind.Bottleneck, R34, 1, 64, 25557032, null, null, 256, ModelZoo),
            new("ResNet101_ModelZoo", "resnet101", "model_urls['resnet101']", "resnet101-5d3b4d8f.pth", BlockKind.Bottleneck, R101, 1, 64, 44549160, null, null, 256, ModelZoo),
            new("ResNet152_ModelZoo", "resnet152", "model_urls['resnet152']", "resnet152-b121ed2d.pth", BlockKind.Bottleneck, R152, 1, 64, 60192808, null, null, 256, ModelZoo),
        };

        /// <summary>The entry exposed as <c>TorchvisionWeights.{member}</c>, or null.</summary>
        public static CatalogueEntry? Find(string member)
        {
            foreach (CatalogueEntry entry in Entries)
            {
                if (entry.Member == member)
                {
                    return entry;
                }
            }

            return null;
        }

        /// <summary>
        /// Why weights for the architecture (<paramref name="block"/>, ...) cannot be loaded into <paramref name="spec"/>,
        /// or null when they can. Input size, batch size and dilation leave no trace in the weights and may be anything;
        /// a headless declaration loads the weights without their <c>fc</c> (as <c>model.fc = nn.Identity()</c> after loading).
        /// </summary>
        public static string? Misfit(BlockKind block, IReadOnlyList<int> layers, int groups, int widthPerGroup, int numClasses, int inputChannels, ResNetSpec spec)
        {
            var differences = new List<string>();
            if (spec.Block != block)
            {
                differences.Add($"Block.{block} blocks, not Block.{spec.Block}");
            }

            if (!SameLayers(layers, spec.Layers))
            {
                differences.Add($"stage depths {Join(layers)}, not {Join(spec.Layers)}");
            }

            if (spec.Groups != groups || spec.WidthPerGroup != widthPerGroup)
            {
                differences.Add($"Groups = {groups} and WidthPerGroup = {widthPerGroup}, not {spec.Groups} and {spec.WidthPerGroup}");
            }

            if (spec.InputChannels != inputChannels)
            {
                differences.Add($"{inputChannels} input channels, not {spec.InputChannels}");
            }

            if (!spec.Headless && spec.NumClasses != numClasses)
            {
                differences.Add($"{numClasses} classes, not NumClasses = {spec.NumClasses} (declare Headless = true to load the weights without their fc)");
            }

            return differences.Count == 0 ? null : string.Join("; ", differences);
        }

        /// <summary>The message, shared by the generator's diagnostic and the runtime's exception.</summary>
        /// <param name="weights">The weights as the message names them, e.g. <c>TorchvisionWeights.ResNet50_ImageNet1kV2</c>.</param>
        /// <param name="weightsDeclaration">The declaration the weights fit.</param>
        /// <param name="network">The network as the message names it: <c>'ResNet18'</c>, or <c>the network</c>.</param>
        /// <param name="networkDeclaration">The network's declaration.</param>
        /// <param name="misfit">What <see cref="Misfit"/> found.</param>
        public static string MisfitMessage(string weights, string weightsDeclaration, string network, string networkDeclaration, string misfit) =>
            $"{weights} are for {weightsDeclaration}, but {network} is declared {networkDeclaration}: the weights have {misfit}. " +
            $"Declare {network} as {weightsDeclaration} or choose weights for its architecture.";

        /// <summary>A declaration as it is written, options at their defaults left out.</summary>
        public static string Declaration(BlockKind block, IReadOnlyList<int> layers, int groups, int widthPerGroup, int numClasses, int inputChannels, bool headless)
        {
            var text = new StringBuilder("[ResNet(Block.").Append(block).Append(", ").Append(Join(layers));
            if (numClasses != ResNetSpec.DefaultNumClasses && !headless)
            {
                text.Append(", NumClasses = ").Append(numClasses);
            }

            if (inputChannels != ResNetSpec.DefaultInputChannels)
            {
                text.Append(", InputChannels = ").Append(inputChannels);
            }

            if (groups != ResNetSpec.DefaultGroups)
            {
                text.Append(", Groups = ").Append(groups);
            }

            if (widthPerGroup != ResNetSpec.DefaultWidthPerGroup)
            {
                text.Append(", WidthPerGroup = ").Append(widthPerGroup);
            }

            if (headless)
            {
                text.Append(", Headless = true");
            }

            return text.Append(")]").ToString();
        }

        /// <summary>The declaration of <paramref name="spec"/> as far as weights are concerned.</summary>
        public static string Declaration(ResNetSpec spec) =>
            Declaration(spec.Block, spec.Layers, spec.Groups, spec.WidthPerGroup, spec.NumClasses, spec.InputChannels, spec.Headless);

        private static bool SameLayers(IReadOnlyList<int> a, IReadOnlyList<int> b)
        {
            if (a.Count != b.Count)
            {
                return false;
            }

            for (int i = 0; i < a.Count; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static string Join(IReadOnlyList<int> values)
        {
            var text = new StringBuilder();
            for (int i = 0; i < values.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ", ").Append(values[i]);
            }

            return text.ToString();
        }
    }
}
