using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// The device lowering: each op of the graph, as the <see cref="DeviceSchedule"/> runs it, becomes one kernel launch of
    /// ResNetGen.Ilgpu with every size a literal. The only place the accelerator emitter says what an op kind becomes.
    /// </summary>
    internal sealed class DeviceLowering : IOpLowering<LoweredOp>
    {
        private const string Ilgpu = AcceleratedEmitter.Ilgpu;
        private readonly DeviceSchedule _schedule;

        public DeviceLowering(DeviceSchedule schedule) => _schedule = schedule;

        /// <summary>The view a graph value is in: the caller's input or output, or a literal slice of the device arena.</summary>
        public string View(int value) => Emitter.Span(_schedule.BufferOf(value));

        public LoweredOp Convolution(ConvolutionOp conv)
        {
            DeviceConvolution scheduled = _schedule.Of(conv);
            TapWindow taps = scheduled.Taps;
            bool trimmed = taps.Count < conv.Kernel;
            return new LoweredOp(
                "DeviceConvolutionLayer",
                w =>
                {
                    string window = string.Empty;
                    if (trimmed)
                    {
                        window = $", firstTap: {taps.First}, taps: {taps.Count}";
                    }

                    w.Line($"{Emitter.Field(conv)} = FoldConvolution(weights, \"{conv.Module}\", \"{conv.BatchNorm}\", groups: {conv.Groups}{window});");
                },
                (w, s) => WriteConvolution(w, s, conv, scheduled, trimmed));
        }

        /// <summary>One convolution's launch: the schedule's tile and split (and live taps) in a comment, every size a literal.</summary>
        private void WriteConvolution(SourceWriter w, CallSpans s, ConvolutionOp conv, DeviceConvolution scheduled, bool trimmed)
        {
            FeatureShape i = conv.InputShape;
            FeatureShape o = conv.OutputShape;
            int batch = _schedule.Graph.Spec.BatchSize;
            if (trimmed)
            {
                int last = scheduled.Taps.First + scheduled.Taps.Count - 1;
                string taps = scheduled.Taps.Count == 1 ? $"tap {last}" : $"taps {scheduled.Taps.First}-{last}";
                w.Line($"// Live taps only: on a {i.Height}x{i.Width} map the {conv.Kernel}x{conv.Kernel} kernel reads inside the map through {taps} of each axis, so K walks {Emitter.Literal(scheduled.Reduction(conv))} values, not {Emitter.Literal((long)(i.Channels / conv.Groups) * conv.Kernel * conv.Kernel)}.");
            }

            string split = scheduled.KSplit == 1 ? "K whole" : $"K in {scheduled.KSplit} slices of {scheduled.SerialSteps(conv)} steps";
            w.Line($"// {scheduled.Tile.TypeName}, {split}, {Emitter.Literal(scheduled.Groups(conv, batch))} groups at batch {batch}: {scheduled.Reason}.");
            w.Line($"Kernels.Convolution<{Ilgpu}.{conv.Epilogue}, {Ilgpu}.{scheduled.Tile.TypeName}>(");
            using (w.Indented())
            {
                w.Line("arena.Stream,");
                w.Line($"{Emitter.Field(conv)},");
                w.Line($"new {Emitter.Kernels}.ConvolutionGeometry(batch: {s.Batch}, inChannels: {i.Channels}, inHeight: {i.Height}, inWidth: {i.Width}, outChannels: {o.Channels}, outHeight: {o.Height}, outWidth: {o.Width}, kernel: {scheduled.Taps.Count}, stride: {conv.Stride}, padding: {scheduled.Taps.Padding}, dilation: {conv.Dilation}, groups: {conv.Groups}),");
                w.Line($"source: {s.Source},");
                w.Line($"destination: {s.Destination},");
                string residual = conv.Residual >= 0 ? View(conv.Residual) : "default";
                if (scheduled.KSplit == 1)
                {
                    w.Line($"residual: {residual});");
                }
                else
                {
                    w.Line($"residual: {residual},");
                    w.Line($"kSplit: {scheduled.KSplit},");
                    w.Line($"partials: {Emitter.Span(_schedule.Buffers[scheduled.Partials])});");
                }
            }
        }

        public LoweredOp ChannelsLast(ChannelsLastOp layout) => Launch((w, s) =>
            w.Line($"Kernels.ToChannelsLast(arena.Stream, source: {s.Source}, destination: {s.Destination}, batch: {s.Batch}, channels: {layout.InputShape.Channels}, height: {layout.InputShape.Height}, width: {layout.InputShape.Width}, padding: {layout.Padding});"));

        public LoweredOp MaxPool(MaxPoolOp pool) => Launch((w, s) =>
        {
            FeatureShape i = pool.InputShape;
            FeatureShape o = pool.OutputShape;
            w.Line($"Kernels.MaxPool(arena.Stream, source: {s.Source}, destination: {s.Destination}, batch: {s.Batch}, channels: {i.Channels}, inHeight: {i.Height}, inWidth: {i.Width}, outHeight: {o.Height}, outWidth: {o.Width}, kernel: {pool.Kernel}, stride: {pool.Stride}, padding: {pool.Padding});");
        });

        public LoweredOp GlobalAveragePool(GlobalAveragePoolOp pool) => Launch((w, s) =>
            w.Line($"Kernels.GlobalAveragePool(arena.Stream, source: {s.Source}, destination: {s.Destination}, batch: {s.Batch}, channels: {pool.InputShape.Channels}, height: {pool.InputShape.Height}, width: {pool.InputShape.Width});"));

        public LoweredOp Linear(LinearOp fc) => new LoweredOp(
            "DeviceLinearLayer",
            w => w.Line($"{Emitter.Field(fc)} = CreateLinear(weights, \"{fc.Module}\");"),
            (w, s) => w.Line($"Kernels.Linear(arena.Stream, {Emitter.Field(fc)}, source: {s.Source}, destination: {s.Destination}, batch: {s.Batch}, inFeatures: {fc.InputShape.Channels}, outFeatures: {fc.OutputShape.Channels});"));

        private static LoweredOp Launch(System.Action<SourceWriter, CallSpans> write) => new LoweredOp(null, LoweredOp.NoPreparation, write);
    }
}
