using System;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Xunit;

namespace ResNetGen.Tests.Accelerators;

/// <summary>
/// One ILGPU CPU accelerator for every accelerator test, so the kernels are compiled once for the whole run. It simulates
/// two multiprocessors (two thread groups at once, one per core here) of up to 128 threads, the largest convolution tile's group size.
/// </summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public CpuAcceleratorFixture()
    {
        Context = Context.Create(builder => builder.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 4, numMultiprocessors: 2)));
        Accelerator = Context.CreateCPUAccelerator(0);
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

/// <summary>The accelerator tests share <see cref="CpuAcceleratorFixture"/> and run one after another (the CPU accelerator runs one kernel at a time anyway).</summary>
[CollectionDefinition(Name)]
public sealed class AcceleratorCollection : ICollectionFixture<CpuAcceleratorFixture>
{
    public const string Name = "CPU accelerator";
}
