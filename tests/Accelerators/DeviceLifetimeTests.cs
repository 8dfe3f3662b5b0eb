using System;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ResNetGen.Ilgpu;
using ResNetGen.Tests.Parity;
using Xunit;

namespace ResNetGen.Tests.Accelerators;

/// <summary>Each way of misusing the device runtime ends in a clear exception that says what to do.</summary>
[Collection(AcceleratorCollection.Name)]
public sealed class DeviceLifetimeTests
{
    private readonly Accelerator _accelerator;

    public DeviceLifetimeTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Accelerator;

    [Fact]
    public void Null_accelerator_is_refused()
    {
        ArgumentNullException error = Assert.Throws<ArgumentNullException>(() => AcceleratorBasicNet.OnAccelerator(null!, ParityFormula.Weights(AcceleratorBasicNet.Parameters)));
        Assert.Equal("accelerator", error.ParamName);
        Assert.Contains("CreateCudaAccelerator", error.Message);
    }

    [Fact]
    public void Weights_for_another_network_are_a_weight_load_exception()
    {
        StateDict other = ParityFormula.Weights(AcceleratorGroupedBottleneckNet.Parameters);
        WeightLoadException error = Assert.Throws<WeightLoadException>(() => AcceleratorBasicNet.OnAccelerator(_accelerator, other));
        Assert.Contains("fc.weight", error.MissingKeys.Concat(error.UnexpectedKeys).Concat(error.ShapeMismatches.Select(m => m.Name)));
        Assert.StartsWith(error.Source, error.Message);
    }

    [Fact]
    public void Calls_after_dispose_throw_object_disposed_exception()
    {
        AcceleratorBasicNet.Accelerated network = AcceleratorBasicNet.OnAccelerator(_accelerator, ParityFormula.Weights(AcceleratorBasicNet.Parameters));
        network.Dispose();
        network.Dispose(); // a second Dispose does nothing
        Assert.Throws<ObjectDisposedException>(() => network.Forward(new float[network.InputLength], new float[network.OutputLength]));
        using MemoryBuffer1D<float, Stride1D.Dense> input = _accelerator.Allocate1D<float>(network.InputLength);
        using MemoryBuffer1D<float, Stride1D.Dense> output = _accelerator.Allocate1D<float>(network.OutputLength);
        Assert.Throws<ObjectDisposedException>(() => network.Forward(input.View, output.View));
    }

    [Fact]
    public void Device_allocation_failure_says_how_much_and_what_to_do()
    {
        const long Floats = 1L << 44; // 64 TiB
        InsufficientDeviceMemoryException error = Assert.Throws<InsufficientDeviceMemoryException>(() => DeviceMemory.Allocate(_accelerator, Floats, "a test buffer"));
        Assert.Contains("70,368,744,177,664 bytes", error.Message);
        Assert.Contains("a test buffer", error.Message);
        Assert.Contains("smaller BatchSize", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Accelerator_with_small_thread_groups_is_refused_with_advice()
    {
        using var context = Context.Create(builder => builder.CPU(CPUDevice.Default));
        using Accelerator small = context.CreateCPUAccelerator(0);
        ArgumentException error = Assert.Throws<ArgumentException>(() => DeviceKernels.For(small));
        Assert.Contains("needs 128 threads per group", error.Message);
    }
}
