using System.Linq;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// Writes the ILGPU form of a planned network, emitted only when the compilation references ResNetGen.Ilgpu: a nested
    /// <c>Accelerated</c> class (the device layers, and <c>Run</c> with one kernel launch per op of the same plan, every size
    /// and arena offset a literal) and <c>OnAccelerator</c>, which binds the weights as <c>FromStateDict</c> does and uploads them.
    /// </summary>
    /// <remarks>Its switches over <see cref="PlanOp"/> mirror <see cref="Emitter"/>'s and also end in <c>default: throw</c>.</remarks>
    internal static class AcceleratedEmitter
    {
        /// <summary>A type of ResNetGen.Ilgpu whose presence in the compilation turns this form on.</summary>
        public const string MarkerType = "ResNetGen.Ilgpu.AcceleratedNetwork";

        private const string Ilgpu = "global::ResNetGen.Ilgpu";
        private const string View = "global::ILGPU.ArrayView<float>";

        public static void Emit(SourceWriter w, TargetType type, NetworkPlan plan)
        {
            string api = Emitter.Api;
            string code = Emitter.GeneratedCode;
            w.Lines($$"""

                /// <summary>
                /// Builds this network on an ILGPU accelerator (CUDA, OpenCL or CPU): binds <paramref name="weights"/> strictly, as
                /// <see cref="FromStateDict"/> does, folds batch norm with the same code as the CPU layers, uploads the weights once and
                /// compiles the kernels once per accelerator.
                /// </summary>
                /// <param name="accelerator">The device; dispose the network before it.</param>
                /// <param name="weights">A torchvision state_dict, keyed and shaped exactly as <see cref="Parameters"/>.</param>
                /// <exception cref="global::System.ArgumentNullException"><paramref name="accelerator"/> is null.</exception>
                /// <exception cref="{{api}}.WeightLoadException">Keys are missing or unexpected, or shapes differ; the message lists them all.</exception>
                /// <exception cref="{{Ilgpu}}.InsufficientDeviceMemoryException">The device has no room for the weights.</exception>
                {{code}}
                public static Accelerated OnAccelerator(global::ILGPU.Runtime.Accelerator accelerator, {{api}}.StateDict weights) =>
                    new Accelerated(accelerator, {{api}}.StateDictLoader.Bind(weights, Parameters));

                /// <summary>
                /// <see cref="{{type.Name}}"/> on an ILGPU accelerator: the same plan, one kernel launch per op. <c>Forward</c> takes host
                /// spans (copied to and from the device) or device views of the same accelerator (no copies); both return when the
                /// output is there.
                /// </summary>
                /// <remarks>
                /// Thread safety: <c>Forward</c> may be called from several threads at once; each call rents its own device arena and
                /// stream. <c>Dispose</c> frees the device memory and must not run during a call; calls after it throw
                /// <see cref="global::System.ObjectDisposedException"/>.
                /// </remarks>
                {{code}}
                """);
            using (w.Block($"public sealed class Accelerated : {Ilgpu}.AcceleratedNetwork"))
            {
                w.Line("// Weights folded and uploaded once, when the network is built.");
                foreach (PlanOp op in Emitter.Ops(plan))
                {
                    if (DeviceWeightsType(op) is { } weights)
                    {
                        w.Line($"private readonly {Ilgpu}.{weights} {Emitter.Field(op)};");
                    }
                }

                w.Line();
                w.Line("/// <summary>Uploads every layer of a state_dict already bound to <see cref=\"Parameters\"/>; on failure frees what was uploaded.</summary>");
                w.Line(code);
                ResNetSpec spec = plan.Spec;
                int imageLength = plan.InputLength / spec.BatchSize;
                int outputsPerImage = plan.OutputLength / spec.BatchSize;
                using (w.Block($"internal Accelerated(global::ILGPU.Runtime.Accelerator accelerator, {api}.StateDict weights) : base(accelerator, batchSize: {spec.BatchSize}, imageLength: {imageLength}, outputsPerImage: {outputsPerImage}, arenaLength: {plan.ArenaLength})"))
                {
                    using (w.Block("try"))
                    {
                        foreach (PlanOp op in Emitter.Ops(plan))
                        {
                            switch (op)
                            {
                                case ConvolutionOp conv:
                                    w.Line($"{Emitter.Field(op)} = FoldConvolution(weights, \"{conv.Module}\", \"{conv.BatchNorm}\", groups: {conv.Groups});");
                                    break;
                                case LinearOp:
                                    w.Line($"{Emitter.Field(op)} = CreateLinear(weights, \"{op.Module}\");");
                                    break;
                                case ChannelsLastOp or MaxPoolOp or GlobalAveragePoolOp:
                                    break;
                                default:
                                    throw Emitter.UnknownOp(op);
                            }
                        }
                    }

                    using (w.Block("catch"))
                    {
                        w.Line("Dispose();");
                        w.Line("throw;");
                    }
                }

                EmitRun(w, plan);
            }
        }

        private static string? DeviceWeightsType(PlanOp op) => op switch
        {
            ConvolutionOp => "DeviceConvolutionLayer",
            LinearOp => "DeviceLinearLayer",
            ChannelsLastOp or MaxPoolOp or GlobalAveragePoolOp => null,
            _ => throw Emitter.UnknownOp(op),
        };

        private static void EmitRun(SourceWriter w, NetworkPlan plan)
        {
            ResNetSpec spec = plan.Spec;
            string batch = Emitter.Batch(spec);
            w.Lines($$"""

                /// <summary>
                /// Enqueues the whole network on the arena's stream, {{Emitter.Ops(plan).Count()}} launches in the order of the plan
                /// (torchvision ResNet: {{(spec.Block == BlockKind.Bottleneck ? "bottleneck" : "basic")}} blocks [{{string.Join(", ", spec.Layers.Select(d => Emitter.Literal(d)))}}]{{Emitter.Options(spec)}}, batch {{spec.BatchSize}}).
                /// Every convolution is the implicit GEMM on the device; the arena has the CPU plan's layout ({{plan.ArenaLength:N0}} floats, {{Emitter.Megabytes(plan.ArenaLength):F1}} MB).
                /// </summary>
                {{Emitter.GeneratedCode}}
                """);
            using (w.Block($"protected override void Run({Ilgpu}.DeviceArena arena, {View} input, {View} output, int images)"))
            {
                bool first = true;
                foreach (PlanSection section in plan.Sections)
                {
                    if (!first)
                    {
                        w.Line();
                    }

                    first = false;
                    w.Line($"// {section.Title}");
                    foreach (PlanOp op in section.Ops)
                    {
                        EmitLaunch(w, plan, op, batch);
                    }
                }
            }
        }

        private static void EmitLaunch(SourceWriter w, NetworkPlan plan, PlanOp op, string batch)
        {
            string source = Emitter.Span(plan, op.Source);
            string destination = Emitter.Span(plan, op.Destination);
            FeatureShape i = op.InputShape;
            FeatureShape o = op.OutputShape;
            switch (op)
            {
                case ConvolutionOp conv:
                    string epilogue = conv.Residual >= 0 ? "BiasResidualRelu" : conv.Relu ? "BiasRelu" : "Bias";
                    string residual = conv.Residual >= 0 ? Emitter.Span(plan, conv.Residual) : "default";
                    w.Line($"Kernels.Convolution<{Ilgpu}.{epilogue}>(");
                    using (w.Indented())
                    {
                        w.Line("arena.Stream,");
                        w.Line($"{Emitter.Field(op)},");
                        w.Line($"new {Emitter.Kernels}.ConvolutionGeometry(batch: {batch}, inChannels: {i.Channels}, inHeight: {i.Height}, inWidth: {i.Width}, outChannels: {o.Channels}, outHeight: {o.Height}, outWidth: {o.Width}, kernel: {conv.Kernel}, stride: {conv.Stride}, padding: {conv.Padding}, dilation: {conv.Dilation}, groups: {conv.Groups}),");
                        w.Line($"source: {source},");
                        w.Line($"destination: {destination},");
                        w.Line($"residual: {residual});");
                    }

                    break;
                case ChannelsLastOp layout:
                    w.Line($"Kernels.ToChannelsLast(arena.Stream, source: {source}, destination: {destination}, batch: {batch}, channels: {i.Channels}, height: {i.Height}, width: {i.Width}, padding: {layout.Padding});");
                    break;
                case MaxPoolOp pool:
                    w.Line($"Kernels.MaxPool(arena.Stream, source: {source}, destination: {destination}, batch: {batch}, channels: {i.Channels}, inHeight: {i.Height}, inWidth: {i.Width}, outHeight: {o.Height}, outWidth: {o.Width}, kernel: {pool.Kernel}, stride: {pool.Stride}, padding: {pool.Padding});");
                    break;
                case GlobalAveragePoolOp:
                    w.Line($"Kernels.GlobalAveragePool(arena.Stream, source: {source}, destination: {destination}, batch: {batch}, channels: {i.Channels}, height: {i.Height}, width: {i.Width});");
                    break;
                case LinearOp:
                    w.Line($"Kernels.Linear(arena.Stream, {Emitter.Field(op)}, source: {source}, destination: {destination}, batch: {batch}, inFeatures: {i.Channels}, outFeatures: {o.Channels});");
                    break;
                default:
                    throw Emitter.UnknownOp(op);
            }
        }
    }
}
