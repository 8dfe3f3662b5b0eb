using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ResNetGen.Dynamic;

namespace ResNetGen.Benchmarks;

/// <summary>
/// The generated network against the same graph dispatched at run time, fused (same schedule and kernels, a step object
/// per op) and eager (a module per torchvision module), in rounds that take turns, so that a shared machine's drift
/// falls on all three alike: per round each engine's median call, then the median of the rounds and of their ratios.
/// </summary>
internal static class DispatchComparison
{
    public static void Run(IReadOnlyList<string> workloads, int rounds)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} threads, kernels: {ResNetGen.Kernels.KernelSettings.InstructionSet}; {rounds} rounds taking turns, median of each round's median call");
        Console.WriteLine();
        Console.WriteLine("| network | generated | dynamic fused | fused / generated | dynamic eager | eager / generated | eager allocates per call |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (string name in workloads)
        {
            Workload workload = Workload.All[name];
            float[] input = PeerComparison.RandomInput(workload.InputLength);
            var output = new float[workload.OutputLength];
            Action<float[], float[]>[] engines =
            [
                workload.CreateGenerated(0),
                workload.CreateDynamic(DynamicMode.Fused, 0),
                workload.CreateDynamic(DynamicMode.Eager, 0),
            ];
            int calls = workload.MultiplyAccumulates * workload.BatchSize > 2_000_000_000L ? 3 : 9;
            var medians = new double[engines.Length][];
            for (int e = 0; e < engines.Length; e++)
            {
                medians[e] = new double[rounds];
            }

            for (int round = 0; round < rounds; round++)
            {
                for (int e = 0; e < engines.Length; e++)
                {
                    Action<float[], float[]> engine = engines[e];
                    medians[e][round] = Quick.MedianMilliseconds(() => engine(input, output), calls);
                }
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            engines[2](input, output);
            double eagerMegabytes = (GC.GetAllocatedBytesForCurrentThread() - before) / 1e6;
            double generated = PeerComparison.Median(medians[0]);
            double fusedRatio = PeerComparison.Median(Enumerable.Range(0, rounds).Select(r => medians[1][r] / medians[0][r]).ToArray());
            double eagerRatio = PeerComparison.Median(Enumerable.Range(0, rounds).Select(r => medians[2][r] / medians[0][r]).ToArray());
            Console.WriteLine(string.Create(
                invariant,
                $"| {name} | {generated:F2} ms | {PeerComparison.Median(medians[1]):F2} ms | {fusedRatio:F2} | {PeerComparison.Median(medians[2]):F2} ms | {eagerRatio:F2} | {eagerMegabytes:F1} MB |"));
        }
    }
}
