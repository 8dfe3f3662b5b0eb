using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ResNetGen;
using ResNetGen.GpuCheck;
using ResNetGen.Ilgpu;
using ResNetGen.Planning;
using ResNetGen.Tests.Parity;

// ResNetGen GPU check. On the CUDA accelerator (default) or ILGPU's CPU accelerator (--cpu, a smoke run on small networks):
// every golden of each --parity folder against torchvision's logits (resnet50 at batch 32 among them when the folder of
// tests/Goldens/gpu is given), the rows of resnet50's batch-32 network against its batch-1 network image by image, then
// resnet50 at 224x224, batch 1 and 32, timed, beside the PyTorch timings of --torch (written by torch_timing.py) when
// present, and a timing pass of every convolution beside the cost model's lower bound. Every network is a [ResNet]
// declaration of Networks.cs, run through the X.Accelerated the generator emitted for it, as an application runs it.
// Prints markdown; exit code 0 when every parity check passes, 1 when one fails, 2 when there is no CUDA device.
var arguments = new Arguments(args);
CudaDriverLibrary.Register();
using Context context = arguments.Cpu
    ? Context.Create(builder => builder.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 4, numMultiprocessors: Math.Max(1, Environment.ProcessorCount))).Optimize(OptimizationLevel.O2))
    : Context.Create(builder => builder.Cuda().Optimize(OptimizationLevel.O2));
if (!arguments.Cpu && context.GetCudaDevices().Count == 0)
{
    Console.WriteLine("no CUDA device: ILGPU found no CUDA device (is the NVIDIA driver installed, and libcuda.so.1 on the loader path?). Nothing was measured.");
    return 2;
}

using Accelerator accelerator = arguments.Cpu ? context.CreateCPUAccelerator(0) : context.CreateCudaAccelerator(0);
Console.WriteLine($"# ResNetGen GPU check");
Console.WriteLine();
string memory = arguments.Cpu ? "host memory" : string.Create(CultureInfo.InvariantCulture, $"{accelerator.MemorySize / (1024.0 * 1024 * 1024):F1} GiB");
Console.WriteLine($"Device: {accelerator.Name} ({accelerator.AcceleratorType}, {memory}); .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();

var clock = Stopwatch.StartNew();
DeviceKernels.For(accelerator);
Console.WriteLine($"Kernels compiled in {clock.Elapsed.TotalSeconds:F1} s.");
Console.WriteLine();

bool allPassed = true;
Console.WriteLine("## Parity with torchvision (‖out − ref‖ / ‖ref‖ ≤ 1e-4 per image, same top-1)");
Console.WriteLine();
Console.WriteLine("| config | relative error (worst image) | top-1 | result | first Forward |");
Console.WriteLine("| --- | ---: | --- | --- | ---: |");
foreach (string path in arguments.Parity.SelectMany(folder => Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal)))
{
    string config = Path.GetFileNameWithoutExtension(path);
    ParityGolden golden = ParityGolden.Read(config, Path.GetDirectoryName(path)!);
    if (!CheckedNetworks.ByName.TryGetValue(config, out CheckedNetwork? declared))
    {
        Console.WriteLine($"| {config} | | | FAIL: no [ResNet] declaration for this golden in tools/GpuCheck/Networks.cs | |");
        allPassed = false;
        continue;
    }

    StateDict weights = ParityFormula.Weights(declared.Parameters);
    if (ParityFormula.Fingerprint(weights).Checksum != golden.Weights.Checksum)
    {
        Console.WriteLine($"| {config} | | | FAIL: the formula's weights are not the golden's | |");
        allPassed = false;
        continue;
    }

    float[] input = ParityFormula.Input(golden.Batch * golden.Channels * golden.Height * golden.Width);
    var output = new float[golden.Batch * golden.NumClasses];
    using AcceleratedNetwork network = declared.OnAccelerator(accelerator, weights);
    clock.Restart();
    network.Forward(input, output);
    double milliseconds = clock.Elapsed.TotalMilliseconds;
    double worst = 0;
    bool sameTop1 = true;
    for (int image = 0; image < golden.Batch; image++)
    {
        float[] actual = output.AsSpan(image * golden.NumClasses, golden.NumClasses).ToArray();
        float[] expected = golden.Logits[image];
        double error = OutputComparison.RelativeError(actual, expected);
        worst = Math.Max(worst, error);
        sameTop1 &= OutputComparison.Top1(actual) == golden.Top1[image];
    }

    bool passed = worst <= OutputComparison.ParityTolerance && sameTop1;
    allPassed &= passed;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {config} | {worst:E2} | {(sameTop1 ? "same" : "DIFFERENT")} | {(passed ? "pass" : "FAIL")} | {milliseconds:F0} ms |"));
}

Console.WriteLine();
allPassed &= BatchRows.Check(accelerator, arguments.Size, arguments.Batches.Max());

