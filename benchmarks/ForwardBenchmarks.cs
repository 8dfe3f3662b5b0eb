using System;
using BenchmarkDotNet.Attributes;

namespace ResNetGen.Benchmarks;

/// <summary>The generated networks on the workloads of the PyTorch comparison, steady state, with allocations counted.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class ForwardBenchmarks
{
    private Action<float[], float[]> _forward = null!;
    private float[] _input = null!;
    private float[] _output = null!;

    [Params("resnet50-224-b1", "resnet18-224-b1", "resnet50-32-b1", "resnet50-224-b8")]
    public string Network { get; set; } = "resnet50-224-b1";

    [GlobalSetup]
    public void Setup()
    {
        Workload workload = Workload.All[Network];
        _forward = workload.CreateGenerated(0);
        _input = new float[workload.InputLength];
        _output = new float[workload.OutputLength];
    }

    [Benchmark]
    public void Forward() => _forward(_input, _output);
}
