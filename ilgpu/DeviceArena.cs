using System;
using ILGPU;
using ILGPU.Runtime;

namespace ResNetGen.Ilgpu;

/// <summary>
/// The device memory of one <c>Forward</c> call: the arena the compile-time memory plan lays every intermediate feature
/// map out in (taken as sub-views at the plan's offsets), staging buffers for the host input and output, and a stream of
/// its own, so that concurrent calls never share memory or wait on each other's kernels.
/// </summary>
public sealed class DeviceArena : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _memory;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _input;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _output;
    private readonly ArrayView<float> _view;

    internal DeviceArena(Accelerator accelerator, int length, int inputLength, int outputLength)
    {
        _memory = DeviceMemory.Allocate(accelerator, length, "a Forward call's arena");
        try
        {
            _input = DeviceMemory.Allocate(accelerator, inputLength, "a Forward call's input");
            _output = DeviceMemory.Allocate(accelerator, outputLength, "a Forward call's output");
            Stream = accelerator.CreateStream();
        }
        catch
        {
            _memory.Dispose();
            _input?.Dispose();
            _output?.Dispose();
            throw;
        }

        _view = _memory.View;
        Length = length;
        Input = _input.View.SubView(0, inputLength);
        Output = _output.View.SubView(0, outputLength);
    }

    /// <summary>The stream every kernel of this call is launched on.</summary>
    public AcceleratorStream Stream { get; }

    /// <summary>Floats in the arena.</summary>
    public int Length { get; }

    /// <summary>Where the host <c>Forward</c> copies the caller's input to.</summary>
    public ArrayView<float> Input { get; }

    /// <summary>Where the host <c>Forward</c> copies the logits from.</summary>
    public ArrayView<float> Output { get; }

    /// <summary>The feature map at <paramref name="offset"/> of the memory plan: <paramref name="length"/> floats.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the arena.</exception>
    public ArrayView<float> Slice(int offset, int length)
    {
        if ((uint)offset > (uint)Length || (uint)length > (uint)(Length - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"The range [{offset}, {(long)offset + length}) is not inside the arena of {Length} floats.");
        }

        return _view.SubView(offset, length);
    }

    /// <summary>Frees the device memory and the stream.</summary>
    public void Dispose()
    {
        Stream.Dispose();
        _memory.Dispose();
        _input.Dispose();
        _output.Dispose();
    }
}
