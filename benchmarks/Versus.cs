using System;
using System.Globalization;
using System.Linq;
using ResNetGen.Kernels;

namespace ResNetGen.Benchmarks;

/// <summary>
/// A fast check against ONNX Runtime alone, for one workload: ResNetGen and ONNX Runtime take turns for several short
/// rounds on the same input and thread count, and the median of the rounds' ratios is printed. What <c>compare</c> does
/// for every workload and both peers, in a fraction of its time.
/// </summary>
internal static class Versus
{
    public static void Run(string name, int threads, int rounds)
    {
        Workload workload = Workload.All[name];
        threads = threads == 0 ? Environment.ProcessorCount : threads;
        WorkerPool.SetSharedThreadCount(threads);
        Action<float[], float[]> forward = workload.CreateGenerated(PeerModels.Seed);
        float[] input = PeerComparison.RandomInput(workload.InputLength);
        var output = new float[workload.OutputLength];
        forward(input, output);
        using var ort = new OnnxRuntimePeer(workload, threads);
        ort.CheckAgainst(workload, input, output);
        int runs = workload.MultiplyAccumulates * workload.BatchSize > 10_000_000_000L ? 10 : 20;
        var ratios = new double[rounds];
        var ours = new double[rounds];
        var theirs = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            ours[round] = Quick.MedianMilliseconds(() => forward(input, output), runs);
            theirs[round] = Quick.MedianMilliseconds(ort.Run, runs);
            ratios[round] = ours[round] / theirs[round];
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}, {threads} thread(s), kernels on {KernelSettings.InstructionSet}: ResNetGen {PeerComparison.Median(ours):F2} ms, ONNX Runtime {PeerComparison.Median(theirs):F2} ms, ResNetGen / ONNX Runtime {PeerComparison.Median(ratios):F2} (rounds {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))})"));
    }
}
