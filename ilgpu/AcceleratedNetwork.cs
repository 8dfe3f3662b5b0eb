using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;

namespace ResNetGen.Ilgpu;

/// <summary>
/// What every generated <c>X.Accelerated</c> shares: the accelerator, its compiled <see cref="DeviceKernels"/>, the
/// device layers it owns, the pool of device arenas, the <c>Forward</c> and <c>ForwardFeatures</c> overloads and disposal.
/// The generated class adds only its layers, <see cref="Run"/> and <see cref="RunFeatures"/>: straight-line launches, one
/// per op of the compile-time plan.
/// </summary>
/// <remarks>
/// <para>Thread safety: <c>Forward</c> and <c>ForwardFeatures</c> may be called from several threads at once. Each call
/// rents its own <see cref="DeviceArena"/> (device memory and a stream of its own) and waits for its own stream only;
/// weights and kernels are shared and never written after construction. <see cref="Dispose"/> must not run while a call
/// is in flight; calls after it throw <see cref="ObjectDisposedException"/>.</para>
/// <para>Lifetime: dispose the network before the accelerator it runs on.</para>
/// </remarks>
public abstract class AcceleratedNetwork : IDisposable
{
    private readonly List<IDisposable> _layers = new();
    private readonly DeviceArenaPool _arenas;
    private readonly int _imageLength;
    private readonly int _outputsPerImage;
    private volatile bool _disposed;

    /// <summary>Compiles (or finds) the kernels for <paramref name="accelerator"/> and prepares the arena pool.</summary>
    /// <param name="accelerator">Any ILGPU accelerator (CUDA, OpenCL, CPU).</param>
    /// <param name="batchSize">Images of a full call.</param>
    /// <param name="imageLength">Floats of one input image: channels x height x width.</param>
    /// <param name="outputsPerImage">Floats of output per image (the classes, or the features of a headless network).</param>
    /// <param name="featureLength">Floats of pooled features per image: what <c>fc</c> reads.</param>
    /// <param name="arenaLength">Floats of the memory plan's arena.</param>
    /// <exception cref="ArgumentNullException"><paramref name="accelerator"/> is null.</exception>
    /// <exception cref="ArgumentException">The accelerator cannot run the kernels' thread groups.</exception>
    protected AcceleratedNetwork(Accelerator accelerator, int batchSize, int imageLength, int outputsPerImage, int featureLength, int arenaLength)
    {
        if (accelerator is null)
        {
            throw new ArgumentNullException(
                nameof(accelerator),
                "An accelerator is required: create one from an ILGPU Context, e.g. context.CreateCudaAccelerator(0), context.CreateCLAccelerator(0) or context.CreateCPUAccelerator(0).");
        }

        if (accelerator.IsDisposed)
        {
            throw new ObjectDisposedException(accelerator.GetType().Name, $"The accelerator '{accelerator.Name}' is disposed; create the network on a live accelerator.");
        }

        Accelerator = accelerator;
        Kernels = DeviceKernels.For(accelerator);
        BatchSize = batchSize;
        _imageLength = imageLength;
        _outputsPerImage = outputsPerImage;
        FeatureLength = featureLength;
        InputLength = batchSize * imageLength;
        OutputLength = batchSize * outputsPerImage;
        _arenas = new DeviceArenaPool(accelerator, arenaLength, InputLength, batchSize * Math.Max(outputsPerImage, featureLength));
    }

    /// <summary>The accelerator the network runs on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Images of a full call; a call may also pass fewer whole images.</summary>
    public int BatchSize { get; }

    /// <summary>Floats of a full call's input: BatchSize x InputChannels x InputHeight x InputWidth, NCHW.</summary>
    public int InputLength { get; }

    /// <summary>Floats of a full call's output: BatchSize x NumClasses.</summary>
    public int OutputLength { get; }

