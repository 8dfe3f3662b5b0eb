using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Kernels;

namespace ResNetGen.Ilgpu;

/// <summary>
/// Every kernel a network runs, compiled once per accelerator (<see cref="For"/> caches them for the accelerator's
/// lifetime), with one launch method per op of the compile-time plan. Launch methods only check sizes and enqueue on the
/// given stream; they never compile, allocate device memory or wait. Safe to use from several threads at once, each
/// with its own stream.
/// </summary>
public sealed class DeviceKernels
{
    private static readonly ConditionalWeakTable<Accelerator, DeviceKernels> LoadedByAccelerator = new();

    private readonly Accelerator _accelerator;
    private readonly Dictionary<(Type Tile, Type Epilogue), Delegate> _convolutions = new();
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int> _toChannelsLast;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int, int, int> _maxPool;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int> _globalAveragePool;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _linear;

    private DeviceKernels(Accelerator accelerator)
    {
        _accelerator = accelerator;
        try
        {
            RequireTile<Tile64x64x32>();
        }
        catch (NotSupportedException refused)
        {
            throw new ArgumentException(refused.Message, nameof(accelerator), refused);
        }

        _toChannelsLast = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int>(LayoutKernel.ToChannelsLast);
        _maxPool = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int, int, int>(PoolingKernels.MaxPool);
        _globalAveragePool = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(PoolingKernels.GlobalAverage);
        _linear = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(LinearKernel.Run);
    }

    /// <summary>The kernels compiled for <paramref name="accelerator"/>: compiled on the first request, then reused until the accelerator is collected.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="accelerator"/> is null.</exception>
    /// <exception cref="ArgumentException">The accelerator cannot run thread groups as large as the convolution kernel's.</exception>
    public static DeviceKernels For(Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        lock (LoadedByAccelerator)
        {
            if (!LoadedByAccelerator.TryGetValue(accelerator, out DeviceKernels? kernels))
            {
                kernels = new DeviceKernels(accelerator);
                LoadedByAccelerator.Add(accelerator, kernels);
            }

            return kernels;
        }
    }

    /// <summary>NCHW <paramref name="source"/> to NHWC <paramref name="destination"/> inside a zero border of <paramref name="padding"/> pixels.</summary>
    /// <exception cref="ArgumentException">A view is too short for the sizes given.</exception>
    public void ToChannelsLast(AcceleratorStream stream, ArrayView<float> source, ArrayView<float> destination, int batch, int channels, int height, int width, int padding)
    {
        long length = (long)batch * (height + (2 * padding)) * (width + (2 * padding)) * channels;
        Require(source, (long)batch * channels * height * width, destination, length);
        _toChannelsLast(stream, (int)length, source, destination, channels, height, width, padding);
    }

    /// <summary>
    /// One convolution over the whole batch, NHWC in and out, finished by <typeparamref name="TEpilogue"/>
    /// (<see cref="Bias"/>, <see cref="BiasRelu"/> or <see cref="BiasResidualRelu"/>).
    /// </summary>
    /// <param name="stream">The call's stream.</param>
    /// <param name="layer">The folded, uploaded weights.</param>
    /// <param name="geometry">Every size of the call.</param>
    /// <param name="source">Input, <c>Batch x InHeight x InWidth x InChannels</c>.</param>
    /// <param name="destination">Output, <c>Batch x OutHeight x OutWidth x OutChannels</c>; must not overlap the source or residual.</param>
    /// <param name="residual">Added before ReLU when the epilogue uses it (same layout as the output); otherwise pass <c>default</c>.</param>
    /// <exception cref="ArgumentException">The geometry does not match the layer, or a view is too short.</exception>
    public void Convolution<TEpilogue>(AcceleratorStream stream, DeviceConvolutionLayer layer, in ConvolutionGeometry geometry, ArrayView<float> source, ArrayView<float> destination, ArrayView<float> residual)
        where TEpilogue : struct, IDeviceEpilogue =>
        Convolution<TEpilogue, Tile64x64x32>(stream, layer, geometry, source, destination, residual);

