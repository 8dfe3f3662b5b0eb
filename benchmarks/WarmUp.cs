using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ResNetGen.Kernels;

namespace ResNetGen.Benchmarks;

/// <summary>
/// The first calls of a fresh process, as an application that classifies a handful of images (or a server's first
/// requests) sees them: each sample is a new child process that builds the network (ResNetGen: <c>CreateRandom</c>;
/// ONNX Runtime: its <c>InferenceSession</c> on the exported model), times calls 0 to 49 one by one, then keeps calling
/// for a few seconds and takes the median of 20 more calls as the steady state. The child runs with the JIT settings
/// this process was started with (set <c>DOTNET_TieredCompilation</c>, <c>DOTNET_TieredPGO</c> etc. on the parent to
/// compare), and the engines take turns process by process, so drift on a shared machine hits both.
/// </summary>
internal static class WarmUp
{
    /// <summary>Calls timed one by one in each child, call 0 included.</summary>
    public const int Calls = 50;

    private const string ChildCommand = "warmup-child";

    private static readonly string[] DefaultWorkloads = { "resnet18-224-b1", "resnet50-224-b1" };

    /// <summary><c>warmup [processes] [workload ...]</c>: the table, one row per workload and engine.</summary>
    public static int Run(string[] args)
    {
        int processes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        string[] names = args.Length > 1 ? args[1..] : DefaultWorkloads;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {CpuName()}, {Environment.ProcessorCount} cores, kernels on {KernelSettings.InstructionSet}, JIT settings: {JitSettings()}"));
        Console.WriteLine($"Each row: the median over {processes} fresh processes (engines taking turns) of each process's figure; threads = cores.");
        Console.WriteLine();
        Console.WriteLine("| workload | engine | set-up ms | call 0 ms | calls 1–49: median ms | calls 1–49: slowest ms | calls 1–4: median ms | steady ms | calls 1–49 / steady | calls 0–49 total ms |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (string name in names)
        {
            Workload workload = Workload.All[name];
            PeerModels.Onnx(workload); // exported here, once, so that no child times the export
            var samples = new Dictionary<string, List<Sample>> { ["ResNetGen"] = new(), ["ONNX Runtime"] = new() };
            for (int p = 0; p < processes; p++)
            {
                samples["ResNetGen"].Add(RunChild("resnetgen", name));
                samples["ONNX Runtime"].Add(RunChild("onnxruntime", name));
            }

            foreach ((string engine, List<Sample> list) in samples)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {name} | {engine} | {Median(list, s => s.SetUp):F0} | {Median(list, s => s.Times[0]):F1} | {Median(list, s => PeerComparison.Median(s.Times[1..])):F1} | {Median(list, s => s.Times[1..].Max()):F1} | {Median(list, s => PeerComparison.Median(s.Times[1..5])):F1} | {Median(list, s => s.Steady):F1} | {Median(list, s => PeerComparison.Median(s.Times[1..]) / s.Steady):F2} | {Median(list, s => s.Times.Sum()):F0} |"));
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>warmup-child resnetgen|onnxruntime workload</c>: one fresh process's figures on one line,
    /// <c>setup call0 ... call49 steady</c> in milliseconds.
    /// </summary>
    public static int Child(string[] args)
    {
        Workload workload = Workload.All[args[2]];
        float[] input = PeerComparison.RandomInput(workload.InputLength);
        long start = Stopwatch.GetTimestamp();
        Action call;
        IDisposable? owned = null;
        if (args[1] == "resnetgen")
        {
            Action<float[], float[]> forward = workload.CreateGenerated(PeerModels.Seed);
            var output = new float[workload.OutputLength];
            call = () => forward(input, output);
        }
        else
        {
            var ort = new OnnxRuntimePeer(workload, Environment.ProcessorCount);
            input.CopyTo(ort.Input, 0);
            call = ort.Run;
            owned = ort;
        }

        double setUp = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var times = new double[Calls];
        for (int i = 0; i < Calls; i++)
        {
            long before = Stopwatch.GetTimestamp();
            call();
            times[i] = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
        }

        // Steady state: whatever tiering still has to do is done after a few more seconds of calls.
        long settle = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(settle).TotalSeconds < 3)
        {
            call();
        }

        double steady = Quick.MedianMilliseconds(call, 20);
        owned?.Dispose();
        Console.WriteLine(string.Join(' ', new[] { setUp }.Concat(times).Append(steady).Select(t => t.ToString("R", CultureInfo.InvariantCulture))));
        return 0;
    }

    /// <summary>True for the child's command line.</summary>
    public static bool IsChild(string[] args) => args.Length == 3 && args[0] == ChildCommand;

    private static Sample RunChild(string engine, string workload)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(typeof(WarmUp).Assembly.Location);
        }

        start.ArgumentList.Add(ChildCommand);
        start.ArgumentList.Add(engine);
        start.ArgumentList.Add(workload);
        using Process process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The {engine} child for {workload} failed (exit code {process.ExitCode}): {stderr.Trim()}");
        }

        double[] values = stdout.Trim().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new Sample(values[0], values[1..^1], values[^1]);
    }

    private static double Median(List<Sample> samples, Func<Sample, double> figure) =>
        PeerComparison.Median(samples.Select(figure).ToArray());

    private static string JitSettings()
    {
        string[] set = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_Tiered", StringComparison.Ordinal) || k.StartsWith("DOTNET_TC_", StringComparison.Ordinal) || k == "DOTNET_ReadyToRun")
            .Order()
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")
            .ToArray();
        return set.Length == 0 ? "the defaults" : string.Join(", ", set);
    }

    private static string CpuName()
    {
        string? line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
    }

    private sealed record Sample(double SetUp, double[] Times, double Steady);
}
