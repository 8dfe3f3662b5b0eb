using System.Collections.Generic;
using System.Globalization;

namespace ResNetGen.Planning
{
    /// <summary>Why a spec cannot be planned.</summary>
    internal enum PlanErrorKind
    {
        /// <summary>A feature map of some layer would have no rows or no columns.</summary>
        EmptyFeatureMap,

        /// <summary>A feature map or the arena would not fit in a span (more than int.MaxValue floats).</summary>
        TooLarge,

        /// <summary>A basic block would need dilation, which torchvision's BasicBlock refuses.</summary>
        BasicBlockDilation,
    }

    /// <summary>A planning failure, naming the torchvision module where it happens, and for sizes, which options to reduce.</summary>
    internal sealed record PlanError(PlanErrorKind Kind, string Module, string Detail, string Remedy = PlanError.ReduceInput)
    {
        public const string ReduceInput = "BatchSize or the input size";
        public const string ReduceWidth = "Groups or WidthPerGroup";
        public const string ReduceClasses = "NumClasses";
    }

    /// <summary>
    /// Turns a <see cref="ResNetSpec"/> into a <see cref="NetworkGraph"/> by replaying torchvision 0.14's
    /// <c>ResNet.__init__</c> and <c>_make_layer</c>: the same modules, in the same order, with the same names.
    /// Compiled into both the generator and the runtime, so generated and dynamic networks cannot disagree. It decides
    /// what is computed, never how: the backends' schedules (<see cref="CpuSchedule"/>, <see cref="DeviceSchedule"/>) do that.
    /// </summary>
    internal sealed class Planner
    {
        private const int StemChannels = 64;

        private readonly ResNetSpec _spec;
        private readonly List<GraphSection> _sections = new();
        private readonly List<GraphOp> _currentOps = new();
        private readonly List<PlannedTensor> _stateDict = new();
        private readonly List<GraphValue> _values = new();
        private PlanError? _error;

        private Planner(ResNetSpec spec) => _spec = spec;

        /// <summary>Plans <paramref name="spec"/>, or reports the first layer that cannot be built.</summary>
        /// <remarks>The spec's scalar options are assumed validated (all at least 1, four depths, three dilation flags).</remarks>
        public static NetworkGraph? Plan(ResNetSpec spec, out PlanError? error)
        {
            var planner = new Planner(spec);
            NetworkGraph? graph = planner.Build();
            error = planner._error;
            return error is null ? graph : null;
        }