    /// <summary>Features per image that <c>ForwardFeatures</c> writes: the pooled vector <c>fc</c> reads, as the CPU network's <c>FeatureLength</c>.</summary>
    public int FeatureLength { get; }

    /// <summary>Device arenas created so far (the most calls that have been in flight at once).</summary>
    public int ArenasCreated => _arenas.Created;

    /// <summary>The kernels compiled for <see cref="Accelerator"/>.</summary>
    protected DeviceKernels Kernels { get; }

    /// <summary>
    /// Runs the network on host memory: copies <paramref name="input"/> (1 to <see cref="BatchSize"/> whole NCHW images) to
    /// the device, runs every kernel, and copies the logits back into <paramref name="output"/>; returns when they are there.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the length of whole images, as the CPU <c>Forward</c> says.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output) => OnHost(input, output, features: false);

    /// <summary>
    /// Runs the network on device memory of <see cref="Accelerator"/> (1 to <see cref="BatchSize"/> whole NCHW images), with
    /// no host copies; returns when <paramref name="output"/> holds the logits. The call runs on a stream of its own, so
    /// <paramref name="input"/> must be complete when it starts: if work on another stream writes it, use the overload that
    /// takes that stream.
    /// </summary>
    /// <exception cref="ArgumentException">A view does not have the length of whole images, as the CPU <c>Forward</c> says.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void Forward(ArrayView<float> input, ArrayView<float> output) => OnDevice(input, output, features: false);

