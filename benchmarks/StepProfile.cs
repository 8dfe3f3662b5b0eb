using System;
using System.Diagnostics;
using System.Linq;
using ResNetGen.Dynamic;

namespace ResNetGen.Benchmarks;

/// <summary>Where a whole forward pass spends its time, op by op (the fused steps run the generated code's kernels).</summary>
internal static class StepProfile
{
    public static void Run(string workloadName, int passes)
    {
        Workload workload = Workload.All[workloadName];
        DynamicResNet network = DynamicResNet.CreateRandom(workload.Architecture, 0, DynamicMode.Fused);
        var input = new float[workload.InputLength];
        var output = new float[workload.OutputLength];
        string[] names = network.StepNames;
        var ticks = new long[names.Length];
        for (int i = 0; i < 3; i++)
        {
            network.ForwardProfiled(input, output, new long[names.Length]);
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < passes; i++)
        {
            network.ForwardProfiled(input, output, ticks);
        }

        double total = Stopwatch.GetElapsedTime(start).TotalMilliseconds / passes;
        double perTick = 1000.0 / Stopwatch.Frequency / passes;
        foreach (var group in names.Select((name, i) => (Kind: name[(name.LastIndexOf(' ') + 1)..], Ms: ticks[i] * perTick)).GroupBy(s => s.Kind))
        {
            Console.WriteLine($"{group.Key,-20} {group.Count(),4} ops {group.Sum(s => s.Ms),8:F2} ms");
        }

        Console.WriteLine($"{"total",-20} {names.Length,4} ops {total,8:F2} ms per pass");
        foreach ((string name, double ms) in names.Select((name, i) => (name, ticks[i] * perTick)).OrderByDescending(s => s.Item2).Take(Environment.GetEnvironmentVariable("RESNETGEN_STEPS") is { } n ? int.Parse(n) : 12))
        {
            Console.WriteLine($"  {name,-40} {ms,7:F3} ms");
        }
    }
}