        private NetworkGraph? Build()
        {
            var input = new FeatureShape(_spec.InputChannels, _spec.InputHeight, _spec.InputWidth);
            int x = NewBuffer(input, "input");

            // The caller passes NCHW, as torch does; the kernels work channels-last (NHWC). The conversion also
            // writes conv1's zero padding, so conv1 itself runs unpadded on a (H + 6) x (W + 6) map.
            const int StemPadding = 3;
            if ((long)input.Height + (2 * StemPadding) > int.MaxValue || (long)input.Width + (2 * StemPadding) > int.MaxValue)
            {
                Fail(PlanErrorKind.TooLarge, "input", string.Format(CultureInfo.InvariantCulture, "the input with conv1's padding is {0:N0}x{1:N0} pixels", (long)input.Height + (2 * StemPadding), (long)input.Width + (2 * StemPadding)));
                return null;
            }

            var padded = new FeatureShape(input.Channels, input.Height + (2 * StemPadding), input.Width + (2 * StemPadding));
            int channelsLast = NewBuffer(padded, "input");
            _currentOps.Add(new ChannelsLastOp("input", input, padded, x, channelsLast, StemPadding));
            CloseSection(string.Format(CultureInfo.InvariantCulture, "input: NCHW → NHWC (channels-last, the layout of every feature map below), zero border of {0} for conv1, {1} → {2}", StemPadding, input, padded));

            // Stem: conv1 (7x7, stride 2, padding 3, here already applied) + bn1 + relu, then maxpool (3x3, stride 2, padding 1).
            FeatureShape stem = ConvolutionShape("conv1", padded, StemChannels, 7, 2, 0, 1);
            int stemOut = NewBuffer(stem, "conv1");
            AddConvolution("conv1", "bn1", padded, stem, channelsLast, stemOut, 7, 2, 0, 1, 1, residual: -1, relu: true);
            CloseSection(string.Format(CultureInfo.InvariantCulture, "conv1 + bn1 + relu: 7x7 stride 2 padding 3, {0} → {1}", input, stem));

            FeatureShape pooled = PoolShape("maxpool", stem);
            int pooledOut = NewBuffer(pooled, "maxpool");
            _currentOps.Add(new MaxPoolOp("maxpool", stem, pooled, stemOut, pooledOut, 3, 2, 1));
            CloseSection(string.Format(CultureInfo.InvariantCulture, "maxpool: 3x3 stride 2, {0} → {1}", stem, pooled));

            (x, FeatureShape shape) = AddStages(pooledOut, pooled);
            if (_error is not null)
            {
                return null;
            }

            var pooledFeatures = new FeatureShape(shape.Channels, 1, 1);
            int avgOut = NewBuffer(pooledFeatures, "avgpool");
            _currentOps.Add(new GlobalAveragePoolOp("avgpool", shape, pooledFeatures, x, avgOut));
            CloseSection(string.Format(CultureInfo.InvariantCulture, "avgpool: adaptive average to 1x1, {0} → {1}", shape, pooledFeatures));
            if (_spec.Headless)
            {
                // fc is nn.Identity(): no fc.* keys, and the pooled features are the network's output.
                return Finish(avgOut);
            }

            var logits = new FeatureShape(_spec.NumClasses, 1, 1);
            int output = NewBuffer(logits, "fc");
            _currentOps.Add(new LinearOp("fc", pooledFeatures, logits, avgOut, output));
            AddTensor("fc.weight", TensorRole.LinearWeight, _spec.NumClasses, shape.Channels);
            AddTensor("fc.bias", TensorRole.LinearBias, _spec.NumClasses);
            CloseSection(string.Format(CultureInfo.InvariantCulture, "fc: {0} → {1} classes", shape.Channels, _spec.NumClasses));

            return Finish(output);
        }

        /// <summary>layer1 to layer4, as torchvision's <c>_make_layer</c> builds them; returns the last block's output.</summary>
        private (int Output, FeatureShape Shape) AddStages(int x, FeatureShape shape)
        {
            int inplanes = StemChannels;
            int dilation = 1;
            for (int stage = 0; stage < 4 && _error is null; stage++)
            {
                int planes = StemChannels << stage;
                int stride = stage == 0 ? 1 : 2;
                bool dilate = stage > 0 && _spec.ReplaceStrideWithDilation[stage - 1];
                int previousDilation = dilation;
                if (dilate)
                {
                    dilation *= stride;
                    stride = 1;
                }

                for (int index = 0; index < _spec.Layers[stage] && _error is null; index++)
                {
                    string module = "layer" + (stage + 1).ToString(CultureInfo.InvariantCulture) + "." + index.ToString(CultureInfo.InvariantCulture);
                    bool first = index == 0;
                    int blockStride = first ? stride : 1;
                    bool downsample = first && (stride != 1 || inplanes != planes * _spec.Expansion);
                    int blockDilation = first ? previousDilation : dilation;
                    (x, shape) = _spec.Block == BlockKind.Basic
                        ? AddBasicBlock(module, x, shape, planes, blockStride, blockDilation, downsample)
                        : AddBottleneck(module, x, shape, planes, blockStride, blockDilation, downsample);
                    inplanes = planes * _spec.Expansion;
                }
            }

            return (x, shape);
        }

