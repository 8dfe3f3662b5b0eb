using System.Collections.Generic;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// Writes the members that state torchvision's model rather than run it: <c>TorchvisionRepr</c>, the text of
    /// <c>print(model)</c> (<see cref="TorchRepr"/>), and <c>CreateRandom</c> with torchvision's initialisation, including
    /// <c>zero_init_residual</c> (<see cref="ResidualInitialisation"/>).
    /// </summary>
    internal static class TorchvisionEmitter
    {
        /// <summary>
        /// The repr as a raw string literal, one line of source per line of text, and the interface member it implements.
        /// torch's repr never holds a run of three quotes, so the literal needs no escaping.
        /// </summary>
        public static void EmitRepr(SourceWriter w, TargetType type, NetworkGraph plan)
        {
            w.Lines(""""
                /// <summary>
                /// The network as torchvision prints it: exactly the text of <c>print(model)</c> (Python's <c>repr</c>) for this
                /// architecture in torchvision 0.14, lines ending in <c>\n</c>, no final newline.
                /// </summary>
                public const string TorchvisionRepr = """
                """");
            using (w.Indented())
            {
                foreach (string line in TorchRepr.Of(plan).Split('\n'))
                {
                    w.Line(line);
                }

                w.Line("\"\"\";");
            }

            w.Line();
            w.Line($"static string {Emitter.Api}.IResNet<{type.Name}>.TorchvisionRepr => TorchvisionRepr;");
            w.Line();
        }

        /// <summary>
        /// <c>CreateRandom</c>; for a network declared with <c>ZeroInitResidual</c>, also the list of batch-norm weights
        /// that start at 0, written out so that the reader sees which they are.
        /// </summary>
        public static void EmitCreateRandom(SourceWriter w, TargetType type, NetworkGraph plan)
        {
            IReadOnlyList<string> zeroed = ResidualInitialisation.ZeroedWeights(plan);
            string arguments = "Parameters, seed";
            string zeroInit = string.Empty;
            if (zeroed.Count > 0)
            {
                w.Lines("""
                    /// <summary>
                    /// The batch-norm weights <see cref="CreateRandom"/> starts at 0 instead of 1, as torchvision's
                    /// <c>zero_init_residual=True</c> does: the last batch norm of every block, so that each block starts as its shortcut.
                    /// </summary>
                    """);
                using (w.Block("private static readonly string[] s_zeroInitialisedWeights =", "};"))
                {
                    foreach (string name in zeroed)
                    {
                        w.Line($"\"{name}\",");
                    }
                }

                w.Line();
                arguments += ", s_zeroInitialisedWeights";
                zeroInit = "\n/// As declared with <c>ZeroInitResidual</c>, the last batch norm of every block starts with weight 0 instead.";
            }

            w.Lines($$"""
                /// <summary>
                /// Creates the network with torchvision's initialisation: Kaiming-normal (fan_out, ReLU) convolutions,
                /// batch norm weight 1 and bias 0, and the default <c>nn.Linear</c> initialisation for <c>fc</c>.{{zeroInit}}
                /// </summary>
                /// <param name="seed">The same seed always gives the same weights.</param>
                {{Emitter.GeneratedCode}}
                public static {{type.Name}} CreateRandom(int seed) => new {{type.Name}}({{Emitter.Api}}.StateDict.CreateRandom({{arguments}}));

                """);
        }
    }
}
