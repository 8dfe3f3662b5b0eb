namespace ResNetGen.Planning
{
    /// <summary>Channels x height x width of one image's feature map (the batch dimension is implied).</summary>
    internal readonly record struct FeatureShape(int Channels, int Height, int Width)
    {
        public long Length => (long)Channels * Height * Width;

        /// <summary>
        /// The output rows (or columns) of a convolution or pooling window over <paramref name="size"/> input rows:
        /// <c>floor((size + 2p - d(k - 1) - 1) / s) + 1</c>, as torch computes it; 0 when the window never fits.
        /// The one implementation: the planner, the fused dynamic steps and the eager modules all call it.
        /// </summary>
        public static int OutputSize(int size, int kernel, int stride, int padding, int dilation)
        {
            long numerator = (long)size + (2L * padding) - ((long)dilation * (kernel - 1)) - 1;
            return numerator < 0 ? 0 : (int)((numerator / stride) + 1);
        }

        public override string ToString() => Channels + "x" + Height + "x" + Width;
    }

    /// <summary>What a torchvision <c>state_dict</c> entry is, which decides how it is initialised and bound.</summary>
    /// <remarks>Mirrors the runtime's public <c>StateDictEntryKind</c>; a test pins every member of both.</remarks>
    internal enum TensorRole
    {
        ConvolutionWeight,
        BatchNormWeight,
        BatchNormBias,
        BatchNormRunningMean,
        BatchNormRunningVar,
        BatchNormBatchesTracked,
        LinearWeight,
        LinearBias,
    }

    /// <summary>One torchvision <c>state_dict</c> key with its shape (empty for a scalar).</summary>
    internal sealed record PlannedTensor(string Name, EquatableArray<int> Shape, TensorRole Role)
    {
        public long ElementCount
        {
            get
            {
                long count = 1;
                foreach (int dim in Shape)
                {
                    count *= dim;
                }

                return count;
            }
        }

        /// <summary>True for learnable parameters (counted by <c>model.parameters()</c>), false for buffers.</summary>
        public bool IsParameter => Role is not (TensorRole.BatchNormRunningMean or TensorRole.BatchNormRunningVar or TensorRole.BatchNormBatchesTracked);
    }

    /// <summary>Where a feature map lives at run time.</summary>
    internal enum BufferLocation
    {
        /// <summary>The caller's input span.</summary>
        Input,

        /// <summary>The caller's output span.</summary>
        Output,

        /// <summary>A slice of the per-call arena.</summary>
        Arena,
    }

    /// <summary>A feature map (all images of the batch) and its place in memory.</summary>
    internal sealed record PlannedBuffer(int Id, BufferLocation Location, long Offset, long Length, int FirstUse, int LastUse);

    /// <summary>One kernel call of the network, in execution order.</summary>
    internal abstract record PlanOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination)
    {
        /// <summary>Multiply-accumulates per image.</summary>
        public abstract long MultiplyAccumulates { get; }
    }

    /// <summary>
    /// A convolution with its batch norm folded in, and an epilogue that can add a residual and apply ReLU.
    /// <paramref name="Residual"/> is a buffer id, or -1 when there is no residual add; <paramref name="Algorithm"/>
    /// is the kernel variant <see cref="KernelSchedule"/> picked for this shape; <paramref name="Workspace"/> is the buffer id
    /// of the scratch memory that algorithm needs while the op runs, or -1. <paramref name="Kernel"/> and
    /// <paramref name="Padding"/> are torchvision's; <paramref name="Taps"/> are the taps the op runs with (the whole
    /// kernel unless some taps read only padding, see <see cref="TapWindow"/>).
    /// </summary>
    internal sealed record ConvolutionOp(
        string Module,
        string BatchNorm,
        FeatureShape InputShape,
        FeatureShape OutputShape,
        int Source,
        int Destination,
        int Kernel,
        int Stride,
        int Padding,
        int Dilation,
        int Groups,
        int Residual,
        bool Relu,
        ConvolutionAlgorithm Algorithm,
        int Workspace,
        TapWindow Taps) : PlanOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates =>
            OutputShape.Length * (InputShape.Channels / Groups) * Kernel * Kernel;
    }

    /// <summary>
    /// Copies the caller's NCHW input into the channels-last (NHWC) layout every other op reads and writes, with a
    /// zero border of <paramref name="Padding"/> pixels, so that <c>conv1</c> reads it without bounds checks.
    /// </summary>
    internal sealed record ChannelsLastOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination, int Padding)
        : PlanOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates => 0;
    }

    /// <summary>torchvision's stem max pool: 3x3, stride 2, padding 1 (padding never wins the max).</summary>
    internal sealed record MaxPoolOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination, int Kernel, int Stride, int Padding)
        : PlanOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates => 0;
    }

    /// <summary><c>AdaptiveAvgPool2d((1, 1))</c>: the mean of each channel.</summary>
    internal sealed record GlobalAveragePoolOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination)
        : PlanOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates => 0;
    }

    /// <summary>The classifier: <c>fc(x) = x W^T + b</c>.</summary>
    internal sealed record LinearOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination)
        : PlanOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates => (long)InputShape.Channels * OutputShape.Channels;
    }

    /// <summary>A group of ops that form one torchvision module (the stem, one block, the head), with a one-line summary.</summary>
    internal sealed record PlanSection(string Title, EquatableArray<PlanOp> Ops);

    /// <summary>
    /// The whole network, unrolled: every op in execution order with its shapes and torchvision names,
    /// every state_dict entry, and the memory plan. Built only by <see cref="Planner"/>.
    /// </summary>
    internal sealed record NetworkPlan(
        ResNetSpec Spec,
        EquatableArray<PlanSection> Sections,
        EquatableArray<PlannedTensor> StateDict,
        EquatableArray<PlannedBuffer> Buffers,
        long ParameterCount,
        long MultiplyAccumulates,
        int InputLength,
        int OutputLength,
        int ArenaLength,
        long ArenaLengthWithoutReuse)
    {
        public PlannedBuffer Buffer(int id) => Buffers[id];
    }
}
