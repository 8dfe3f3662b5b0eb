using Microsoft.CodeAnalysis;
using ResNetGen.Planning;

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
            SpecValidator.WrongStageCountMessage);

        public static readonly DiagnosticDescriptor StageDepthTooSmall = Create(
            "RNG004",
            "Stage depth must be at least 1",
            SpecValidator.StageDepthTooSmallMessage);

        public static readonly DiagnosticDescriptor OptionTooSmall = Create(
            "RNG005",
            "Option must be at least 1",
            SpecValidator.OptionTooSmallMessage);

        public static readonly DiagnosticDescriptor WrongDilationLength = Create(
            "RNG006",
            "ReplaceStrideWithDilation needs three flags",
            SpecValidator.WrongDilationLengthMessage);

        public static readonly DiagnosticDescriptor InputTooSmall = Create(
            "RNG007",
            "Input is too small for the network",
            SpecValidator.InputTooSmallMessage);

        public static readonly DiagnosticDescriptor BasicBlockGroups = Create(
            "RNG008",
            "Basic blocks support only Groups = 1 and WidthPerGroup = 64",
            SpecValidator.BasicBlockGroupsMessage);

        public static readonly DiagnosticDescriptor BasicBlockDilation = Create(
            "RNG009",
            "Basic blocks do not support dilation",
            SpecValidator.BasicBlockDilationMessage);

        public static readonly DiagnosticDescriptor NetworkTooLarge = Create(
            "RNG010",
            "Network is too large",
            SpecValidator.NetworkTooLargeMessage);

        public static readonly DiagnosticDescriptor NotAClass = Create(
            "RNG011",
            "[ResNet] needs a non-static class",
            "[ResNet] applies to a non-static class, but '{0}' is {1}");

        public static readonly DiagnosticDescriptor UnknownBlock = Create(
            "RNG012",
            "Block must be Block.Basic or Block.Bottleneck",
            SpecValidator.UnknownBlockMessage);

        public static readonly DiagnosticDescriptor StageDepthTooLarge = Create(
            "RNG013",
            "Stage depth is too large to unroll",
            SpecValidator.StageDepthTooLargeMessage);

        public static readonly DiagnosticDescriptor UserConstructor = Create(
            "RNG014",
            "[ResNet] classes get their constructor from the generator",
            "'{0}' declares a constructor, but a [ResNet] class is created only by its generated Load, FromStateDict and CreateRandom, whose constructor prepares every layer; remove the constructor (a static factory method of your own can call those)");

        /// <summary>
        /// A <c>LoadPretrained</c> call with a <c>TorchvisionWeights</c> entry for another architecture. Reported at the entry,
        /// with the class's <c>[ResNet]</c> attribute as the second location; the message is the run-time exception's.
        /// </summary>
        public static readonly DiagnosticDescriptor PretrainedMisfit = Create(
            "RNG015",
            "Pretrained weights do not fit the declaration",
            "{0}");

        /// <summary>The diagnostic that reports a broken <see cref="SpecRule"/>; its message is the rule's own.</summary>
        public static DiagnosticDescriptor For(SpecRule rule) => rule switch
        {
            SpecRule.WrongStageCount => WrongStageCount,
            SpecRule.StageDepthTooSmall => StageDepthTooSmall,
            SpecRule.OptionTooSmall => OptionTooSmall,
            SpecRule.WrongDilationLength => WrongDilationLength,
            SpecRule.InputTooSmall => InputTooSmall,
            SpecRule.BasicBlockGroups => BasicBlockGroups,
            SpecRule.BasicBlockDilation => BasicBlockDilation,
            SpecRule.NetworkTooLarge => NetworkTooLarge,
            SpecRule.UnknownBlock => UnknownBlock,
            SpecRule.StageDepthTooLarge => StageDepthTooLarge,
            _ => throw new System.ArgumentOutOfRangeException(nameof(rule), rule, "A spec rule without a diagnostic."),
        };

        /// <summary>The help link of one diagnostic: its row of docs/diagnostics.md.</summary>
        public static string HelpLink(string id) => HelpLinkBase + "#" + id.ToLowerInvariant();

        private static DiagnosticDescriptor Create(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
    }
}