        private (int Output, FeatureShape Shape) AddBasicBlock(string module, int x, FeatureShape input, int planes, int stride, int dilation, bool downsample)
        {
            if (dilation > 1)
            {
                Fail(PlanErrorKind.BasicBlockDilation, module, "dilation " + dilation.ToString(CultureInfo.InvariantCulture));
                return (x, input);
            }

            FeatureShape mid = ConvolutionShape(module + ".conv1", input, planes, 3, stride, 1, 1);
            FeatureShape output = ConvolutionShape(module + ".conv2", mid, planes, 3, 1, 1, 1);
            int t1 = NewBuffer(mid, module + ".conv1");
            ConvolutionOp conv1 = AddConvolution(module + ".conv1", module + ".bn1", input, mid, x, t1, 3, stride, 1, 1, 1, -1, relu: true);
            ConvolutionOp? shortcut = downsample ? AddDownsample(module, x, input, output.Channels, stride) : null;
            int result = NewBuffer(output, module + ".conv2");
            ConvolutionOp conv2 = AddConvolution(module + ".conv2", module + ".bn2", mid, output, t1, result, 3, 1, 1, 1, 1, shortcut?.Destination ?? x, relu: true);
            if (downsample)
            {
                AddConvolutionTensors(module + ".downsample.0", module + ".downsample.1", input.Channels, output.Channels, 1, 1);
            }

            var block = new GraphBlock(BlockKind.Basic, new EquatableArray<ConvolutionOp>(new[] { conv1, conv2 }), shortcut);
            CloseSection(block, string.Format(
                CultureInfo.InvariantCulture,
                "{0}: basic block {1}→{2}{3}, {4}, {5}",
                module,
                input.Channels,
                output.Channels,
                stride == 1 ? string.Empty : ", stride " + stride.ToString(CultureInfo.InvariantCulture),
                SpatialChange(input, output),
                downsample ? "projection shortcut" : "identity shortcut"));
            return (result, output);
        }

        private (int Output, FeatureShape Shape) AddBottleneck(string module, int x, FeatureShape input, int planes, int stride, int dilation, bool downsample)
        {
            // torchvision: int(planes * (base_width / 64.)) * groups, here in long so that absurd options are refused, not wrapped.
            long wide = (long)(planes * (_spec.WidthPerGroup / 64.0)) * _spec.Groups;
            if (wide > int.MaxValue)
            {
                Fail(PlanErrorKind.TooLarge, module + ".conv1", "'" + module + ".conv1' would have int(" + planes.ToString(CultureInfo.InvariantCulture) + " * WidthPerGroup / 64) * Groups = " + wide.ToString("N0", CultureInfo.InvariantCulture) + " channels", PlanError.ReduceWidth);
                return (x, input);
            }

            int width = (int)wide;
            int outChannels = planes * _spec.Expansion;
            FeatureShape reduced = ConvolutionShape(module + ".conv1", input, width, 1, 1, 0, 1);
            FeatureShape mid = ConvolutionShape(module + ".conv2", reduced, width, 3, stride, dilation, dilation);
            FeatureShape output = ConvolutionShape(module + ".conv3", mid, outChannels, 1, 1, 0, 1);
            int t1 = NewBuffer(reduced, module + ".conv1");
            ConvolutionOp conv1 = AddConvolution(module + ".conv1", module + ".bn1", input, reduced, x, t1, 1, 1, 0, 1, 1, -1, relu: true);
            int t2 = NewBuffer(mid, module + ".conv2");
            ConvolutionOp conv2 = AddConvolution(module + ".conv2", module + ".bn2", reduced, mid, t1, t2, 3, stride, dilation, dilation, _spec.Groups, -1, relu: true);
            ConvolutionOp? shortcut = downsample ? AddDownsample(module, x, input, outChannels, stride) : null;
            int result = NewBuffer(output, module + ".conv3");
            ConvolutionOp conv3 = AddConvolution(module + ".conv3", module + ".bn3", mid, output, t2, result, 1, 1, 0, 1, 1, shortcut?.Destination ?? x, relu: true);
            if (downsample)
            {
                AddConvolutionTensors(module + ".downsample.0", module + ".downsample.1", input.Channels, outChannels, 1, 1);
            }

            var block = new GraphBlock(BlockKind.Bottleneck, new EquatableArray<ConvolutionOp>(new[] { conv1, conv2, conv3 }), shortcut);
            string grouping = _spec.Groups == 1 ? string.Empty : " (" + _spec.Groups.ToString(CultureInfo.InvariantCulture) + " groups)";
            CloseSection(block, string.Format(
                CultureInfo.InvariantCulture,
                "{0}: bottleneck {1}→{2}→{3}{4}{5}{6}, {7}, {8}",
                module,
                input.Channels,
                width,
                outChannels,
                grouping,
                stride == 1 ? string.Empty : ", stride " + stride.ToString(CultureInfo.InvariantCulture),
                dilation == 1 ? string.Empty : ", dilation " + dilation.ToString(CultureInfo.InvariantCulture),
                SpatialChange(input, output),
                downsample ? "projection shortcut" : "identity shortcut"));
            return (result, output);
        }

