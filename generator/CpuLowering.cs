using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>The spans of one kernel call: the batch argument, and where it reads and writes.</summary>
    internal readonly record struct CallSpans(string Batch, string Source, string Destination);

    /// <summary>
    /// What a backend's emitter makes of one op: the type of the field that holds its prepared weights (null for an op
    /// without weights), the code that prepares them in the constructor, and the call that runs it.
    /// </summary>
    internal sealed record LoweredOp(string? WeightsType, Action<SourceWriter> WritePreparation, Action<SourceWriter, CallSpans> WriteCall)
    {
        public static readonly Action<SourceWriter> NoPreparation = _ => { };

        /// <summary>Whether the op's algorithm is chosen when the network is built (<see cref="CpuLowering.AlgorithmField"/>).</summary>
        public bool ChoosesAlgorithm { get; init; }
    }

    /// <summary>
    /// The CPU lowering: each op of the graph, as the <see cref="CpuSchedule"/> runs it, becomes one call into the kernel
    /// runtime with every size a literal. The only place the CPU emitter says what an op kind becomes.
    /// </summary>
    internal sealed class CpuLowering : IOpLowering<LoweredOp>
    {
        private const string Kernels = Emitter.Kernels;
        private readonly CpuSchedule _schedule;

        public CpuLowering(CpuSchedule schedule) => _schedule = schedule;

        /// <summary>The span a graph value is in: the caller's input or output, or a literal slice of the arena.</summary>
        public string Span(int value) => Emitter.Span(_schedule.BufferOf(value));

        public LoweredOp Convolution(ConvolutionOp conv)
        {
            CpuConvolution scheduled = _schedule.Of(conv);
            bool trimmed = scheduled.Taps.Count < conv.Kernel;
            string algorithm = scheduled.ChoosesByProfile ? AlgorithmField(conv) : $"{Kernels}.ConvolutionAlgorithm.{scheduled.Algorithm}";
            return new LoweredOp(
                "ConvolutionLayer",
                w =>
                {
                    string prepared = string.Empty;
                    if (scheduled.ChoosesByProfile)
                    {
                        ChoiceComment(w, conv, scheduled);
                        FeatureShape o = conv.OutputShape;
                        w.Line($"{algorithm} = CpuProfile.Choose({Kernels}.ConvolutionAlgorithm.{scheduled.Direct}, winogradTiles: {scheduled.WinogradTiles}, outHeight: {o.Height}, outWidth: {o.Width});");
                        prepared = $", algorithm: {algorithm}";
                    }

                    string taps = string.Empty;
                    if (trimmed)
                    {
                        LiveTapsComment(w, conv, scheduled.Taps);
                        taps = $", firstTap: {scheduled.Taps.First}, taps: {scheduled.Taps.Count}";
                    }

                    w.Line($"{Emitter.Field(conv)} = {Kernels}.ConvolutionLayer.Fold(weights, \"{conv.Module}\", \"{conv.BatchNorm}\", groups: {conv.Groups}{prepared}{taps});");
                },
                (w, spans) =>
                {
                    FeatureShape i = conv.InputShape;
                    FeatureShape o = conv.OutputShape;
                    if (trimmed)
                    {
                        LiveTapsComment(w, conv, scheduled.Taps);
                    }

                    if (scheduled.Pool is not null)
                    {
                        w.Line($"// and {scheduled.Pool.Module}, band by band: each band of output rows is pooled as soon as it is made.");
                    }

                    w.Line($"{Kernels}.Convolution.{(scheduled.Pool is null ? "Forward" : "ForwardMaxPooled")}<{Kernels}.{conv.Epilogue}>(");
                    using (w.Indented())
                    {
                        w.Line($"{Emitter.Field(conv)},");
                        w.Line($"new {Kernels}.ConvolutionGeometry(batch: {spans.Batch}, inChannels: {i.Channels}, inHeight: {i.Height}, inWidth: {i.Width}, outChannels: {o.Channels}, outHeight: {o.Height}, outWidth: {o.Width}, kernel: {scheduled.Taps.Count}, stride: {conv.Stride}, padding: {scheduled.Taps.Padding}, dilation: {conv.Dilation}, groups: {conv.Groups}),");
                        w.Line($"{algorithm},");
                        w.Line($"source: {spans.Source},");
                        if (scheduled.Pool is not null)
                        {
                            w.Line($"convolved: {spans.Destination},");
                            w.Line($"destination: {Span(scheduled.Pool.Destination)},");
                            w.Line("workers: _workers);");
                            return;
                        }

                        w.Line($"destination: {spans.Destination},");
                        w.Line($"residual: {(conv.Residual >= 0 ? Span(conv.Residual) : "default")},");
                        if (scheduled.Workspace >= 0)
                        {
                            w.Line($"workspace: {Emitter.Span(_schedule.Buffers[scheduled.Workspace])},");
                        }

                        w.Line("workers: _workers);");
                    }
                })
            {
                ChoosesAlgorithm = scheduled.ChoosesByProfile,
            };
        }

        /// <summary>The field that holds the algorithm a convolution Winograd can compute was given when the network was built.</summary>
        public static string AlgorithmField(GraphOp conv) => Emitter.Field(conv) + "Algorithm";

        public LoweredOp ChannelsLast(ChannelsLastOp layout) => Call((w, s) =>
            w.Line($"{Kernels}.Layout.ToChannelsLast(source: {s.Source}, destination: {s.Destination}, batch: {s.Batch}, channels: {layout.InputShape.Channels}, height: {layout.InputShape.Height}, width: {layout.InputShape.Width}, padding: {layout.Padding});"));

        public LoweredOp MaxPool(MaxPoolOp pool) => Call((w, s) =>
        {
            if (_schedule.PoolsInItsConvolution(pool))
            {
                w.Line("// (pooled in the convolution's call above)");
                return;
            }

            FeatureShape i = pool.InputShape;
            FeatureShape o = pool.OutputShape;
            w.Line($"{Kernels}.MaxPool.Forward(source: {s.Source}, destination: {s.Destination}, batch: {s.Batch}, channels: {i.Channels}, inHeight: {i.Height}, inWidth: {i.Width}, outHeight: {o.Height}, outWidth: {o.Width}, kernel: {pool.Kernel}, stride: {pool.Stride}, padding: {pool.Padding}, workers: _workers);");
        });

        public LoweredOp GlobalAveragePool(GlobalAveragePoolOp pool) => Call((w, s) =>
            w.Line($"{Kernels}.GlobalAveragePool.Forward(source: {s.Source}, destination: {s.Destination}, batch: {s.Batch}, channels: {pool.InputShape.Channels}, height: {pool.InputShape.Height}, width: {pool.InputShape.Width});"));

        public LoweredOp Linear(LinearOp fc) => new LoweredOp(
            "LinearLayer",
            w => w.Line($"{Emitter.Field(fc)} = {Kernels}.LinearLayer.Create(weights, \"{fc.Module}\");"),
            (w, s) => w.Line($"{Kernels}.Linear.Forward({Emitter.Field(fc)}, source: {s.Source}, destination: {s.Destination}, batch: {s.Batch}, inFeatures: {fc.InputShape.Channels}, outFeatures: {fc.OutputShape.Channels}, workers: _workers);"));

        /// <summary>The comment over a convolution's choice between Winograd and its direct algorithm: what each built-in profile picks.</summary>
        private static void ChoiceComment(SourceWriter w, ConvolutionOp conv, CpuConvolution scheduled)
        {
            IEnumerable<string> byAlgorithm =
                from algorithm in new[] { ConvolutionAlgorithm.Winograd, scheduled.Direct }
                let names = CpuProfiles.BuiltIn.Where(p => scheduled.AlgorithmOn(p, conv) == algorithm).Select(p => p.Name).ToList()
                where names.Count > 0
                select $"{algorithm} on {Emitter.List(names)}";
            w.Line($"// {conv.Module}: Winograd or {scheduled.Direct}, by the CPU's profile ({string.Join("; ", byAlgorithm)}).");
        }

        /// <summary>The comment over a convolution that runs with only the taps that read inside its input (see <see cref="TapWindow"/>).</summary>
        private static void LiveTapsComment(SourceWriter w, ConvolutionOp conv, TapWindow window)
        {
            FeatureShape input = conv.InputShape;
            int first = window.First;
            int last = first + window.Count - 1;
            string taps = first == last ? $"tap {first} of each axis of the {conv.Kernel}x{conv.Kernel} kernel reads" : $"taps {first} to {last} of each axis of the {conv.Kernel}x{conv.Kernel} kernel read";
            w.Line($"// On its {input.Height}x{input.Width} input only {taps} inside the map: the rest multiply padding and are left out.");
        }

        private static LoweredOp Call(Action<SourceWriter, CallSpans> write) => new LoweredOp(null, LoweredOp.NoPreparation, write);
    }
}
