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

    /// <summary>A feature map the graph computes (all images of a batch), by the op that writes it.</summary>
    /// <param name="Id">Its index in <see cref="NetworkGraph.Values"/>; ops name their inputs and outputs by it.</param>
    /// <param name="Shape">One image's channels x height x width.</param>
    /// <param name="Producer">The torchvision module that writes it ("input" for the caller's input).</param>
    internal sealed record GraphValue(int Id, FeatureShape Shape, string Producer);

    /// <summary>What a convolution's epilogue does after the multiply-adds (batch norm is folded into the bias).</summary>
    /// <remarks>The names are the runtime's epilogue types, on the CPU and on the device.</remarks>
    internal enum ConvolutionEpilogue
    {
        /// <summary>Adds the folded bias: a projection shortcut (<c>downsample</c>).</summary>
        Bias,

        /// <summary>Adds the bias, then ReLU: every convolution inside a block, and the stem.</summary>
        BiasRelu,

        /// <summary>Adds the bias and the block's shortcut, then ReLU: the last convolution of every block.</summary>
        BiasResidualRelu,
    }

    /// <summary>
    /// One op of torchvision's network, in execution order: what is computed, on which values, with which shapes;
    /// nothing of how a backend runs it. <paramref name="Source"/> and <paramref name="Destination"/> are value ids.
    /// </summary>
    internal abstract record GraphOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination)
    {
        /// <summary>Multiply-accumulates per image.</summary>
        public abstract long MultiplyAccumulates { get; }

        /// <summary>Every value the op reads.</summary>
        public virtual EquatableArray<int> Reads => new EquatableArray<int>(new[] { Source });

        /// <summary>Hands the op to a backend's lowering: the one place each backend says what an op kind becomes.</summary>
        public abstract T Accept<T>(IOpLowering<T> lowering);
    }

    /// <summary>
    /// A convolution with its batch norm (folded in by every backend) and its epilogue. <paramref name="Residual"/> is the
    /// value the epilogue adds (the block's shortcut), or -1. <paramref name="Kernel"/>, <paramref name="Padding"/> and the rest
    /// are torchvision's.
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
        ConvolutionEpilogue Epilogue) : GraphOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates =>
            OutputShape.Length * (InputShape.Channels / Groups) * Kernel * Kernel;

        public override EquatableArray<int> Reads => new EquatableArray<int>(Residual >= 0 ? new[] { Source, Residual } : new[] { Source });

        public override T Accept<T>(IOpLowering<T> lowering) => lowering.Convolution(this);
    }

    /// <summary>
    /// Copies the caller's NCHW input into the channels-last (NHWC) layout every other op reads and writes, with a
    /// zero border of <paramref name="Padding"/> pixels, so that <c>conv1</c> reads it without bounds checks.
    /// </summary>
    internal sealed record ChannelsLastOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination, int Padding)
        : GraphOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates => 0;

        public override T Accept<T>(IOpLowering<T> lowering) => lowering.ChannelsLast(this);
    }

    /// <summary>torchvision's stem max pool: 3x3, stride 2, padding 1 (padding never wins the max).</summary>
    internal sealed record MaxPoolOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination, int Kernel, int Stride, int Padding)
        : GraphOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates => 0;

        public override T Accept<T>(IOpLowering<T> lowering) => lowering.MaxPool(this);
    }

    /// <summary><c>AdaptiveAvgPool2d((1, 1))</c>: the mean of each channel.</summary>
    internal sealed record GlobalAveragePoolOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination)
        : GraphOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates => 0;

        public override T Accept<T>(IOpLowering<T> lowering) => lowering.GlobalAveragePool(this);
    }

    /// <summary>The classifier: <c>fc(x) = x W^T + b</c>.</summary>
    internal sealed record LinearOp(string Module, FeatureShape InputShape, FeatureShape OutputShape, int Source, int Destination)
        : GraphOp(Module, InputShape, OutputShape, Source, Destination)
    {
        public override long MultiplyAccumulates => (long)InputShape.Channels * OutputShape.Channels;

        public override T Accept<T>(IOpLowering<T> lowering) => lowering.Linear(this);
    }

    /// <summary>
    /// A residual block as torchvision's <c>forward</c> defines it: <paramref name="MainPath"/> (conv1 to conv2 or conv3;
    /// the last one's epilogue adds the shortcut) and <paramref name="Shortcut"/>, the projection (<c>downsample</c>), or null
    /// for the identity.
    /// </summary>
    internal sealed record GraphBlock(BlockKind Kind, EquatableArray<ConvolutionOp> MainPath, ConvolutionOp? Shortcut);

    /// <summary>
    /// The ops of one torchvision module (the input layout, the stem, one block, the pool, the classifier) in execution
    /// order, with a one-line summary; <paramref name="Block"/> is the block's structure when the section is one.
    /// </summary>
    internal sealed record GraphSection(string Title, EquatableArray<GraphOp> Ops, GraphBlock? Block = null);

    /// <summary>
    /// The network torchvision defines, unrolled, and nothing else: every op in execution order with its shapes and
    /// torchvision names, the blocks, every state_dict entry and every value. How a backend runs it (algorithms, batch
    /// strategy, memory) is a schedule of its own (<see cref="CpuSchedule"/>, <see cref="DeviceSchedule"/>). Built only by
    /// <see cref="Planner"/>.
    /// </summary>
    internal sealed record NetworkGraph(
        ResNetSpec Spec,
        EquatableArray<GraphSection> Sections,
        EquatableArray<PlannedTensor> StateDict,
        EquatableArray<GraphValue> Values,
        int Output,
        long ParameterCount,
        long MultiplyAccumulates)
    {
        /// <summary>The caller's input is always value 0.</summary>
        public const int Input = 0;

        /// <summary>Floats in the caller's input: a whole batch.</summary>
        public int InputLength => checked((int)(Values[Input].Shape.Length * Spec.BatchSize));

        /// <summary>Floats in the caller's output: a whole batch.</summary>
        public int OutputLength => checked((int)(Values[Output].Shape.Length * Spec.BatchSize));

        /// <summary>Every op in execution order.</summary>
        public System.Collections.Generic.IEnumerable<GraphOp> Ops
        {
            get
            {
                foreach (GraphSection section in Sections)
                {
                    foreach (GraphOp op in section.Ops)
                    {
                        yield return op;
                    }
                }
            }
        }

        /// <summary>Floats per image the global average pool writes: the features <c>fc</c> reads.</summary>
        public int FeatureLength
        {
            get
            {
                foreach (GraphOp op in Ops)
                {
                    if (op is GlobalAveragePoolOp pool)
                    {
                        return pool.OutputShape.Channels;
                    }
                }

                throw new System.InvalidOperationException("The graph has no global average pool.");
            }
        }
    }
}
