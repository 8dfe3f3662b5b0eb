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

    public static int Run(int runs)
    {
        int cores = Environment.ProcessorCount;
        double peakOne = FmaPeak.Measure(1);
        double peakAll = FmaPeak.Measure(cores);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd}, {CpuName()}, {cores} cores, kernels on {KernelSettings.InstructionSet}; FMA peak measured now: {peakOne:F1} GFLOP/s on 1 thread, {peakAll:F1} on {cores}");
        Console.WriteLine();
        Console.WriteLine("| workload | threads | ResNetGen ms | PyTorch frozen ms | PyTorch eager ms | ResNetGen / frozen | ResNetGen / eager | effective GFLOP/s | % of FMA peak |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach ((string name, int requested) in Rows)
        {
            int threads = requested == 0 ? cores : requested;
            Workload workload = Workload.All[name];
            WorkerPool.SetSharedThreadCount(threads);
            Action<float[], float[]> forward = workload.CreateGenerated(0);
            var input = new float[workload.InputLength];
            var output = new float[workload.OutputLength];
            double ours = Quick.MedianMilliseconds(() => forward(input, output), runs);
            Dictionary<string, double> peer = Peer(name, threads, runs);
            double gflops = 2.0 * workload.MultiplyAccumulates * workload.BatchSize / ours / 1e6;
            double peak = threads == 1 ? peakOne : peakAll;
            string batch = workload.BatchSize > 1 ? $" ({workload.BatchSize * 1000 / ours:F0} img/s vs {workload.BatchSize * 1000 / peer.GetValueOrDefault("frozen", double.NaN):F0})" : string.Empty;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name}{batch} | {threads} | {ours:F1} | {peer.GetValueOrDefault("frozen", double.NaN):F1} | {peer.GetValueOrDefault("eager", double.NaN):F1} | {ours / peer.GetValueOrDefault("frozen", double.NaN):F2} | {ours / peer.GetValueOrDefault("eager", double.NaN):F2} | {gflops:F0} | {100 * gflops / peak:F0}% |"));
        }

        WorkerPool.SetSharedThreadCount(cores);
        return 0;
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
