using System.Linq;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// Writes the ILGPU form of a network, emitted only when the compilation references ResNetGen.Ilgpu: a nested
    /// <c>Accelerated</c> class (the device layers, and <c>Run</c> with one kernel launch per op of the graph as the
    /// <see cref="DeviceSchedule"/> runs it, every size and arena offset a literal) and <c>OnAccelerator</c>, which binds the
    /// weights as <c>FromStateDict</c> does and uploads them.
    /// </summary>
    /// <remarks>What each op kind becomes is <see cref="DeviceLowering"/>'s to say; this class only lays out the file.</remarks>
    internal static class AcceleratedEmitter
    {
        /// <summary>A type of ResNetGen.Ilgpu whose presence in the compilation turns this form on.</summary>
        public const string MarkerType = "ResNetGen.Ilgpu.AcceleratedNetwork";

        public const string Ilgpu = "global::ResNetGen.Ilgpu";
        private const string View = "global::ILGPU.ArrayView<float>";

        public static void Emit(SourceWriter w, TargetType type, DeviceSchedule device)
        {
            NetworkGraph plan = device.Graph;
            var lowering = new DeviceLowering(device);
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
                /// <see cref="{{type.Name}}"/> on an ILGPU accelerator: the same plan, one kernel launch per op. <c>Forward</c> and
                /// <c>ForwardFeatures</c> take host spans (copied to and from the device) or device views of the same accelerator (no
                /// copies); all return when the output is there.
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
                foreach (GraphOp op in plan.Ops)
                {
                    if (op.Accept(lowering).WeightsType is { } weights)
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
                using (w.Block($"internal Accelerated(global::ILGPU.Runtime.Accelerator accelerator, {api}.StateDict weights) : base(accelerator, batchSize: {spec.BatchSize}, imageLength: {imageLength}, outputsPerImage: {outputsPerImage}, featureLength: {plan.FeatureLength}, arenaLength: {device.ArenaLength})"))
                {
                    using (w.Block("try"))
                    {
                        // Refused here, before anything is uploaded, if the device cannot run a tile's thread groups.
                        foreach (string tile in device.Convolutions.Select(c => c.Tile.TypeName).Distinct())
                        {
                            w.Line($"Kernels.RequireTile<{Ilgpu}.{tile}>();");
                        }

                        foreach (GraphOp op in plan.Ops)
                        {
                            op.Accept(lowering).WritePreparation(w);
                        }
                    }

                    using (w.Block("catch"))
                    {
                        w.Line("Dispose();");
                        w.Line("throw;");
                    }
                }

                EmitRun(w, device, lowering);
            }
        }

        private static void EmitRun(SourceWriter w, DeviceSchedule device, DeviceLowering lowering)
        {
            NetworkGraph plan = device.Graph;
            ResNetSpec spec = plan.Spec;
            string batch = Emitter.Batch(spec.BatchSize);
            GraphSection[] head = plan.Sections.Where(s => s.Ops.Any(IsHead)).ToArray();
            string launches = Emitter.Literal(plan.Ops.Count() + device.Convolutions.Count(c => c.KSplit > 1));
            w.Lines($$"""

                /// <summary>
                /// Enqueues the whole network on the arena's stream, {{launches}} launches in the order of the graph, the whole batch layer by layer.
                /// </summary>
                {{Emitter.GeneratedCode}}
                """);
            using (w.Block($"protected override void Run({Ilgpu}.DeviceArena arena, {View} input, {View} output, int images)"))
            {
                w.Line("RunBackbone(arena, input, images);");
                EmitHead(w, lowering, head, batch, features: null);
            }

            w.Lines($$"""

                /// <summary>Enqueues the network up to <c>avgpool</c>, which writes the pooled features into <paramref name="features"/>.</summary>
                {{Emitter.GeneratedCode}}
                """);
            using (w.Block($"protected override void RunFeatures({Ilgpu}.DeviceArena arena, {View} input, {View} features, int images)"))
            {
                w.Line("RunBackbone(arena, input, images);");
                EmitHead(w, lowering, head.Where(s => s.Ops.Any(op => op is GlobalAveragePoolOp)), batch, features: "features");
            }

            w.Lines($$"""

                /// <summary>
                /// Enqueues every op from the input to the last residual block (torchvision ResNet: {{(spec.Block == BlockKind.Bottleneck ? "bottleneck" : "basic")}} blocks [{{string.Join(", ", spec.Layers.Select(d => Emitter.Literal(d)))}}]{{Emitter.Options(spec)}}, batch {{spec.BatchSize}}).
                /// Every convolution is the implicit GEMM on the device, with the live taps, tile and K split the device schedule chose from its shapes for a GPU of {{DeviceTuning.ReferenceMultiprocessors}} multiprocessors
                /// (said over each launch); the device arena holds the feature maps and the split convolutions' partial sums ({{device.ArenaLength:N0}} floats, {{Emitter.Megabytes(device.ArenaLength):F1}} MB).
                /// </summary>
                {{Emitter.GeneratedCode}}
                """);
            using (w.Block($"private void RunBackbone({Ilgpu}.DeviceArena arena, {View} input, int images)"))
            {
                bool first = true;
                foreach (GraphSection section in plan.Sections.Where(s => !s.Ops.Any(IsHead)))
                {
                    if (!first)
                    {
                        w.Line();
                    }

                    first = false;
                    w.Line($"// {section.Title}");
                    foreach (GraphOp op in section.Ops)
                    {
                        op.Accept(lowering).WriteCall(w, new CallSpans(batch, lowering.View(op.Source), lowering.View(op.Destination)));
                    }
                }
            }
        }

        /// <summary>The pool and the classifier after the backbone; with <paramref name="features"/>, the pool writes there.</summary>
        private static void EmitHead(SourceWriter w, DeviceLowering lowering, System.Collections.Generic.IEnumerable<GraphSection> head, string batch, string? features)
        {
            foreach (GraphSection section in head)
            {
                w.Line();
                w.Line($"// {section.Title}");
                foreach (GraphOp op in section.Ops)
                {
                    string destination = features is not null && op is GlobalAveragePoolOp ? features : lowering.View(op.Destination);
                    op.Accept(lowering).WriteCall(w, new CallSpans(batch, lowering.View(op.Source), destination));
                }
            }
        }

        /// <summary>The ops after the backbone: <c>avgpool</c> and <c>fc</c>.</summary>
        private static bool IsHead(GraphOp op) => op is GlobalAveragePoolOp or LinearOp;
    }
}
