using System;
using ResNetGen.Kernels;
using ResNetGen.Planning;

namespace ResNetGen.Dynamic;

/// <summary>The spans one fused call works on.</summary>
internal ref struct StepContext(ReadOnlySpan<float> input, Span<float> output, Span<float> arena)
{
    public ReadOnlySpan<float> Input = input;
    public Span<float> Output = output;
    public Span<float> Arena = arena;
}

/// <summary>
/// One op of <see cref="DynamicMode.Fused"/> mode: the generated code's kernel call, reached through a virtual
/// method, with the output shape, geometry and algorithm worked out at run time from the op's input shape.
/// </summary>
internal abstract class Step
{
    protected Step(NetworkPlan plan, PlanOp op)
    {
        SourceBuffer = plan.Buffer(op.Source);
        DestinationBuffer = plan.Buffer(op.Destination);
        Batch = plan.Spec.BatchSize;
        Input = op.InputShape;
    }

    protected PlannedBuffer SourceBuffer { get; }

    protected PlannedBuffer DestinationBuffer { get; }

    protected int Batch { get; }

    protected FeatureShape Input { get; }

    public static Step Create(PlanOp op, StateDict weights, NetworkPlan plan) => op switch
    {
        ConvolutionOp { Residual: >= 0 } c => new ConvolutionStep<BiasResidualRelu>(plan, c, weights),
        ConvolutionOp { Relu: true } c => new ConvolutionStep<BiasRelu>(plan, c, weights),
        ConvolutionOp c => new ConvolutionStep<Bias>(plan, c, weights),
        ChannelsLastOp l => new ChannelsLastStep(plan, l),
        MaxPoolOp p => new MaxPoolStep(plan, p),
        GlobalAveragePoolOp a => new AveragePoolStep(plan, a),
        LinearOp l => new LinearStep(plan, l, weights),
        _ => throw new NotSupportedException(op.GetType().Name),
    };

    public abstract void Run(ref StepContext context);

    protected static ReadOnlySpan<float> Read(ref StepContext context, PlannedBuffer buffer) =>
        buffer.Location == BufferLocation.Input ? context.Input : Write(ref context, buffer);

    protected static Span<float> Write(ref StepContext context, PlannedBuffer buffer) => buffer.Location switch
    {
        BufferLocation.Output => context.Output,
        BufferLocation.Arena => context.Arena.Slice((int)buffer.Offset, (int)buffer.Length),
        _ => throw new InvalidOperationException("The input is read-only."),
    };

    private sealed class ConvolutionStep<TEpilogue>(NetworkPlan plan, ConvolutionOp op, StateDict weights) : Step(plan, op)
        where TEpilogue : struct, IEpilogue
    {
        private readonly ConvolutionLayer _layer = ConvolutionLayer.Fold(weights, op.Module, op.BatchNorm, op.Groups, (Kernels.ConvolutionAlgorithm)op.Algorithm, op.Taps.First, op.Taps.Count);
        private readonly PlannedBuffer? _residual = op.Residual >= 0 ? plan.Buffer(op.Residual) : null;
        private readonly PlannedBuffer? _workspace = op.Workspace >= 0 ? plan.Buffer(op.Workspace) : null;

        public override void Run(ref StepContext context)
        {
            int kernel = _layer.Kernel;
            int padding = op.Taps.Padding;
            int height = FeatureShape.OutputSize(Input.Height, kernel, op.Stride, padding, op.Dilation);
            int width = FeatureShape.OutputSize(Input.Width, kernel, op.Stride, padding, op.Dilation);
            var geometry = new ConvolutionGeometry(Batch, Input.Channels, Input.Height, Input.Width, _layer.OutChannels, height, width, kernel, op.Stride, padding, op.Dilation, _layer.Groups);
            ReadOnlySpan<float> residual = _residual is null ? default : Read(ref context, _residual);
            Span<float> workspace = _workspace is null ? default : Write(ref context, _workspace);
            Convolution.Forward<TEpilogue>(
                _layer, geometry, (Kernels.ConvolutionAlgorithm)op.Algorithm, Read(ref context, SourceBuffer), Write(ref context, DestinationBuffer), residual, workspace);
        }
    }

    private sealed class ChannelsLastStep(NetworkPlan plan, ChannelsLastOp op) : Step(plan, op)
    {
        public override void Run(ref StepContext context) =>
            Layout.ToChannelsLast(Read(ref context, SourceBuffer), Write(ref context, DestinationBuffer), Batch, Input.Channels, Input.Height, Input.Width, op.Padding);
    }

    private sealed class MaxPoolStep(NetworkPlan plan, MaxPoolOp op) : Step(plan, op)
    {
        public override void Run(ref StepContext context)
        {
            int height = FeatureShape.OutputSize(Input.Height, op.Kernel, op.Stride, op.Padding, 1);
            int width = FeatureShape.OutputSize(Input.Width, op.Kernel, op.Stride, op.Padding, 1);
            MaxPool.Forward(Read(ref context, SourceBuffer), Write(ref context, DestinationBuffer), Batch, Input.Channels, Input.Height, Input.Width, height, width, op.Kernel, op.Stride, op.Padding);
        }
    }

    private sealed class AveragePoolStep(NetworkPlan plan, GlobalAveragePoolOp op) : Step(plan, op)
    {
        public override void Run(ref StepContext context) =>
            GlobalAveragePool.Forward(Read(ref context, SourceBuffer), Write(ref context, DestinationBuffer), Batch, Input.Channels, Input.Height, Input.Width);
    }

    private sealed class LinearStep(NetworkPlan plan, LinearOp op, StateDict weights) : Step(plan, op)
    {
        private readonly LinearLayer _layer = LinearLayer.Create(weights, op.Module);

        public override void Run(ref StepContext context) =>
            Kernels.Linear.Forward(_layer, Read(ref context, SourceBuffer), Write(ref context, DestinationBuffer), Batch, _layer.InFeatures, _layer.OutFeatures);
    }
}