Console.WriteLine();
Console.WriteLine($"## Timing: resnet50, {arguments.Size}x{arguments.Size}, fp32 (median of timed calls after warm-up)");
Console.WriteLine();
TorchTimings torch = TorchTimings.Read(arguments.Torch);
Console.WriteLine("| batch | ResNetGen.Ilgpu, device Forward | ResNetGen.Ilgpu, host Forward (with copies) | images/s (device) | PyTorch eager fp32, TF32 off | PyTorch eager, defaults | ResNetGen ÷ PyTorch fp32 |");
Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (int batch in arguments.Batches)
{
    string name = string.Create(CultureInfo.InvariantCulture, $"resnet50_{arguments.Size}_batch{batch}");
    if (!CheckedNetworks.ByName.TryGetValue(name, out CheckedNetwork? declared))
    {
        Console.WriteLine($"| {batch} | not declared: tools/GpuCheck/Networks.cs has no {name} | | | | | |");
        continue;
    }

    StateDict weights = ParityFormula.Weights(declared.Parameters);
    using AcceleratedNetwork network = declared.OnAccelerator(accelerator, weights);
    float[] input = ParityFormula.Input(network.InputLength);
    var output = new float[network.OutputLength];
    using MemoryBuffer1D<float, Stride1D.Dense> deviceInput = accelerator.Allocate1D(input);
    using MemoryBuffer1D<float, Stride1D.Dense> deviceOutput = accelerator.Allocate1D<float>(network.OutputLength);
    double device = Timing.Median(() => network.Forward(deviceInput.View, deviceOutput.View), arguments.Seconds, arguments.Samples);
    double host = Timing.Median(() => network.Forward(input, output), arguments.Seconds, arguments.Samples);
    double? reference = torch.Strict(batch);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {batch} | {device:F2} ms | {host:F2} ms | {batch * 1000 / device:F0} | {Format(reference)} | {Format(torch.Defaults(batch))} | {(reference is double r ? (device / r).ToString("F2", CultureInfo.InvariantCulture) : "n/a")} |"));
}

Console.WriteLine();
Console.WriteLine(torch.Note);

GpuModel model = GpuModel.Known.Values.FirstOrDefault(m => accelerator.Name.Contains(m.Name.Split(' ')[0], StringComparison.OrdinalIgnoreCase)) ?? GpuModel.Known["H200"];
foreach (int batch in arguments.Batches)
{
    string name = string.Create(CultureInfo.InvariantCulture, $"resnet50_{arguments.Size}_batch{batch}");
    if (CheckedNetworks.ByName.TryGetValue(name, out CheckedNetwork? declared))
    {
        Console.WriteLine();
        Console.WriteLine($"## Per convolution: resnet50, {arguments.Size}x{arguments.Size}, batch {batch}, each launch alone against the cost model ({model.Name}, published figures)");
        Console.WriteLine();
        ConvolutionTimings.Print(accelerator, new ResNetAttribute(Block.Bottleneck, 3, 4, 6, 3) { InputHeight = arguments.Size, InputWidth = arguments.Size, BatchSize = batch }, declared.Parameters, model, arguments.Samples);
    }
}

return allPassed ? 0 : 1;

static string Format(double? milliseconds) =>
    milliseconds is double value ? value.ToString("F2", CultureInfo.InvariantCulture) + " ms" : "n/a";

/// <summary>The command line: <c>[--cpu] --parity DIR [--parity DIR...] [--torch FILE] [--size N] [--batches 1,32] [--seconds S] [--samples N]</c>.</summary>
internal sealed class Arguments
{
    public Arguments(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--cpu": Cpu = true; break;
                case "--parity": Parity.Add(Next()); break;
                case "--torch": Torch = Next(); break;
                case "--size": Size = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--batches": Batches = Next().Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--seconds": Seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--samples": Samples = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--cpu] --parity DIR [--parity DIR...] [--torch FILE] [--size N] [--batches 1,32] [--seconds S] [--samples N]");
            }
        }

        string? missing = Parity.FirstOrDefault(folder => !Directory.Exists(folder));
        if (Parity.Count == 0 || missing is not null)
        {
            throw new ArgumentException($"--parity must name folders of parity goldens; '{missing}' is not one.");
        }
    }

    public bool Cpu { get; }

    public List<string> Parity { get; } = new();

    public string? Torch { get; }

    public int Size { get; } = 224;

    public int[] Batches { get; } = { 1, 32 };

    public double Seconds { get; } = 5;

    /// <summary>Timed calls at least (after as many warm-up calls, at most 3).</summary>
    public int Samples { get; } = 5;
}

/// <summary>Runs an action until a time budget is spent (at least <c>samples</c> times, after as many warm-up calls, at most 3) and returns the median in ms.</summary>
internal static class Timing
{
    public static double Median(Action call, double seconds, int samples)
    {
        for (int i = 0; i < Math.Min(samples, 3); i++)
        {
            call();
        }

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < samples || (total.Elapsed.TotalSeconds < seconds && times.Count < 200))
        {
            long start = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}

/// <summary>The PyTorch timings torch_timing.py wrote (JSON), or why there are none.</summary>
internal sealed class TorchTimings
{
    private readonly Dictionary<string, double> _milliseconds = new(StringComparer.Ordinal);

    private TorchTimings(string note) => Note = note;

    public string Note { get; }

    public double? Strict(int batch) => _milliseconds.TryGetValue("fp32_batch" + batch.ToString(CultureInfo.InvariantCulture), out double v) ? v : null;

    public double? Defaults(int batch) => _milliseconds.TryGetValue("default_batch" + batch.ToString(CultureInfo.InvariantCulture), out double v) ? v : null;

    public static TorchTimings Read(string? path)
    {
        if (path is null || !File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return new TorchTimings("PyTorch: not measured here (no --torch timings; run.sh writes them when python3 with torch and torchvision sees a CUDA device).");
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        if (root.TryGetProperty("error", out JsonElement error))
        {
            return new TorchTimings("PyTorch: not measured (" + error.GetString() + ").");
        }

        var timings = new TorchTimings(string.Create(CultureInfo.InvariantCulture, $"PyTorch {root.GetProperty("torch").GetString()} on {root.GetProperty("device").GetString()}, torchvision resnet50, eager, same input size."));
        foreach (JsonProperty property in root.GetProperty("milliseconds").EnumerateObject())
        {
            timings._milliseconds[property.Name] = property.Value.GetDouble();
        }

        return timings;
    }
}