    /// <summary>
    /// One convolution over the whole batch with the tile <typeparamref name="TTile"/>, its reduction split into
    /// <paramref name="kSplit"/> slices when more than one: the slices' sums go to <paramref name="partials"/> and a second
    /// launch adds them in order, with the epilogue (the same bits on every run).
    /// </summary>
    /// <param name="stream">The call's stream.</param>
    /// <param name="layer">The folded, uploaded weights.</param>
    /// <param name="geometry">Every size of the call.</param>
    /// <param name="source">Input, <c>Batch x InHeight x InWidth x InChannels</c>.</param>
    /// <param name="destination">Output, <c>Batch x OutHeight x OutWidth x OutChannels</c>; must not overlap the source, residual or partials.</param>
    /// <param name="residual">Added before ReLU when the epilogue uses it (same layout as the output); otherwise pass <c>default</c>.</param>
    /// <param name="kSplit">Slices of the reduction, 1 for none.</param>
    /// <param name="partials">With <paramref name="kSplit"/> above 1: room for <c>kSplit</c> outputs; otherwise <c>default</c>.</param>
    /// <exception cref="ArgumentException">The geometry does not match the layer, or a view is too short.</exception>
    /// <exception cref="NotSupportedException">The accelerator cannot run the tile's thread groups.</exception>
    public void Convolution<TEpilogue, TTile>(
        AcceleratorStream stream, DeviceConvolutionLayer layer, in ConvolutionGeometry geometry, ArrayView<float> source, ArrayView<float> destination, ArrayView<float> residual, int kSplit = 1, ArrayView<float> partials = default)
        where TEpilogue : struct, IDeviceEpilogue
        where TTile : struct, IConvolutionTile
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (geometry.OutChannels != layer.OutChannels || geometry.Groups != layer.Groups || geometry.Kernel != layer.Kernel || geometry.InChannels != layer.InChannelsPerGroup * layer.Groups)
        {
            throw new ArgumentException(
                $"The geometry ({geometry.InChannels}→{geometry.OutChannels} channels, {geometry.Kernel}x{geometry.Kernel}, {geometry.Groups} group(s)) does not match '{layer.Module}' " +
                $"({layer.InChannelsPerGroup * layer.Groups}→{layer.OutChannels}, {layer.Kernel}x{layer.Kernel}, {layer.Groups} group(s)).",
                nameof(geometry));
        }

        long outputLength = (long)geometry.Batch * geometry.OutputImageLength;
        Require(source, (long)geometry.Batch * geometry.InputImageLength, destination, outputLength);
        if (typeof(TEpilogue) != typeof(Bias) && typeof(TEpilogue) != typeof(BiasRelu) && typeof(TEpilogue) != typeof(BiasResidualRelu))
        {
            throw new ArgumentException($"{typeof(TEpilogue).Name} is not one of the epilogues compiled for the device ({nameof(Bias)}, {nameof(BiasRelu)}, {nameof(BiasResidualRelu)}).", nameof(TEpilogue));
        }

        if (default(TEpilogue).UsesResidual)
        {
            if (residual.Length < outputLength)
            {
                throw new ArgumentException($"The residual holds {residual.Length} floats; the output needs {outputLength}.", nameof(residual));
            }
        }
        else
        {
            residual = destination; // never read; a valid view keeps every backend's argument marshalling simple
        }

        if (kSplit < 1 || (kSplit > 1 && partials.Length < kSplit * outputLength))
        {
            throw new ArgumentException($"A split of K into {kSplit} slices needs partials of {Math.Max(1, kSplit) * outputLength} floats; {partials.Length} were given.", nameof(partials));
        }

        RequireTile<TTile>();
        TTile tile = default;
        int pixels = geometry.Batch * geometry.OutputPixels;
        int perGroup = geometry.OutChannels / geometry.Groups;
        var config = new KernelConfig(
            new Index3D((pixels + tile.Pixels - 1) / tile.Pixels, (perGroup + tile.Channels - 1) / tile.Channels, geometry.Groups * kSplit),
            new Index3D(ConvolutionKernel.GroupSize<TTile>(), 1, 1));
        if (kSplit == 1)
        {
            Full<TTile, TEpilogue>()(stream, config, source, layer.Weights, layer.Bias, residual, destination, geometry);
            return;
        }