    /// <summary>
    /// Runs the network on device memory after the work already enqueued on <paramref name="stream"/> (the kernel or copy
    /// that wrote <paramref name="input"/>, say): waits for that stream, then runs as
    /// <see cref="Forward(ArrayView{float}, ArrayView{float})"/> does; returns when <paramref name="output"/> holds the logits.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException">A view does not have the length of whole images, as the CPU <c>Forward</c> says.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void Forward(ArrayView<float> input, ArrayView<float> output, AcceleratorStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Synchronize();
        OnDevice(input, output, features: false);
    }

    /// <summary>
    /// Runs the network up to <c>avgpool</c> on host memory and writes the pooled features <c>fc</c> would read,
    /// <see cref="FeatureLength"/> per image (the embedding of <c>torch.flatten(model.avgpool(...), 1)</c>), as the CPU
    /// network's <c>ForwardFeatures</c> does; takes the same input as <see cref="Forward(ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the length of whole images, as the CPU <c>ForwardFeatures</c> says.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void ForwardFeatures(ReadOnlySpan<float> input, Span<float> features) => OnHost(input, features, features: true);

    /// <summary>
    /// <see cref="ForwardFeatures(ReadOnlySpan{float}, Span{float})"/> on device memory of <see cref="Accelerator"/>, with no
    /// host copies, on a stream of its own (so <paramref name="input"/> must be complete when it starts); returns when
    /// <paramref name="features"/> holds the features.
    /// </summary>
    /// <exception cref="ArgumentException">A view does not have the length of whole images, as the CPU <c>ForwardFeatures</c> says.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void ForwardFeatures(ArrayView<float> input, ArrayView<float> features) => OnDevice(input, features, features: true);

    /// <summary>
    /// <see cref="ForwardFeatures(ArrayView{float}, ArrayView{float})"/> after the work already enqueued on
    /// <paramref name="stream"/>: waits for that stream first.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException">A view does not have the length of whole images, as the CPU <c>ForwardFeatures</c> says.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void ForwardFeatures(ArrayView<float> input, ArrayView<float> features, AcceleratorStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Synchronize();
        OnDevice(input, features, features: true);
    }

    /// <summary>Frees the weights and arenas on the device. Must not run while a call is in flight.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _arenas.Dispose();
        foreach (IDisposable layer in _layers)
        {
            layer.Dispose();
        }

        _layers.Clear();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Enqueues every kernel of the network on <paramref name="arena"/>'s stream, from <paramref name="input"/> (NCHW) to
    /// <paramref name="output"/>, for <paramref name="images"/> images (the batch argument of each launch when
    /// <see cref="BatchSize"/> is above 1; each feature map keeps its planned place, the images fill its start).
    /// </summary>
    protected abstract void Run(DeviceArena arena, ArrayView<float> input, ArrayView<float> output, int images);

    /// <summary>
    /// Enqueues the network up to <c>avgpool</c> on <paramref name="arena"/>'s stream, the pool writing
    /// <see cref="FeatureLength"/> features per image into <paramref name="features"/>; otherwise as <see cref="Run"/>.
    /// </summary>
    protected abstract void RunFeatures(DeviceArena arena, ArrayView<float> input, ArrayView<float> features, int images);

    /// <summary>Folds and uploads one convolution (see <see cref="DeviceConvolutionLayer.Fold"/>); freed with the network.</summary>
    protected DeviceConvolutionLayer FoldConvolution(StateDict weights, string convolution, string batchNorm, int groups, int firstTap = 0, int taps = 0) =>
        Own(DeviceConvolutionLayer.Fold(Accelerator, weights, convolution, batchNorm, groups, firstTap, taps));

    /// <summary>Uploads the classifier (see <see cref="DeviceLinearLayer.Create"/>); freed with the network.</summary>
    protected DeviceLinearLayer CreateLinear(StateDict weights, string module) => Own(DeviceLinearLayer.Create(Accelerator, weights, module));

    private T Own<T>(T layer)
        where T : IDisposable
    {
        _layers.Add(layer);
        return layer;
    }

    /// <summary>A host call: copies the images in, enqueues the network or its backbone and pool, copies the result out.</summary>
    private void OnHost(ReadOnlySpan<float> input, Span<float> output, bool features)
    {
        int images = Images(input.Length, output.Length, features);
        ObjectDisposedException.ThrowIf(_disposed, this);
        DeviceArena arena = _arenas.Rent();
        try
        {
            arena.Input.SubView(0, input.Length).CopyFromCPU(arena.Stream, input);
            Enqueue(arena, arena.Input, arena.Output.SubView(0, output.Length), images, features);
            arena.Output.SubView(0, output.Length).CopyToCPU(arena.Stream, output);
        }
        finally
        {
            _arenas.Return(arena);
        }
    }

    /// <summary>A device call: enqueues on the rented arena's stream and waits for it.</summary>
    private void OnDevice(ArrayView<float> input, ArrayView<float> output, bool features)
    {
        int images = Images(Clamp(input.Length), Clamp(output.Length), features);
        ObjectDisposedException.ThrowIf(_disposed, this);
        DeviceArena arena = _arenas.Rent();
        try
        {
            Enqueue(arena, input, output, images, features);
            arena.Stream.Synchronize();
        }
        finally
        {
            _arenas.Return(arena);
        }
    }

    private void Enqueue(DeviceArena arena, ArrayView<float> input, ArrayView<float> output, int images, bool features)
    {
        if (features)
        {
            RunFeatures(arena, input, output, images);
        }
        else
        {
            Run(arena, input, output, images);
        }
    }

    /// <summary>The images of a call, with the CPU <c>Forward</c>'s (or <c>ForwardFeatures</c>') checks and messages.</summary>
    private int Images(int inputLength, int outputLength, bool features)
    {
        int perImage = features ? FeatureLength : _outputsPerImage;
        string name = features ? "features" : "output";
        if (BatchSize == 1)
        {
            ForwardArguments.Validate(inputLength, InputLength, outputLength, perImage, name, features ? "BatchSize x FeatureLength" : "BatchSize x NumClasses");
            return 1;
        }

        return ForwardArguments.Images(inputLength, _imageLength, outputLength, perImage, BatchSize, name, features ? "FeatureLength" : "NumClasses");
    }

    private static int Clamp(long length) => (int)Math.Min(length, int.MaxValue);
}
