using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using ResNetGen.Dynamic;

namespace ResNetGen.Benchmarks;

/// <summary>
/// The generated, unrolled network against the same network built at run time: fused (same kernels, virtual dispatch,
/// run-time shapes) and eager (a module per torchvision module, a new map per output). Steady-state calls.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class UnrolledVsDynamicBenchmarks
{
    private Action<float[], float[]> _generated = null!;
    private Action<float[], float[]> _fused = null!;
    private Action<float[], float[]> _eager = null!;
    private float[] _input = null!;
    private float[] _output = null!;

    [ParamsSource(nameof(Workloads))]
    public string Network { get; set; } = "resnet18-32-b1";

    public static IEnumerable<string> Workloads => new[]
    {
        "small-32-b1", "resnet18-32-b1", "resnet18-32-b8", "resnet18-224-b1", "resnet18-224-b8",
        "resnet50-32-b1", "resnet50-32-b8", "resnet50-224-b1", "resnet50-224-b8",
    };

    [GlobalSetup]
    public void Setup()
    {
        Workload workload = Workload.All[Network];
        _generated = workload.CreateGenerated(0);
        _fused = workload.CreateDynamic(DynamicMode.Fused, 0);
        _eager = workload.CreateDynamic(DynamicMode.Eager, 0);
        _input = new float[workload.InputLength];
        for (int i = 0; i < _input.Length; i++)
        {
            _input[i] = (float)Math.Sin(i * 0.001);
        }

        _output = new float[workload.OutputLength];
    }

    [Benchmark(Baseline = true)]
    public void Generated() => _generated(_input, _output);

    [Benchmark]
    public void DynamicFused() => _fused(_input, _output);

    [Benchmark]
    public void DynamicEager() => _eager(_input, _output);
}
