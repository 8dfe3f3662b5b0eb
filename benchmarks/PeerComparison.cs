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
/// ResNetGen against ONNX Runtime (MLAS, in this process) and PyTorch (oneDNN, eager and TorchScript-frozen, in a child
/// process), all on the same weights and input, on the same machine in the same run: medians of steady-state calls, the
/// ratios to ONNX Runtime and to PyTorch frozen, and efficiency against the FMA peak measured here. GFLOP/s count the
/// network's direct multiply-accumulates, so layers that run Winograd (fewer multiplications) make them "effective"
/// figures that can exceed what the FMA units do.
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

    /// <summary>Rounds per workload: ours, then each peer, this many times, so all see the same drift of the shared machine.</summary>
    private const int Rounds = 3;

    public static int Run(int runs)
    {
        int cores = Environment.ProcessorCount;
        double peakOne = FmaPeak.Measure(1);
        double peakAll = FmaPeak.Measure(cores);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {CpuName()}, {cores} cores, kernels on {KernelSettings.InstructionSet}; FMA peak measured now: {peakOne:F1} GFLOP/s on 1 thread, {peakAll:F1} on {cores}");
        Console.WriteLine($"Each row: {Rounds} rounds of ResNetGen, ONNX Runtime {OrtVersion()} and PyTorch, {runs} timed calls each; times are the median round, ratios the median of the rounds' ratios.");
        Console.WriteLine($"All engines run the weights of CreateRandom({PeerModels.Seed}) (files in {PeerModels.Folder}); ONNX Runtime's logits are checked against ResNetGen's before timing (relative error at most {OnnxRuntimePeer.Tolerance:E0}).");
        Console.WriteLine();
        Console.WriteLine("| workload | threads | ResNetGen ms | ONNX Runtime ms | PyTorch frozen ms | PyTorch eager ms | ResNetGen / ONNX Runtime (rounds) | ResNetGen / frozen (rounds) | ResNetGen / eager | effective GFLOP/s | % of FMA peak | ONNX Runtime: error, bytes per call |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach ((string name, int requested) in Rows)
        {
            int threads = requested == 0 ? cores : requested;
            Workload workload = Workload.All[name];
            WorkerPool.SetSharedThreadCount(threads);
            Action<float[], float[]> forward = workload.CreateGenerated(PeerModels.Seed);
            float[] input = RandomInput(workload.InputLength);
            var output = new float[workload.OutputLength];
            forward(input, output);
            using var ort = new OnnxRuntimePeer(workload, threads);
            ort.CheckAgainst(workload, input, output);
            double error = OutputComparison.RelativeError(ort.Output, output);
            double allocated = ort.AllocatedBytesPerRun(runs);
            string weights = PeerModels.Folder;
            var ours = new double[Rounds];
            var onnx = new double[Rounds];
            var frozen = new double[Rounds];
            var eager = new double[Rounds];
            for (int round = 0; round < Rounds; round++)
            {
                ours[round] = Quick.MedianMilliseconds(() => forward(input, output), runs);
                onnx[round] = Quick.MedianMilliseconds(ort.Run, runs);
                Dictionary<string, double> peer = PyTorch(name, threads, runs, weights);
                frozen[round] = peer.GetValueOrDefault("frozen", double.NaN);
                eager[round] = peer.GetValueOrDefault("eager", double.NaN);
            }

            double[] toOnnx = ours.Zip(onnx, (a, b) => a / b).ToArray();
            double[] toFrozen = ours.Zip(frozen, (a, b) => a / b).ToArray();
            double ms = Median(ours);
            double gflops = 2.0 * workload.MultiplyAccumulates * workload.BatchSize / ms / 1e6;
            double peak = threads == 1 ? peakOne : peakAll;
            string batch = workload.BatchSize > 1
                ? $" (img/s: {ImagesPerSecond(workload, ms)} vs ONNX Runtime {ImagesPerSecond(workload, Median(onnx))}, PyTorch {ImagesPerSecond(workload, Median(frozen))})"
                : string.Empty;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name}{batch} | {threads} | {ms:F1} | {Median(onnx):F1} | {Median(frozen):F1} | {Median(eager):F1} | {Median(toOnnx):F2} ({Join(toOnnx)}) | {Median(toFrozen):F2} ({Join(toFrozen)}) | {Median(ours.Zip(eager, (a, b) => a / b).ToArray()):F2} | {gflops:F0} | {100 * gflops / peak:F0}% | {error:E1}, {allocated:F0} B |"));
        }

        WorkerPool.SetSharedThreadCount(cores);
        return 0;
    }

    private static string ImagesPerSecond(Workload workload, double ms) =>
        (workload.BatchSize * 1000 / ms).ToString("F0", CultureInfo.InvariantCulture);

    private static string Join(double[] ratios) => string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)));

    private static string OrtVersion() =>
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "unknown version";

    /// <summary>The middle value (the upper one of an even count).</summary>
    public static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>Normally distributed pixels, as the peer's <c>torch.randn</c> input (the values do not change the work, but zeros would flow through as zeros).</summary>
    public static float[] RandomInput(int length)
    {
        var random = new Random(1);
        var input = new float[length];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return input;
    }

    /// <summary>Runs benchmarks/peer_pytorch.py for one workload on the weights in <paramref name="weights"/> and returns median milliseconds by mode.</summary>
    private static Dictionary<string, double> PyTorch(string workload, int threads, int runs, string weights)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peer_pytorch.py");
        var start = new ProcessStartInfo("/usr/bin/python3", $"\"{script}\" --threads {threads} --runs {runs} --weights \"{weights}\" {workload}")
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

    internal static string CpuName()
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
