using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ResNetGen.Planning
{
    /// <summary>
    /// The text torchvision 0.14 prints for a network (<c>print(model)</c>, i.e. <c>repr(model)</c>), written from the plan:
    /// torch's module tree in registration order (<c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>maxpool</c>, <c>layer1</c> to
    /// <c>layer4</c>, <c>avgpool</c>, <c>fc</c>), each leaf with torch's <c>extra_repr</c>, children indented by two spaces.
    /// </summary>
    /// <remarks>
    /// The plan runs the downsample branch before the block's last convolution and fuses batch norms and ReLUs into the
    /// convolutions; the module tree is read back by name from the convolutions, so the text follows torchvision's order,
    /// not the plan's. Lines end in <c>\n</c> and there is no final newline, as Python's <c>str(model)</c> gives it.
    /// </remarks>
    internal static class TorchRepr
    {
        private const string BatchNormOptions = "eps=1e-05, momentum=0.1, affine=True, track_running_stats=True";

        /// <summary>The repr of the planned network.</summary>
        public static string Of(NetworkGraph plan)
        {
            var convolutions = new Dictionary<string, ConvolutionOp>();
            MaxPoolOp? maxPool = null;
            LinearOp? classifier = null;
            int stemPadding = 0;
            foreach (GraphSection section in plan.Sections)
            {
                foreach (GraphOp op in section.Ops)
                {
                    switch (op)
                    {
                        case ConvolutionOp conv:
                            convolutions.Add(conv.Module, conv);
                            break;
                        case MaxPoolOp pooling:
                            maxPool = pooling;
                            break;
                        case LinearOp linear:
                            classifier = linear;
                            break;
                        case ChannelsLastOp layout:
                            // conv1's zero padding is written by the layout change, so conv1 itself runs unpadded.
                            stemPadding = layout.Padding;
                            break;
                        case GlobalAveragePoolOp:
                            break;
                        default:
                            throw new System.InvalidOperationException("The repr has no text for the plan op " + op.GetType().Name + " (" + op.Module + ").");
                    }
                }
            }

            var text = new Repr();
            text.Open(null, "ResNet");
            ConvolutionOp stem = convolutions["conv1"];
            text.Leaf("conv1", Convolution(stem, stem.Padding + stemPadding));
            text.Leaf("bn1", BatchNorm(stem));
            text.Leaf("relu", "ReLU(inplace=True)");
            MaxPoolOp pool = maxPool ?? throw new KeyNotFoundException("maxpool");
            text.Leaf("maxpool", Invariant($"MaxPool2d(kernel_size={pool.Kernel}, stride={pool.Stride}, padding={pool.Padding}, dilation=1, ceil_mode=False)"));
            for (int stage = 0; stage < plan.Spec.Layers.Count; stage++)
            {
                text.Open(Invariant($"layer{stage + 1}"), "Sequential");
                for (int index = 0; index < plan.Spec.Layers[stage]; index++)
                {
                    Block(text, convolutions, plan.Spec.Block, Invariant($"layer{stage + 1}.{index}"), index);
                }

                text.Close();
            }

            text.Leaf("avgpool", "AdaptiveAvgPool2d(output_size=(1, 1))");
            text.Leaf("fc", classifier is null
                ? "Identity()"
                : Invariant($"Linear(in_features={classifier.InputShape.Channels}, out_features={classifier.OutputShape.Channels}, bias=True)"));
            text.Close();
            return text.ToString();
        }

        /// <summary>
        /// One block as torchvision registers its modules: <c>BasicBlock</c> is conv1, bn1, relu, conv2, bn2;
        /// <c>Bottleneck</c> is conv1, bn1, conv2, bn2, conv3, bn3, relu; both end with the downsample branch, if any.
        /// </summary>
        private static void Block(Repr text, Dictionary<string, ConvolutionOp> convolutions, BlockKind kind, string module, int index)
        {
            ConvolutionOp Conv(string name) => convolutions[module + "." + name];

            text.Open(index.ToString(CultureInfo.InvariantCulture), kind == BlockKind.Basic ? "BasicBlock" : "Bottleneck");
            int count = kind == BlockKind.Basic ? 2 : 3;
            for (int i = 1; i <= count; i++)
            {
                if (kind == BlockKind.Basic && i == 2)
                {
                    text.Leaf("relu", "ReLU(inplace=True)");
                }

                ConvolutionOp conv = Conv(Invariant($"conv{i}"));
                text.Leaf(Invariant($"conv{i}"), Convolution(conv, conv.Padding));
                text.Leaf(Invariant($"bn{i}"), BatchNorm(conv));
            }

            if (kind == BlockKind.Bottleneck)
            {
                text.Leaf("relu", "ReLU(inplace=True)");
            }

            if (convolutions.TryGetValue(module + ".downsample.0", out ConvolutionOp? shortcut))
            {
                text.Open("downsample", "Sequential");
                text.Leaf("0", Convolution(shortcut, shortcut.Padding));
                text.Leaf("1", BatchNorm(shortcut));
                text.Close();
            }

            text.Close();
        }

        /// <summary>torch's <c>Conv2d.extra_repr</c>: padding and dilation only when not their defaults, groups only when not 1.</summary>
        private static string Convolution(ConvolutionOp conv, int padding)
        {
            var text = new StringBuilder(Invariant(
                $"Conv2d({conv.InputShape.Channels}, {conv.OutputShape.Channels}, kernel_size=({conv.Kernel}, {conv.Kernel}), stride=({conv.Stride}, {conv.Stride})"));
            if (padding != 0)
            {
                text.Append(Invariant($", padding=({padding}, {padding})"));
            }

            if (conv.Dilation != 1)
            {
                text.Append(Invariant($", dilation=({conv.Dilation}, {conv.Dilation})"));
            }

            if (conv.Groups != 1)
            {
                text.Append(Invariant($", groups={conv.Groups}"));
            }

            return text.Append(", bias=False)").ToString();
        }

        /// <summary>The batch norm that follows a convolution (folded into it in the plan), with torch's defaults.</summary>
        private static string BatchNorm(ConvolutionOp conv) =>
            Invariant($"BatchNorm2d({conv.OutputShape.Channels}, {BatchNormOptions})");

        private static string Invariant(System.FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// torch's <c>Module.__repr__</c>: a module with children is <c>Name(</c>, one <c>(child): repr</c> line per child
        /// indented two spaces deeper, and <c>)</c>; a leaf is its one line.
        /// </summary>
        private sealed class Repr
        {
            private readonly StringBuilder _text = new();
            private int _depth;

            public void Open(string? name, string type)
            {
                Start(name).Append(type).Append('(');
                _depth++;
            }

            public void Leaf(string name, string repr) => Start(name).Append(repr);

            public void Close()
            {
                _depth--;
                _text.Append('\n').Append(' ', 2 * _depth).Append(')');
            }

            public override string ToString() => _text.ToString();

            private StringBuilder Start(string? name)
            {
                if (_text.Length > 0)
                {
                    _text.Append('\n');
                }

                _text.Append(' ', 2 * _depth);
                return name is null ? _text : _text.Append('(').Append(name).Append("): ");
            }
        }
    }
}
