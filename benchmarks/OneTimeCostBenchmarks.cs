using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ResNetGen.Dynamic;

namespace ResNetGen.Benchmarks;

/// <summary>What a network costs before its first answer: building it (weights, folding, packing) and its first call.</summary>
[SimpleJob(RunStrategy.ColdStart, launchCount: 1, warmupCount: 0, iterationCount: 5)]
[MemoryDiagnoser]
public class OneTimeCostBenchmarks
{
    [Params("small-32-b1", "resnet18-224-b1", "resnet50-224-b1")]
    public string Network { get; set; } = "small-32-b1";

    [Benchmark(Baseline = true)]
    public void GeneratedBuildAndFirstCall() => Run(Workload.All[Network].CreateGenerated(0));

    [Benchmark]
    public void DynamicFusedBuildAndFirstCall() => Run(Workload.All[Network].CreateDynamic(DynamicMode.Fused, 0));

    [Benchmark]
    public void DynamicEagerBuildAndFirstCall() => Run(Workload.All[Network].CreateDynamic(DynamicMode.Eager, 0));

    private void Run(Action<float[], float[]> forward)
    {
        Workload workload = Workload.All[Network];
        forward(new float[workload.InputLength], new float[workload.OutputLength]);
    }
}
