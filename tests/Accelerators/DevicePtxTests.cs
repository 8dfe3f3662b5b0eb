using System;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ResNetGen.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Accelerators;

/// <summary>
/// Every kernel compiles with ILGPU's CUDA (PTX) backend, which needs no GPU: the kernels the CPU accelerator tests run
/// are the ones a GPU gets, and none of them uses anything the PTX backend refuses. The convolution's accumulators are
/// in registers (no <c>.local</c> memory in its PTX).
/// </summary>
public sealed class DevicePtxTests
{
    private readonly ITestOutputHelper _output;

    public DevicePtxTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Kernels => new(new[]
    {
        "Convolution<Bias>", "Convolution<BiasRelu>", "Convolution<BiasResidualRelu>", "ToChannelsLast", "MaxPool", "GlobalAverage", "Linear",
    });

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Compiles_to_ptx(string kernel)
    {
        (MethodInfo method, bool grouped) = kernel switch
        {
            "Convolution<Bias>" => (Convolution(typeof(Bias)), true),
            "Convolution<BiasRelu>" => (Convolution(typeof(BiasRelu)), true),
            "Convolution<BiasResidualRelu>" => (Convolution(typeof(BiasResidualRelu)), true),
            "ToChannelsLast" => (typeof(LayoutKernel).GetMethod(nameof(LayoutKernel.ToChannelsLast))!, false),
            "MaxPool" => (typeof(PoolingKernels).GetMethod(nameof(PoolingKernels.MaxPool))!, false),
            "GlobalAverage" => (typeof(PoolingKernels).GetMethod(nameof(PoolingKernels.GlobalAverage))!, false),
            _ => (typeof(LinearKernel).GetMethod(nameof(LinearKernel.Run))!, false),
        };

        using Context context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_80), CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, nvvmAPI: null);
        EntryPointDescription entry = grouped ? EntryPointDescription.FromExplicitlyGroupedKernel(method) : EntryPointDescription.FromImplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);

        string ptx = compiled.PTXAssembly;
        Assert.Contains(".entry", ptx);
        int barriers = Regex.Matches(ptx, @"\bbar\.sync\b").Count;
        _output.WriteLine($"{kernel}: {ptx.Length} characters of PTX, {barriers} barriers, shared {ptx.Contains(".shared", StringComparison.Ordinal)}, local {ptx.Contains(".local", StringComparison.Ordinal)}");
        if (grouped)
        {
            Assert.True(barriers >= 3, "the tiled convolution synchronises its group: once after the window origins, twice per reduction step");
            Assert.Contains(".shared", ptx);
            Assert.False(ptx.Contains(".local", StringComparison.Ordinal), "each thread's 8 x 8 sums stay in registers, not in local memory");
        }
    }

    private static MethodInfo Convolution(Type epilogue) =>
        typeof(ConvolutionKernel).GetMethod(nameof(ConvolutionKernel.Run))!.MakeGenericMethod(typeof(Tile64x64x64), epilogue);
}
