using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;

namespace ResNetGen.Ilgpu;

/// <summary>
/// What every generated <c>X.Accelerated</c> shares: the accelerator, its compiled <see cref="DeviceKernels"/>, the
/// device layers it owns, the pool of device arenas, both <c>Forward</c> overloads and disposal. The generated class
/// adds only its layers and <see cref="Run"/>, one straight-line launch per op of the compile-time plan.
/// </summary>
/// <remarks>
/// <para>Thread safety: <c>Forward</c> may be called from several threads at once. Each call rents its own
/// <see cref="DeviceArena"/> (device memory and a stream of its own) and waits for its own stream only; weights and
/// kernels are shared and never written after construction. <see cref="Dispose"/> must not run while a call is in
/// flight; calls after it throw <see cref="ObjectDisposedException"/>.</para>
/// <para>Lifetime: dispose the network before the accelerator it runs on.</para>
/// </remarks>
public abstract class AcceleratedNetwork : IDisposable
{
    private readonly List<IDisposable> _layers = new();
    private readonly DeviceArenaPool _arenas;
    private volatile bool _disposed;

    /// <summary>Compiles (or finds) the kernels for <paramref name="accelerator"/> and prepares the arena pool.</summary>
    /// <param name="accelerator">Any ILGPU accelerator (CUDA, OpenCL, CPU).</param>
    /// <param name="inputLength">Floats of one call's input (NCHW).</param>
    /// <param name="outputLength">Floats of one call's output.</param>
    /// <param name="arenaLength">Floats of the memory plan's arena.</param>
    /// <exception cref="ArgumentNullException"><paramref name="accelerator"/> is null.</exception>
    /// <exception cref="ArgumentException">The accelerator cannot run the kernels' thread groups.</exception>
    protected AcceleratedNetwork(Accelerator accelerator, int inputLength, int outputLength, int arenaLength)
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
        InputLength = inputLength;
        OutputLength = outputLength;
        _arenas = new DeviceArenaPool(accelerator, arenaLength, inputLength, outputLength);
    }

    /// <summary>The accelerator the network runs on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Floats of one call's input: BatchSize x InputChannels x InputHeight x InputWidth, NCHW.</summary>
    public int InputLength { get; }

    /// <summary>Floats of one call's output: BatchSize x NumClasses.</summary>
    public int OutputLength { get; }

    /// <summary>Device arenas created so far (the most calls that have been in flight at once).</summary>
    public int ArenasCreated => _arenas.Created;

    /// <summary>The kernels compiled for <see cref="Accelerator"/>.</summary>
    protected DeviceKernels Kernels { get; }

    /// <summary>
    /// Runs the network on host memory: copies <paramref name="input"/> (NCHW) to the device, runs every kernel, and copies
    /// the logits back into <paramref name="output"/>; returns when they are there.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the network's length.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardArguments.Validate(input.Length, InputLength, output.Length, OutputLength);
        ObjectDisposedException.ThrowIf(_disposed, this);
        DeviceArena arena = _arenas.Rent();
        try
        {
            arena.Input.CopyFromCPU(arena.Stream, input);
            Run(arena, arena.Input, arena.Output);
            arena.Output.CopyToCPU(arena.Stream, output);
        }
        finally
        {
            _arenas.Return(arena);
        }
    }

    /// <summary>
    /// Runs the network on device memory of <see cref="Accelerator"/>, with no host copies; returns when
    /// <paramref name="output"/> holds the logits.
    /// </summary>
    /// <exception cref="ArgumentException">A view does not have the network's length.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void Forward(ArrayView<float> input, ArrayView<float> output)
    {
        ForwardArguments.Validate(Clamp(input.Length), InputLength, Clamp(output.Length), OutputLength);
        ObjectDisposedException.ThrowIf(_disposed, this);
        DeviceArena arena = _arenas.Rent();
        try
        {
            Run(arena, input, output);
            arena.Stream.Synchronize();
        }
        finally
        {
            _arenas.Return(arena);
        }
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

    /// <summary>Enqueues every kernel of the network on <paramref name="arena"/>'s stream, from <paramref name="input"/> (NCHW) to <paramref name="output"/>.</summary>
    protected abstract void Run(DeviceArena arena, ArrayView<float> input, ArrayView<float> output);

    /// <summary>Folds and uploads one convolution (see <see cref="DeviceConvolutionLayer.Fold"/>); freed with the network.</summary>
    protected DeviceConvolutionLayer FoldConvolution(StateDict weights, string convolution, string batchNorm, int groups) =>
        Own(DeviceConvolutionLayer.Fold(Accelerator, weights, convolution, batchNorm, groups));

    /// <summary>Uploads the classifier (see <see cref="DeviceLinearLayer.Create"/>); freed with the network.</summary>
    protected DeviceLinearLayer CreateLinear(StateDict weights, string module) => Own(DeviceLinearLayer.Create(Accelerator, weights, module));

    private T Own<T>(T layer)
        where T : IDisposable
    {
        _layers.Add(layer);
        return layer;
    }

    private static int Clamp(long length) => (int)Math.Min(length, int.MaxValue);
}
