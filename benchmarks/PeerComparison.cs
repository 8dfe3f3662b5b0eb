using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResNetGen.Kernels;

namespace ResNetGen.Benchmarks;

/// <summary>
/// ResNetGen against PyTorch (oneDNN, eager and TorchScript-frozen) on the same machine in the same run:
/// medians of steady-state calls, the ratio to PyTorch frozen, and efficiency against the FMA peak measured here.
/// GFLOP/s count the network's direct multiply-accumulates, so layers that run Winograd (fewer multiplications) make
/// them "effective" figures that can exceed what the FMA units do.
/// </summary>
internal static class PeerComparison
{
    private static readonly (string Workload, int Threads)[] Rows =
    {
        ("resnet50-224-b1", 0),
        ("resnet18-224-b1", 0),
        ("resnet50-32-b1", 0),
        ("resnet50-224-b8", 0),
        ("resnet50-224-b1", 1),
    };

    /// <summary>Rounds per workload: ours, then the peer, this many times, so both see the same drift of the shared machine.</summary>
    private const int Rounds = 3;

    public static int Run(int runs)
    {
        int cores = Environment.ProcessorCount;
        double peakOne = FmaPeak.Measure(1);
        double peakAll = FmaPeak.Measure(cores);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd}, {CpuName()}, {cores} cores, kernels on {KernelSettings.InstructionSet}; FMA peak measured now: {peakOne:F1} GFLOP/s on 1 thread, {peakAll:F1} on {cores}");
        Console.WriteLine($"Each row: {Rounds} rounds of ResNetGen then PyTorch, {runs} timed calls each; times are the median round, the ratio the median of the rounds' ratios.");
        Console.WriteLine();
        Console.WriteLine("| workload | threads | ResNetGen ms | PyTorch frozen ms | PyTorch eager ms | ResNetGen / frozen (rounds) | ResNetGen / eager | effective GFLOP/s | % of FMA peak |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach ((string name, int requested) in Rows)
        {
            int threads = requested == 0 ? cores : requested;
            Workload workload = Workload.All[name];
            WorkerPool.SetSharedThreadCount(threads);
            Action<float[], float[]> forward = workload.CreateGenerated(0);
            float[] input = RandomInput(workload.InputLength);
            var output = new float[workload.OutputLength];
            var ours = new double[Rounds];
            var frozen = new double[Rounds];
            var eager = new double[Rounds];
            for (int round = 0; round < Rounds; round++)
            {
                ours[round] = Quick.MedianMilliseconds(() => forward(input, output), runs);
                Dictionary<string, double> peer = Peer(name, threads, runs);
                frozen[round] = peer.GetValueOrDefault("frozen", double.NaN);
                eager[round] = peer.GetValueOrDefault("eager", double.NaN);
            }

            double[] ratios = ours.Zip(frozen, (a, b) => a / b).ToArray();
            double ms = Median(ours);
            double gflops = 2.0 * workload.MultiplyAccumulates * workload.BatchSize / ms / 1e6;
            double peak = threads == 1 ? peakOne : peakAll;
            string batch = workload.BatchSize > 1 ? $" ({workload.BatchSize * 1000 / ms:F0} img/s vs {workload.BatchSize * 1000 / Median(frozen):F0})" : string.Empty;
            string rounds = string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name}{batch} | {threads} | {ms:F1} | {Median(frozen):F1} | {Median(eager):F1} | {Median(ratios):F2} ({rounds}) | {Median(ours.Zip(eager, (a, b) => a / b).ToArray()):F2} | {gflops:F0} | {100 * gflops / peak:F0}% |"));
        }

        WorkerPool.SetSharedThreadCount(cores);
        return 0;
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>Normally distributed pixels, as the peer's <c>torch.randn</c> input (the values do not change the work, but zeros would flow through as zeros).</summary>
    private static float[] RandomInput(int length)
    {
        var random = new Random(1);
        var input = new float[length];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return input;
    }

    /// <summary>Runs benchmarks/peer_pytorch.py for one workload and returns median milliseconds by mode.</summary>
    private static Dictionary<string, double> Peer(string workload, int threads, int runs)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peer_pytorch.py");
        var start = new ProcessStartInfo("/usr/bin/python3", $"\"{script}\" --threads {threads} --runs {runs} {workload}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var result = new Dictionary<string, double>();
        try
        {
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"peer_pytorch.py failed for {workload}: {stderr.Trim().Split('\n').LastOrDefault()}");
            }

            foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using JsonDocument json = JsonDocument.Parse(line);
                result[json.RootElement.GetProperty("mode").GetString()!] = json.RootElement.GetProperty("median_ms").GetDouble();
            }
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            Console.Error.WriteLine($"Cannot run /usr/bin/python3 ({error.Message}); install python3-torch python3-torchvision for the peer.");
        }

        return result;
    }

    private static string CpuName()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
