using System;
using BenchmarkDotNet.Attributes;
using ResNetGen.Kernels;

namespace ResNetGen.Benchmarks;

/// <summary>
/// ONNX Runtime on the workloads and weights of <see cref="ForwardBenchmarks"/>, as many intra-op threads as ResNetGen's
/// worker pool has, steady state, with allocations counted. Its logits are checked against ResNetGen's before timing.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class OnnxRuntimeBenchmarks
{
    private OnnxRuntimePeer _peer = null!;

    [Params("resnet50-224-b1", "resnet18-224-b1", "resnet50-32-b1", "resnet50-224-b8")]
    public string Network { get; set; } = "resnet50-224-b1";

    [GlobalSetup]
    public void Setup()
    {
        Workload workload = Workload.All[Network];
        float[] input = PeerComparison.RandomInput(workload.InputLength);
        var expected = new float[workload.OutputLength];
        workload.CreateGenerated(PeerModels.Seed)(input, expected);
        _peer = new OnnxRuntimePeer(workload, WorkerPool.Shared.ThreadCount);
        _peer.CheckAgainst(workload, input, expected);
    }

    [GlobalCleanup]
    public void Cleanup() => _peer.Dispose();

    [Benchmark]
    public void Run() => _peer.Run();
}
