using System.Collections.Generic;

namespace ResNetGen.Planning
{
    /// <summary>
    /// torchvision's <c>zero_init_residual=True</c>: after the usual initialisation, the weight of the last batch norm of
    /// every block (<c>bn2</c> of a <c>BasicBlock</c>, <c>bn3</c> of a <c>Bottleneck</c>) is set to 0, so that each residual
    /// branch starts at zero and each block starts as its shortcut. Nothing else changes: no other tensor, and no random draw.
    /// </summary>
    internal static class ResidualInitialisation
    {
        /// <summary>
        /// The state_dict keys that random initialisation sets to 0 instead of 1, in torchvision's order; none unless
        /// the spec asks for <see cref="ResNetSpec.ZeroInitResidual"/>. The block's last batch norm is the one whose
        /// convolution's epilogue adds the shortcut.
        /// </summary>
        public static IReadOnlyList<string> ZeroedWeights(NetworkGraph plan)
        {
            var names = new List<string>();
            if (!plan.Spec.ZeroInitResidual)
            {
                return names;
            }

            foreach (GraphSection section in plan.Sections)
            {
                foreach (GraphOp op in section.Ops)
                {
                    if (op is ConvolutionOp { Residual: >= 0 } conv)
                    {
                        names.Add(conv.BatchNorm + ".weight");
                    }
                }
            }

            return names;
        }
    }
}
