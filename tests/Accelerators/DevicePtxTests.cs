using System;
using System.Collections.Generic;
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
/// Every kernel, every tile shape included, compiles at <c>O2</c> with ILGPU's CUDA (PTX) backend for Ampere (SM_80) and
/// Hopper (SM_90, the H100 and H200), which needs no GPU: the kernels the CPU accelerator tests run
/// are the ones a GPU gets, and none of them uses anything the PTX backend refuses. The convolution's accumulators and
/// staged loads are in registers (no <c>.local</c> memory in its PTX), it synchronises once per reduction step (two
/// shared-memory stages), and its weight quads move as 128-bit loads and stores.
/// </summary>
public sealed class DevicePtxTests
{
    private readonly ITestOutputHelper _output;

    public DevicePtxTests(ITestOutputHelper output) => _output = output;

    private static readonly Type[] Tiles = [typeof(Tile128x64x16), typeof(Tile64x64x32), typeof(Tile32x64x32), typeof(Tile256x8x16)];
    private static readonly Type[] Epilogues = [typeof(Bias), typeof(BiasRelu), typeof(BiasResidualRelu)];

    /// <summary>Every kernel the runtime loads: each tile with each epilogue, each tile's split-K pass, each epilogue's reduction, and the rest; for Ampere and Hopper.</summary>
    public static TheoryData<string, string> Kernels
    {
        get
        {
            var kernels = new List<string>();
            kernels.AddRange(Tiles.SelectMany(tile => Epilogues.Select(epilogue => $"Convolution<{tile.Name}, {epilogue.Name}>")));
            kernels.AddRange(Tiles.Select(tile => $"Partial<{tile.Name}>"));
            kernels.AddRange(Epilogues.Select(epilogue => $"SplitReduce<{epilogue.Name}>"));
            kernels.AddRange(["ToChannelsLast", "MaxPool", "GlobalAverage", "Linear"]);
            var data = new TheoryData<string, string>();
            foreach (string architecture in new[] { "SM_80", "SM_90" })
            {
                foreach (string kernel in kernels)
                {
                    data.Add(kernel, architecture);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Compiles_to_ptx_at_O2(string kernel, string architecture)
    {
        (MethodInfo method, bool grouped) = Resolve(kernel);
        CudaArchitecture target = architecture == "SM_90" ? CudaArchitecture.SM_90 : CudaArchitecture.SM_80;

        // The settings an application's context should use (README): O2; the CUDA accelerator then compiles as here.
        using Context context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
        CudaInstructionSet isa = target == CudaArchitecture.SM_90 ? CudaInstructionSet.ISA_83 : CudaInstructionSet.ISA_80;
        using var backend = new PTXBackend(context, new CudaCapabilityContext(target), target, isa, nvvmAPI: null);
        EntryPointDescription entry = grouped ? EntryPointDescription.FromExplicitlyGroupedKernel(method) : EntryPointDescription.FromImplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);

        string ptx = compiled.PTXAssembly;
        Assert.Contains(".entry", ptx);
        string declared = Regex.Match(ptx, @"\.target\s+([a-z0-9_]+)").Groups[1].Value;
        // ILGPU 1.5.3 writes `.target sm_80` when asked for SM_90 (its newest PTX target); the driver compiles that PTX for
        // Hopper when the kernel loads, so the check is that each request gives PTX a Hopper driver accepts, and no newer.
        Assert.True(declared is "sm_80" or "sm_90", $"the PTX targets '{declared}' for {architecture}");
        int barriers = Regex.Matches(ptx, @"\bbar\.sync\b").Count;
        int vectorLoads = Regex.Matches(ptx, @"\bld\.global(\.nc)?\.v4\.f32\b").Count;
        _output.WriteLine($"{kernel} for {architecture}: {ptx.Length} characters of PTX, {barriers} barriers, {vectorLoads} 128-bit global loads, shared {ptx.Contains(".shared", StringComparison.Ordinal)}, local {ptx.Contains(".local", StringComparison.Ordinal)}");
        if (grouped)
        {
            // Once after the window origins, once after the first stage is stored, once per reduction step (the loop's).
            Assert.Equal(3, barriers);
            Assert.Contains(".shared", ptx);
            Assert.False(ptx.Contains(".local", StringComparison.Ordinal), "each thread's sums and staged loads stay in registers, not in local memory");
            Assert.True(vectorLoads > 0, "the weight quads are read from global memory with 128-bit loads");
            Assert.Matches(@"\bld\.shared\.v4\.f32\b", ptx);
            Assert.Matches(@"\bst\.shared\.v4\.f32\b", ptx);
        }
    }

    [Fact]
    public void Every_tile_fits_the_48_KB_of_static_shared_memory_a_group_may_have()
    {
        int[] bytes =
        [
            ConvolutionKernel.SharedMemoryBytes<Tile128x64x16>(), ConvolutionKernel.SharedMemoryBytes<Tile64x64x32>(),
            ConvolutionKernel.SharedMemoryBytes<Tile32x64x32>(), ConvolutionKernel.SharedMemoryBytes<Tile256x8x16>(),
        ];
        Assert.All(bytes, b => Assert.InRange(b, 1, 48 * 1024));
    }

    private static (MethodInfo Method, bool Grouped) Resolve(string kernel)
    {
        Type Named(string name) => Tiles.Concat(Epilogues).Single(t => t.Name == name);
        string[] arguments = kernel.Contains('<', StringComparison.Ordinal) ? kernel[(kernel.IndexOf('<', StringComparison.Ordinal) + 1)..^1].Split(", ") : [];
        return kernel[..(kernel.IndexOf('<', StringComparison.Ordinal) is int i and >= 0 ? i : kernel.Length)] switch
        {
            "Convolution" => (typeof(ConvolutionKernel).GetMethod(nameof(ConvolutionKernel.Run))!.MakeGenericMethod(Named(arguments[0]), Named(arguments[1])), true),
            "Partial" => (typeof(ConvolutionKernel).GetMethod(nameof(ConvolutionKernel.RunPartial))!.MakeGenericMethod(Named(arguments[0])), true),
            "SplitReduce" => (typeof(SplitReduceKernel).GetMethod(nameof(SplitReduceKernel.Run))!.MakeGenericMethod(Named(arguments[0])), false),
            "ToChannelsLast" => (typeof(LayoutKernel).GetMethod(nameof(LayoutKernel.ToChannelsLast))!, false),
            "MaxPool" => (typeof(PoolingKernels).GetMethod(nameof(PoolingKernels.MaxPool))!, false),
            "GlobalAverage" => (typeof(PoolingKernels).GetMethod(nameof(PoolingKernels.GlobalAverage))!, false),
            _ => (typeof(LinearKernel).GetMethod(nameof(LinearKernel.Run))!, false),
        };
    }
}