        /// <summary>
        /// torchvision's <c>downsample = Sequential(conv1x1(inplanes, planes * expansion, stride), BatchNorm2d)</c>.
        /// It runs before the block's last convolution, whose epilogue adds it, but torchvision registers it last,
        /// so the caller adds its state_dict entries after the block's own.
        /// </summary>
        private ConvolutionOp AddDownsample(string module, int x, FeatureShape input, int outChannels, int stride)
        {
            FeatureShape shape = ConvolutionShape(module + ".downsample.0", input, outChannels, 1, stride, 0, 1);
            int result = NewBuffer(shape, module + ".downsample.0");
            return AddConvolutionOp(module + ".downsample.0", module + ".downsample.1", input, shape, x, result, 1, stride, 0, 1, 1, -1, relu: false);
        }

        private ConvolutionOp AddConvolution(
            string module, string batchNorm, FeatureShape input, FeatureShape output, int source, int destination,
            int kernel, int stride, int padding, int dilation, int groups, int residual, bool relu)
        {
            ConvolutionOp op = AddConvolutionOp(module, batchNorm, input, output, source, destination, kernel, stride, padding, dilation, groups, residual, relu);
            AddConvolutionTensors(module, batchNorm, input.Channels, output.Channels, kernel, groups);
            return op;
        }

        private ConvolutionOp AddConvolutionOp(
            string module, string batchNorm, FeatureShape input, FeatureShape output, int source, int destination,
            int kernel, int stride, int padding, int dilation, int groups, int residual, bool relu)
        {
            ConvolutionEpilogue epilogue = residual >= 0 ? ConvolutionEpilogue.BiasResidualRelu : relu ? ConvolutionEpilogue.BiasRelu : ConvolutionEpilogue.Bias;
            var op = new ConvolutionOp(module, batchNorm, input, output, source, destination, kernel, stride, padding, dilation, groups, residual, epilogue);
            _currentOps.Add(op);
            return op;
        }

        /// <summary>A convolution's weight and its batch norm's parameters and buffers, in torchvision's order.</summary>
        private void AddConvolutionTensors(string module, string batchNorm, int inChannels, int outChannels, int kernel, int groups)
        {
            AddTensor(module + ".weight", TensorRole.ConvolutionWeight, outChannels, inChannels / groups, kernel, kernel);
            AddTensor(batchNorm + ".weight", TensorRole.BatchNormWeight, outChannels);
            AddTensor(batchNorm + ".bias", TensorRole.BatchNormBias, outChannels);
            AddTensor(batchNorm + ".running_mean", TensorRole.BatchNormRunningMean, outChannels);
            AddTensor(batchNorm + ".running_var", TensorRole.BatchNormRunningVar, outChannels);
            AddTensor(batchNorm + ".num_batches_tracked", TensorRole.BatchNormBatchesTracked);
        }

