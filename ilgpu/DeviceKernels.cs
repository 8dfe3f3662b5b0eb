using System;
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

    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry> _convolutionBias;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry> _convolutionBiasRelu;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry> _convolutionBiasResidualRelu;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int> _toChannelsLast;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int, int, int> _maxPool;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int> _globalAveragePool;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _linear;
    private readonly int _convolutionGroupSize = ConvolutionKernel.GroupSize<Tile64x64x64>();

    private DeviceKernels(Accelerator accelerator)
    {
        if (accelerator.MaxNumThreadsPerGroup < _convolutionGroupSize)
        {
            throw new ArgumentException(
                $"The accelerator '{accelerator.Name}' runs at most {accelerator.MaxNumThreadsPerGroup} threads per group; the convolution kernel needs {_convolutionGroupSize}. " +
                "For ILGPU's CPU accelerator, create it from a device that simulates a GPU, e.g. Context.Create(b => b.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 2, numMultiprocessors: 2))), or CPUDevice.Intel.",
                nameof(accelerator));
        }

        _convolutionBias = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry>(ConvolutionKernel.Run<Tile64x64x64, Bias>);
        _convolutionBiasRelu = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry>(ConvolutionKernel.Run<Tile64x64x64, BiasRelu>);
        _convolutionBiasResidualRelu = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry>(ConvolutionKernel.Run<Tile64x64x64, BiasResidualRelu>);
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
        where TEpilogue : struct, IDeviceEpilogue
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
        Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvolutionGeometry> launch;
        if (typeof(TEpilogue) == typeof(BiasResidualRelu))
        {
            if (residual.Length < outputLength)
            {
                throw new ArgumentException($"The residual holds {residual.Length} floats; the output needs {outputLength}.", nameof(residual));
            }

            launch = _convolutionBiasResidualRelu;
        }
        else
        {
            launch = typeof(TEpilogue) == typeof(BiasRelu) ? _convolutionBiasRelu
                : typeof(TEpilogue) == typeof(Bias) ? _convolutionBias
                : throw new ArgumentException($"{typeof(TEpilogue).Name} is not one of the epilogues compiled for the device ({nameof(Bias)}, {nameof(BiasRelu)}, {nameof(BiasResidualRelu)}).", nameof(TEpilogue));
            residual = destination; // never read; a valid view keeps every backend's argument marshalling simple
        }

        Tile64x64x64 tile = default;
        int pixels = geometry.Batch * geometry.OutputPixels;
        int perGroup = geometry.OutChannels / geometry.Groups;
        var config = new KernelConfig(
            new Index3D((pixels + tile.Pixels - 1) / tile.Pixels, (perGroup + tile.Channels - 1) / tile.Channels, geometry.Groups),
            new Index3D(_convolutionGroupSize, 1, 1));
        launch(stream, config, source, layer.Weights, layer.Bias, residual, destination, geometry);
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
