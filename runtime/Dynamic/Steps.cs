using System;
using ResNetGen.Kernels;
using ResNetGen.Planning;

namespace ResNetGen.Dynamic;

/// <summary>The spans one fused call works on, and, in a batch that runs one image at a time, the image in flight.</summary>
internal ref struct StepContext(ReadOnlySpan<float> input, Span<float> output, Span<float> arena)
{
    public ReadOnlySpan<float> Input = input;
    public Span<float> Output = output;
    public Span<float> Arena = arena;

    /// <summary>The image the backbone runs, when the schedule runs one image at a time.</summary>
    public int Image;
}

/// <summary>
/// One op of <see cref="DynamicMode.Fused"/> mode: the generated code's kernel call, reached through a virtual
/// method, with the output shape and geometry worked out at run time from the op's input shape, and the algorithm,
/// taps, workspace and buffers the CPU schedule gave it.
/// </summary>
internal abstract class Step(string name)
{
    /// <summary>The torchvision module and the kind of op, for profiles.</summary>
    public string Name { get; } = name;

    public abstract void Run(ref StepContext context);

    protected static ReadOnlySpan<float> Read(ref StepContext context, PlannedBuffer buffer) =>
        buffer.Location == BufferLocation.Input ? context.Input : Write(ref context, buffer);

    protected static Span<float> Write(ref StepContext context, PlannedBuffer buffer) => buffer.Location switch
    {
        BufferLocation.Output => context.Output,
        BufferLocation.Arena => context.Arena.Slice((int)buffer.Offset, (int)buffer.Length),
        _ => throw new InvalidOperationException("The input is read-only."),
    };
}

/// <summary>
/// The fused dynamic graph's lowering: each op of the graph, as the <see cref="CpuSchedule"/> runs it, becomes one step
/// object that makes the call the generated code makes with literals. The only place the dynamic graph says what an op
/// kind becomes.
/// </summary>
internal sealed class StepLowering(CpuSchedule schedule, StateDict weights) : IOpLowering<Step>
{
    private int KernelBatch => schedule.KernelBatch;

    public Step Convolution(ConvolutionOp op) => op.Epilogue switch
    {
        ConvolutionEpilogue.BiasResidualRelu => new ConvolutionStep<BiasResidualRelu>(schedule, op, weights),
        ConvolutionEpilogue.BiasRelu => new ConvolutionStep<BiasRelu>(schedule, op, weights),
        _ => new ConvolutionStep<Bias>(schedule, op, weights),
    };

    public Step ChannelsLast(ChannelsLastOp op) => new ChannelsLastStep(schedule, op);

    public Step MaxPool(MaxPoolOp op) => new MaxPoolStep(schedule, op);

    public Step GlobalAveragePool(GlobalAveragePoolOp op) => new AveragePoolStep(schedule, op);

    public Step Linear(LinearOp op) => new LinearStep(schedule, op, weights);

    private sealed class ConvolutionStep<TEpilogue>(CpuSchedule schedule, ConvolutionOp op, StateDict weights) : Step(op.Module + " Convolution")
        where TEpilogue : struct, IEpilogue
    {
        private readonly CpuConvolution _scheduled = schedule.Of(op);
        private readonly ConvolutionLayer _layer = ConvolutionLayer.Fold(
            weights, op.Module, op.BatchNorm, op.Groups, (Kernels.ConvolutionAlgorithm)schedule.Of(op).Algorithm, schedule.Of(op).Taps.First, schedule.Of(op).Taps.Count);

        private readonly PlannedBuffer _source = schedule.BufferOf(op.Source);
        private readonly PlannedBuffer _destination = schedule.BufferOf(op.Destination);
        private readonly PlannedBuffer? _residual = op.Residual >= 0 ? schedule.BufferOf(op.Residual) : null;
        private readonly PlannedBuffer? _workspace = schedule.Of(op).Workspace >= 0 ? schedule.Buffers[schedule.Of(op).Workspace] : null;
        private readonly PlannedBuffer? _pooled = schedule.Of(op).Pool is MaxPoolOp pool ? schedule.BufferOf(pool.Destination) : null;

        public override void Run(ref StepContext context)
        {
            FeatureShape input = op.InputShape;
            int kernel = _layer.Kernel;
            int padding = _scheduled.Taps.Padding;
            int height = FeatureShape.OutputSize(input.Height, kernel, op.Stride, padding, op.Dilation);
            int width = FeatureShape.OutputSize(input.Width, kernel, op.Stride, padding, op.Dilation);
            var geometry = new ConvolutionGeometry(schedule.KernelBatch, input.Channels, input.Height, input.Width, _layer.OutChannels, height, width, kernel, op.Stride, padding, op.Dilation, _layer.Groups);
            if (_pooled is not null)
            {
                Kernels.Convolution.ForwardMaxPooled<TEpilogue>(
                    _layer, geometry, (Kernels.ConvolutionAlgorithm)_scheduled.Algorithm, Read(ref context, _source), Write(ref context, _destination), Write(ref context, _pooled));
                return;
            }

            ReadOnlySpan<float> residual = _residual is null ? default : Read(ref context, _residual);
            Span<float> workspace = _workspace is null ? default : Write(ref context, _workspace);
            Kernels.Convolution.Forward<TEpilogue>(
                _layer, geometry, (Kernels.ConvolutionAlgorithm)_scheduled.Algorithm, Read(ref context, _source), Write(ref context, _destination), residual, workspace);
        }
    }