        private void AddTensor(string name, TensorRole role, params int[] shape) =>
            _stateDict.Add(new PlannedTensor(name, new EquatableArray<int>(shape), role));

        private void CloseSection(string title) => CloseSection(null, title);

        private void CloseSection(GraphBlock? block, string title)
        {
            _sections.Add(new GraphSection(title, new EquatableArray<GraphOp>(_currentOps.ToArray()), block));
            _currentOps.Clear();
        }

        private int NewBuffer(FeatureShape shape, string producer)
        {
            _values.Add(new GraphValue(_values.Count, shape, producer));
            return _values.Count - 1;
        }

        /// <summary>Output size of a convolution: <c>floor((H + 2p - d(k-1) - 1) / s) + 1</c>.</summary>
        private FeatureShape ConvolutionShape(string module, FeatureShape input, int outChannels, int kernel, int stride, int padding, int dilation)
        {
            int height = FeatureShape.OutputSize(input.Height, kernel, stride, padding, dilation);
            int width = FeatureShape.OutputSize(input.Width, kernel, stride, padding, dilation);
            if (height < 1 || width < 1)
            {
                Fail(PlanErrorKind.EmptyFeatureMap, module, string.Format(CultureInfo.InvariantCulture, "input {0}x{1} gives output {2}x{3}", input.Height, input.Width, height, width));
                return new FeatureShape(outChannels, 1, 1);
            }

            return new FeatureShape(outChannels, height, width);
        }

        private FeatureShape PoolShape(string module, FeatureShape input) =>
            ConvolutionShape(module, input, input.Channels, 3, 2, 1, 1);

        private static string SpatialChange(FeatureShape input, FeatureShape output) =>
            input.Height == output.Height && input.Width == output.Width
                ? string.Format(CultureInfo.InvariantCulture, "{0}x{1}", output.Height, output.Width)
                : string.Format(CultureInfo.InvariantCulture, "{0}x{1} → {2}x{3}", input.Height, input.Width, output.Height, output.Width);

        private void Fail(PlanErrorKind kind, string module, string detail, string remedy = PlanError.ReduceInput) => _error ??= new PlanError(kind, module, detail, remedy);

        private NetworkGraph? Finish(int output)
        {
            foreach (GraphValue value in _values)
            {
                long length = value.Shape.Length * _spec.BatchSize;
                if (length > int.MaxValue)
                {
                    string what = value.Id == 0 ? "the input" : "the output of '" + value.Producer + "'";
                    Fail(PlanErrorKind.TooLarge, value.Producer, what + " needs " + length.ToString("N0", CultureInfo.InvariantCulture) + " floats");
                    return null;
                }
            }

            foreach (PlannedTensor tensor in _stateDict)
            {
                // In double, which cannot wrap.
                double elements = 1;
                foreach (int dimension in tensor.Shape)
                {
                    elements *= dimension;
                }

                if (elements > int.MaxValue)
                {
                    string remedy = tensor.Role is TensorRole.LinearWeight or TensorRole.LinearBias ? PlanError.ReduceClasses : PlanError.ReduceWidth;
                    Fail(PlanErrorKind.TooLarge, tensor.Name, "the tensor '" + tensor.Name + "' needs " + elements.ToString("N0", CultureInfo.InvariantCulture) + " floats", remedy);
                    return null;
                }
            }

            long parameters = 0;
            foreach (PlannedTensor tensor in _stateDict)
            {
                parameters += tensor.IsParameter ? tensor.ElementCount : 0;
            }

            long macs = 0;
            foreach (GraphSection section in _sections)
            {
                foreach (GraphOp op in section.Ops)
                {
                    macs += op.MultiplyAccumulates;
                }
            }

            return new NetworkGraph(
                _spec,
                new EquatableArray<GraphSection>(_sections.ToArray()),
                new EquatableArray<PlannedTensor>(_stateDict.ToArray()),
                new EquatableArray<GraphValue>(_values.ToArray()),
                output,
                parameters,
                macs);
        }
    }
}
