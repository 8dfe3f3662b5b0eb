using System;
using System.Globalization;
using ILGPU;
using ILGPU.Runtime;

namespace ResNetGen.Ilgpu;

/// <summary>Device allocations with a failure that says how much was asked for, on which device, and what to do.</summary>
internal static class DeviceMemory
{
    /// <summary>Allocates <paramref name="length"/> floats on <paramref name="accelerator"/>.</summary>
    /// <param name="accelerator">The device.</param>
    /// <param name="length">Floats to allocate.</param>
    /// <param name="what">What the memory is for, e.g. <c>the weights of 'layer1.0.conv1'</c>.</param>
    /// <exception cref="InsufficientDeviceMemoryException">The device could not provide the memory.</exception>
    public static MemoryBuffer1D<float, Stride1D.Dense> Allocate(Accelerator accelerator, long length, string what)
    {
        try
        {
            return accelerator.Allocate1D<float>(Math.Max(length, 1));
        }
        catch (Exception exception) when (exception is OutOfMemoryException or AcceleratorException)
        {
            throw new InsufficientDeviceMemoryException(string.Format(
                CultureInfo.InvariantCulture,
                "Allocating {0:N0} bytes ({1:N0} floats) for {2} on '{3}' failed: {4} The device has {5:N0} bytes in all. " +
                "Free device memory (dispose networks and buffers no longer used), make fewer Forward calls at once (each one holds an arena), " +
                "or declare the network with a smaller BatchSize or input size.",
                length * sizeof(float),
                length,
                what,
                accelerator.Name,
                exception.Message,
                accelerator.MemorySize),
                exception);
        }
    }

    /// <summary>Allocates room for <paramref name="data"/> on <paramref name="accelerator"/> and copies it there.</summary>
    /// <exception cref="InsufficientDeviceMemoryException">The device could not provide the memory.</exception>
    public static MemoryBuffer1D<float, Stride1D.Dense> Upload(Accelerator accelerator, float[] data, string what)
    {
        MemoryBuffer1D<float, Stride1D.Dense> buffer = Allocate(accelerator, data.Length, what);
        try
        {
            buffer.View.SubView(0, data.Length).CopyFromCPU(data);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Uploads two arrays (a layer's weights and bias); neither stays allocated if the second fails.</summary>
    /// <exception cref="InsufficientDeviceMemoryException">The device could not provide the memory.</exception>
    public static (MemoryBuffer1D<float, Stride1D.Dense> First, MemoryBuffer1D<float, Stride1D.Dense> Second) Upload(
        Accelerator accelerator, float[] first, string firstWhat, float[] second, string secondWhat)
    {
        MemoryBuffer1D<float, Stride1D.Dense> one = Upload(accelerator, first, firstWhat);
        try
        {
            return (one, Upload(accelerator, second, secondWhat));
        }
        catch
        {
            one.Dispose();
            throw;
        }
    }
}

/// <summary>An accelerator could not provide the device memory a network needs; the message says how much, for what, and what to do.</summary>
public sealed class InsufficientDeviceMemoryException : OutOfMemoryException
{
    /// <summary>Creates the exception with its message and the accelerator's own error.</summary>
    public InsufficientDeviceMemoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