        ArrayView<float> slices = partials.SubView(0, kSplit * outputLength);
        Partial<TTile>()(stream, config, source, layer.Weights, slices, geometry, kSplit);
        Reduce<TEpilogue>()(stream, (int)outputLength, slices, layer.Bias, residual, destination.SubView(0, outputLength), geometry.OutChannels, kSplit);
    }

    /// <summary>
    /// Checks that this accelerator can run thread groups of <typeparamref name="TTile"/>: its threads per group and its
    /// shared memory. The generated <c>OnAccelerator</c> checks every tile its network uses before uploading anything.
    /// </summary>
    /// <exception cref="NotSupportedException">The tile needs more threads per group or more shared memory than the accelerator has; the message names both.</exception>
    public void RequireTile<TTile>()
        where TTile : struct, IConvolutionTile
    {
        int threads = ConvolutionKernel.GroupSize<TTile>();
        int shared = ConvolutionKernel.SharedMemoryBytes<TTile>();
        if (_accelerator.MaxNumThreadsPerGroup < threads)
        {
            throw new NotSupportedException(
                $"The convolution tile {typeof(TTile).Name} needs {threads} threads per group; the accelerator '{_accelerator.Name}' runs at most {_accelerator.MaxNumThreadsPerGroup}. " +
                "For ILGPU's CPU accelerator, create it from a device that simulates a GPU with groups that large, e.g. Context.Create(b => b.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 4, numMultiprocessors: 2))).");
        }

        if (_accelerator.MaxSharedMemoryPerGroup < shared)
        {
            throw new NotSupportedException(
                $"The convolution tile {typeof(TTile).Name} needs {shared:N0} bytes of shared memory per group; the accelerator '{_accelerator.Name}' allows {_accelerator.MaxSharedMemoryPerGroup:N0}.");
        }
    }

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry> Full<TTile, TEpilogue>()
        where TTile : struct, IConvolutionTile
        where TEpilogue : struct, IDeviceEpilogue =>
        Loaded<TTile, TEpilogue, Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry>>(
            static accelerator => accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry>(ConvolutionKernel.Run<TTile, TEpilogue>));

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry, int> Partial<TTile>()
        where TTile : struct, IConvolutionTile =>
        Loaded<TTile, RawSum, Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry, int>>(
            static accelerator => accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry, int>(ConvolutionKernel.RunPartial<TTile>));

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Reduce<TEpilogue>()
        where TEpilogue : struct, IDeviceEpilogue =>
        Loaded<SplitReduction, TEpilogue, Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>>(
            static accelerator => accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(SplitReduceKernel.Run<TEpilogue>));

    /// <summary>
    /// A kernel compiled on first use and kept for this accelerator's lifetime, keyed by its tile (or role) and epilogue;
    /// <paramref name="load"/> is a static lambda, so a call that finds the kernel allocates nothing.
    /// </summary>
    private TDelegate Loaded<TKey, TEpilogue, TDelegate>(Func<Accelerator, TDelegate> load)
        where TDelegate : Delegate
    {
        lock (_convolutions)
        {
            if (!_convolutions.TryGetValue((typeof(TKey), typeof(TEpilogue)), out Delegate? kernel))
            {
                kernel = load(_accelerator);
                _convolutions.Add((typeof(TKey), typeof(TEpilogue)), kernel);
            }

            return (TDelegate)kernel;
        }
    }

    /// <summary>The key of the split-K reduction kernels.</summary>
    private readonly struct SplitReduction
    {
    }

    /// <summary>A <paramref name="kernel"/> x <paramref name="kernel"/> max pool on NHWC maps; padded positions never win.</summary>
    /// <exception cref="ArgumentException">A view is too short for the sizes given.</exception>
    public void MaxPool(
        AcceleratorStream stream, ArrayView<float> source, ArrayView<float> destination, int batch, int channels, int inHeight, int inWidth,
        int outHeight, int outWidth, int kernel, int stride, int padding)
    {
        long length = (long)batch * outHeight * outWidth * channels;
        Require(source, (long)batch * inHeight * inWidth * channels, destination, length);
        _maxPool(stream, (int)length, source, destination, channels, inHeight, inWidth, outHeight, outWidth, kernel, stride, padding);
    }

    /// <summary><c>AdaptiveAvgPool2d((1, 1))</c> on NHWC maps: <c>batch x channels</c> means.</summary>
    /// <exception cref="ArgumentException">A view is too short for the sizes given.</exception>
    public void GlobalAveragePool(AcceleratorStream stream, ArrayView<float> source, ArrayView<float> destination, int batch, int channels, int height, int width)
    {
        Require(source, (long)batch * height * width * channels, destination, (long)batch * channels);
        _globalAveragePool(stream, batch * channels, source, destination, channels, height * width);
    }

    /// <summary>The classifier, <c>y = x W^T + b</c>, for each of <paramref name="batch"/> rows.</summary>
    /// <exception cref="ArgumentException">The sizes do not match the layer, or a view is too short.</exception>
    public void Linear(AcceleratorStream stream, DeviceLinearLayer layer, ArrayView<float> source, ArrayView<float> destination, int batch, int inFeatures, int outFeatures)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.InFeatures != inFeatures || layer.OutFeatures != outFeatures)
        {
            throw new ArgumentException($"The sizes {inFeatures}→{outFeatures} do not match the layer ({layer.InFeatures}→{layer.OutFeatures}).");
        }

        Require(source, (long)batch * inFeatures, destination, (long)batch * outFeatures);
        _linear(stream, batch * outFeatures, source, destination, layer.TransposedWeight, layer.Bias, inFeatures, outFeatures);
    }

    private static void Require(ArrayView<float> source, long sourceLength, ArrayView<float> destination, long destinationLength)
    {
        if (source.Length < sourceLength || destination.Length < destinationLength)
        {
            throw new ArgumentException($"The views are too short: source {source.Length} (needs {sourceLength}), destination {destination.Length} (needs {destinationLength}).");
        }
    }
}
