using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace ResNetGen.Planning
{
    /// <summary>A rule a <see cref="ResNetSpec"/> can break; each has one diagnostic ID and one message.</summary>
    internal enum SpecRule
    {
        /// <summary>RNG003: not exactly four stage depths.</summary>
        WrongStageCount,

        /// <summary>RNG004: a stage with no block.</summary>
        StageDepthTooSmall,

        /// <summary>RNG005: a size or count option below 1.</summary>
        OptionTooSmall,

        /// <summary>RNG006: <c>ReplaceStrideWithDilation</c> without exactly three flags.</summary>
        WrongDilationLength,

        /// <summary>RNG007: some layer's output would be empty (found by the planner).</summary>
        InputTooSmall,

        /// <summary>RNG008: a basic block with groups or another width.</summary>
        BasicBlockGroups,

        /// <summary>RNG009: a basic block that would need dilation (found by the planner).</summary>
        BasicBlockDilation,

        /// <summary>RNG010: a tensor, feature map or the arena would not fit in a span.</summary>
        NetworkTooLarge,

        /// <summary>RNG012: a block value that is neither Basic nor Bottleneck.</summary>
        UnknownBlock,

        /// <summary>RNG013: a stage too deep to unroll.</summary>
        StageDepthTooLarge,
    }

    /// <summary>One broken rule with its message arguments, already formatted in the invariant culture.</summary>
    internal sealed record SpecFinding(SpecRule Rule, EquatableArray<string> Arguments)
    {
        /// <summary>The message, the same text the generator reports as a diagnostic.</summary>
        public string Message => string.Format(CultureInfo.InvariantCulture, SpecValidator.MessageFormat(Rule), Arguments.Cast<object>().ToArray());
    }

    /// <summary>
    /// The one place that decides whether a <see cref="ResNetSpec"/> can be built, and what to say when it cannot: every
    /// check torchvision makes at construction time. The generator reports each finding as a diagnostic at the attribute;
    /// <c>DynamicResNet</c> throws them as an <c>ArgumentException</c>. Shared source, like the planner.
    /// </summary>
    internal static class SpecValidator
    {
        /// <summary>
        /// The most blocks a stage may have. Every block is unrolled into the generated source (resnet152's 50 blocks are
        /// about 240 KB of it), so a mistyped depth would otherwise make the compiler plan and emit without end.
        /// </summary>
        public const int MaxStageDepth = 1000;

        public const string WrongStageCountMessage =
            "[ResNet] needs exactly four stage depths (torchvision's 'layers'), but {0} {1} given; for example [ResNet(Block.Bottleneck, 3, 4, 6, 3)]";

        public const string StageDepthTooSmallMessage = "Stage layer{0} has depth {1}; every stage needs at least one block";

        public const string OptionTooSmallMessage = "{0} is {1}; it must be at least 1";

        public const string WrongDilationLengthMessage =
            "ReplaceStrideWithDilation has {0} element(s); it needs exactly 3, one each for layer2, layer3 and layer4, for example new[] {{ false, true, true }}";

        public const string InputTooSmallMessage =
            "The {0}x{1} input is too small: the output of '{2}' would be empty ({3}); increase InputHeight/InputWidth";

        public const string BasicBlockGroupsMessage =
            "Block.Basic supports only Groups = 1 and WidthPerGroup = 64, as torchvision's BasicBlock, but Groups is {0} and WidthPerGroup is {1}; use Block.Bottleneck for ResNeXt and wide ResNets";

        public const string BasicBlockDilationMessage =
            "Block.Basic does not support dilation, as torchvision's BasicBlock, but '{0}' would get {1}; remove ReplaceStrideWithDilation or use Block.Bottleneck";

        public const string NetworkTooLargeMessage = "The network does not fit in spans: {0}, more than int.MaxValue; reduce {1}";

        public const string UnknownBlockMessage = "(Block){0} is not a block type; use Block.Basic or Block.Bottleneck";

        public const string StageDepthTooLargeMessage =
            "Stage layer{0} has depth {1}; every block is unrolled into the generated code, so a stage can have at most {2} (resnet152's deepest has 36)";

        /// <summary>The message format of a rule, with <c>{0}</c>-style placeholders for its arguments.</summary>
        public static string MessageFormat(SpecRule rule) => rule switch
        {
            SpecRule.WrongStageCount => WrongStageCountMessage,
            SpecRule.StageDepthTooSmall => StageDepthTooSmallMessage,
            SpecRule.OptionTooSmall => OptionTooSmallMessage,
            SpecRule.WrongDilationLength => WrongDilationLengthMessage,
            SpecRule.InputTooSmall => InputTooSmallMessage,
            SpecRule.BasicBlockGroups => BasicBlockGroupsMessage,
            SpecRule.BasicBlockDilation => BasicBlockDilationMessage,
            SpecRule.NetworkTooLarge => NetworkTooLargeMessage,
            SpecRule.UnknownBlock => UnknownBlockMessage,
            SpecRule.StageDepthTooLarge => StageDepthTooLargeMessage,
            _ => throw new System.ArgumentOutOfRangeException(nameof(rule), rule, "A spec rule without a message."),
        };

        /// <summary>
        /// Every rule <paramref name="spec"/> breaks before planning, in a fixed order (stages, options, input size,
        /// dilation flags, block). An empty result means the planner may run; it can still find a layer that cannot be
        /// built, which <see cref="Explain"/> turns into a finding of the same kind.
        /// </summary>
        public static IReadOnlyList<SpecFinding> Validate(ResNetSpec spec)
        {
            var findings = new List<SpecFinding>();
            void Add(SpecRule rule, params object[] arguments) => findings.Add(Finding(rule, arguments));

            int stages = spec.Layers.Count;
            if (stages != 4)
            {
                Add(SpecRule.WrongStageCount, stages, stages == 1 ? "was" : "were");
            }

            for (int i = 0; i < stages; i++)
            {
                if (spec.Layers[i] < 1)
                {
                    Add(SpecRule.StageDepthTooSmall, i + 1, spec.Layers[i]);
                }
                else if (spec.Layers[i] > MaxStageDepth)
                {
                    Add(SpecRule.StageDepthTooLarge, i + 1, spec.Layers[i], MaxStageDepth);
                }
            }

            foreach (KeyValuePair<string, int> option in Options(spec))
            {
                if (option.Value < 1)
                {
                    Add(SpecRule.OptionTooSmall, option.Key, option.Value);
                }
            }

            if (spec.BatchSize >= 1 && spec.InputChannels >= 1 && spec.InputHeight >= 1 && spec.InputWidth >= 1)
            {
                // Checked before planning: the planner's shape arithmetic is in int, and an input this large cannot be a span anyway.
                BigInteger inputLength = new BigInteger(spec.BatchSize) * spec.InputChannels * spec.InputHeight * spec.InputWidth;
                if (inputLength > int.MaxValue)
                {
                    Add(SpecRule.NetworkTooLarge, "the input needs " + inputLength.ToString("N0", CultureInfo.InvariantCulture) + " floats", PlanError.ReduceInput);
                }
            }

            if (spec.ReplaceStrideWithDilation.Count != 3)
            {
                Add(SpecRule.WrongDilationLength, spec.ReplaceStrideWithDilation.Count);
            }

            if (spec.Block is not (BlockKind.Basic or BlockKind.Bottleneck))
            {
                Add(SpecRule.UnknownBlock, (int)spec.Block);
            }
            else if (spec.Block == BlockKind.Basic && (spec.Groups != 1 || spec.WidthPerGroup != ResNetSpec.DefaultWidthPerGroup))
            {
                Add(SpecRule.BasicBlockGroups, spec.Groups, spec.WidthPerGroup);
            }

            return findings;
        }

        /// <summary>The finding for a layer the planner could not build (an empty feature map, a span too large, a dilated basic block).</summary>
        public static SpecFinding Explain(PlanError error, ResNetSpec spec) => error.Kind switch
        {
            PlanErrorKind.EmptyFeatureMap => Finding(SpecRule.InputTooSmall, spec.InputHeight, spec.InputWidth, error.Module, error.Detail),
            PlanErrorKind.TooLarge => Finding(SpecRule.NetworkTooLarge, error.Detail, error.Remedy),
            PlanErrorKind.BasicBlockDilation => Finding(SpecRule.BasicBlockDilation, error.Module, error.Detail),
            _ => throw new System.ArgumentOutOfRangeException(nameof(error), error.Kind, "A plan error without a spec rule."),
        };

        /// <summary>The scalar options in the attribute's order, by their C# names.</summary>
        private static IEnumerable<KeyValuePair<string, int>> Options(ResNetSpec spec)
        {
            yield return new KeyValuePair<string, int>(nameof(ResNetSpec.NumClasses), spec.NumClasses);
            yield return new KeyValuePair<string, int>(nameof(ResNetSpec.InputChannels), spec.InputChannels);
            yield return new KeyValuePair<string, int>(nameof(ResNetSpec.InputHeight), spec.InputHeight);
            yield return new KeyValuePair<string, int>(nameof(ResNetSpec.InputWidth), spec.InputWidth);
            yield return new KeyValuePair<string, int>(nameof(ResNetSpec.BatchSize), spec.BatchSize);
            yield return new KeyValuePair<string, int>(nameof(ResNetSpec.Groups), spec.Groups);
            yield return new KeyValuePair<string, int>(nameof(ResNetSpec.WidthPerGroup), spec.WidthPerGroup);
        }

        private static SpecFinding Finding(SpecRule rule, params object[] arguments) =>
            new(rule, new EquatableArray<string>(arguments.Select(a => System.Convert.ToString(a, CultureInfo.InvariantCulture) ?? string.Empty).ToArray()));
    }
}