    private sealed class ChannelsLastStep(CpuSchedule schedule, ChannelsLastOp op) : Step(op.Module + " ChannelsLast")
    {
        private readonly PlannedBuffer _source = schedule.BufferOf(op.Source);
        private readonly PlannedBuffer _destination = schedule.BufferOf(op.Destination);

        public override void Run(ref StepContext context) =>
            Layout.ToChannelsLast(Read(ref context, _source), Write(ref context, _destination), schedule.KernelBatch, op.InputShape.Channels, op.InputShape.Height, op.InputShape.Width, op.Padding);
    }

    /// <summary>The max pool; nothing to do when it runs in its convolution's call (<see cref="CpuConvolution.Pool"/>).</summary>
    private sealed class MaxPoolStep(CpuSchedule schedule, MaxPoolOp op) : Step(op.Module + " MaxPool")
    {
        private readonly PlannedBuffer _source = schedule.BufferOf(op.Source);
        private readonly PlannedBuffer _destination = schedule.BufferOf(op.Destination);
        private readonly bool _pooledByConvolution = schedule.PoolsInItsConvolution(op);

        public override void Run(ref StepContext context)
        {
            if (_pooledByConvolution)
            {
                return;
            }

            FeatureShape input = op.InputShape;
            int height = FeatureShape.OutputSize(input.Height, op.Kernel, op.Stride, op.Padding, 1);
            int width = FeatureShape.OutputSize(input.Width, op.Kernel, op.Stride, op.Padding, 1);
            Kernels.MaxPool.Forward(Read(ref context, _source), Write(ref context, _destination), schedule.KernelBatch, input.Channels, input.Height, input.Width, height, width, op.Kernel, op.Stride, op.Padding);
        }
    }

    /// <summary>
    /// The pool. In a batch that runs one image at a time it writes the image's features where the schedule keeps the
    /// batch's (after the backbone's maps, or straight into the output of a network without a classifier).
    /// </summary>
    private sealed class AveragePoolStep(CpuSchedule schedule, GlobalAveragePoolOp op) : Step(op.Module + " GlobalAveragePool")
    {
        private readonly PlannedBuffer _source = schedule.BufferOf(op.Source);
        private readonly PlannedBuffer _destination = schedule.BufferOf(op.Destination);
        private readonly int _features = op.OutputShape.Channels;

        public override void Run(ref StepContext context)
        {
            FeatureShape input = op.InputShape;
            Span<float> destination = !schedule.ImageByImage
                ? Write(ref context, _destination)
                : _destination.Location == BufferLocation.Output
                    ? context.Output.Slice(context.Image * _features, _features)
                    : context.Arena.Slice((int)schedule.FeaturesOffset + (context.Image * _features), _features);
            Kernels.GlobalAveragePool.Forward(Read(ref context, _source), destination, schedule.KernelBatch, input.Channels, input.Height, input.Width);
        }
    }

    /// <summary>The classifier, on the whole batch at once (from the batch's pooled features when the backbone ran image by image).</summary>
    private sealed class LinearStep(CpuSchedule schedule, LinearOp op, StateDict weights) : Step(op.Module + " Linear")
    {
        private readonly LinearLayer _layer = LinearLayer.Create(weights, op.Module);
        private readonly PlannedBuffer _source = schedule.BufferOf(op.Source);
        private readonly PlannedBuffer _destination = schedule.BufferOf(op.Destination);

        public override void Run(ref StepContext context)
        {
            int batch = schedule.Graph.Spec.BatchSize;
            ReadOnlySpan<float> source = schedule.ImageByImage
                ? context.Arena.Slice((int)schedule.FeaturesOffset, batch * _layer.InFeatures)
                : Read(ref context, _source);
            Kernels.Linear.Forward(_layer, source, Write(ref context, _destination), batch, _layer.InFeatures, _layer.OutFeatures);
        }
    }
}
