using Microsoft.CodeAnalysis;

namespace ResNetGen.Generator
{
    /// <summary>Every diagnostic the generator reports. All are errors: an invalid network is never emitted.</summary>
    internal static class DiagnosticDescriptors
    {
        /// <summary>
        /// Where every diagnostic is explained: docs/diagnostics.md in the repository, one anchor per ID
        /// (<c>#rng001</c>). Absolute, because an IDE's error list, a SARIF log or a build server has no folder to resolve a
        /// relative link against; the <c>blob/main</c> form keeps one address for every release.
        /// </summary>
        public const string HelpLinkBase = "https://github.com/resnetgen/ResNetGen/blob/main/docs/diagnostics.md";

        private const string Category = "ResNetGen";

        public static readonly DiagnosticDescriptor TypeNotPartial = Create(
            "RNG001",
            "Type must be partial",
            "'{0}' must be declared partial so that [ResNet] can add the network's members to it");

        public static readonly DiagnosticDescriptor GenericType = Create(
            "RNG002",
            "Type must not be generic",
            "[ResNet] class '{0}' must not be generic or nested in a generic type; declare it in a non-generic scope");

        public static readonly DiagnosticDescriptor WrongStageCount = Create(
            "RNG003",
            "Exactly four stage depths are required",
            "[ResNet] needs exactly four stage depths (torchvision's 'layers'), but {0} {1} given; for example [ResNet(Block.Bottleneck, 3, 4, 6, 3)]");

        public static readonly DiagnosticDescriptor StageDepthTooSmall = Create(
            "RNG004",
            "Stage depth must be at least 1",
            "Stage layer{0} has depth {1}; every stage needs at least one block");

        public static readonly DiagnosticDescriptor OptionTooSmall = Create(
            "RNG005",
            "Option must be at least 1",
            "{0} is {1}; it must be at least 1");

        public static readonly DiagnosticDescriptor WrongDilationLength = Create(
            "RNG006",
            "ReplaceStrideWithDilation needs three flags",
            "ReplaceStrideWithDilation has {0} element(s); it needs exactly 3, one each for layer2, layer3 and layer4, for example new[] {{ false, true, true }}");

        public static readonly DiagnosticDescriptor InputTooSmall = Create(
            "RNG007",
            "Input is too small for the network",
            "The {0}x{1} input is too small: the output of '{2}' would be empty ({3}); increase InputHeight/InputWidth");

        public static readonly DiagnosticDescriptor BasicBlockGroups = Create(
            "RNG008",
            "Basic blocks support only Groups = 1 and WidthPerGroup = 64",
            "Block.Basic supports only Groups = 1 and WidthPerGroup = 64, as torchvision's BasicBlock, but Groups is {0} and WidthPerGroup is {1}; use Block.Bottleneck for ResNeXt and wide ResNets");

        public static readonly DiagnosticDescriptor BasicBlockDilation = Create(
            "RNG009",
            "Basic blocks do not support dilation",
            "Block.Basic does not support dilation, as torchvision's BasicBlock, but '{0}' would get {1}; remove ReplaceStrideWithDilation or use Block.Bottleneck");

        public static readonly DiagnosticDescriptor NetworkTooLarge = Create(
            "RNG010",
            "Network is too large",
            "The network does not fit in spans: {0}, more than int.MaxValue; reduce {1}");

        public static readonly DiagnosticDescriptor NotAClass = Create(
            "RNG011",
            "[ResNet] needs a non-static class",
            "[ResNet] applies to a non-static class, but '{0}' is {1}");

        public static readonly DiagnosticDescriptor UnknownBlock = Create(
            "RNG012",
            "Block must be Block.Basic or Block.Bottleneck",
            "(Block){0} is not a block type; use Block.Basic or Block.Bottleneck");

        public static readonly DiagnosticDescriptor StageDepthTooLarge = Create(
            "RNG013",
            "Stage depth is too large to unroll",
            "Stage layer{0} has depth {1}; every block is unrolled into the generated code, so a stage can have at most {2} (resnet152's deepest has 36)");

        /// <summary>The help link of one diagnostic: its row of docs/diagnostics.md.</summary>
        public static string HelpLink(string id) => HelpLinkBase + "#" + id.ToLowerInvariant();

        private static DiagnosticDescriptor Create(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
    }
}
