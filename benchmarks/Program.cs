using System;
using System.Linq;
using BenchmarkDotNet.Running;
using ResNetGen.Benchmarks;

if (WarmUp.IsChild(args))
{
    return WarmUp.Child(args);
}

if (args.Length > 0 && args[0] == "warmup")
{
    // The first calls of fresh processes against the steady state, ResNetGen beside ONNX Runtime: warmup [processes] [workload ...].
    return WarmUp.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "quick")
{
    // A fast development check: median wall time and process CPU time per call, for one workload.
    Workload workload = Workload.All[args.Length > 1 ? args[1] : "resnet50-224-b1"];
    Action<float[], float[]> forward = workload.CreateGenerated(0);
    float[] input = Environment.GetEnvironmentVariable("RESNETGEN_ZERO_INPUT") == "1" ? new float[workload.InputLength] : ResNetGen.Benchmarks.PeerComparison.RandomInput(workload.InputLength);
    float[] output = new float[workload.OutputLength];
    double ms = Quick.MedianMilliseconds(() => forward(input, output), 20);
    var process = System.Diagnostics.Process.GetCurrentProcess();
    TimeSpan before = process.TotalProcessorTime;
    for (int i = 0; i < 20; i++)
    {
        forward(input, output);
    }

    process.Refresh();
    double cpu = (process.TotalProcessorTime - before).TotalMilliseconds / 20;
    Console.WriteLine($"{workload.Name}: {ms:F2} ms, {2.0 * workload.MultiplyAccumulates * workload.BatchSize / ms / 1e6:F1} GFLOP/s; process CPU {cpu:F2} ms per call");
    return 0;
}

if (args.Length > 0 && args[0] == "compare")
{
    return ResNetGen.Benchmarks.PeerComparison.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30);
}

if (args.Length > 0 && args[0] == "versus")
{
    // ResNetGen against ONNX Runtime only, one workload, rounds taking turns: versus [workload] [threads, 0 = all] [rounds].
    ResNetGen.Benchmarks.Versus.Run(
        args.Length > 1 ? args[1] : "resnet50-224-b1",
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return 0;
}

if (args.Length > 0 && args[0] == "tune")
{
    // A CPU profile for this CPU, measured: tune [name] [file], e.g. tune my-cpu my-cpu.json; then RESNETGEN_CPU_PROFILE=my-cpu.json.
    ResNetGen.Benchmarks.Tune.Run(args.Length > 1 ? args[1] : "tuned", args.Length > 2 ? args[2] : "cpu-profile.json");
    return 0;
}

if (args.Length > 0 && args[0] == "gpu-cost")
{
    // The device schedule on paper: gpu-cost [H200|H100|A100|L4] [model-size-bBATCH...], e.g. gpu-cost H200 resnet50-224-b1.
    string gpu = args.Length > 1 ? args[1] : "H200";
    string[] networks = args.Length > 2 ? args[2..] : ["resnet50-224-b1", "resnet50-224-b32"];
    ResNetGen.Benchmarks.DeviceCostModel.Run(gpu, networks);
    return 0;
}

if (args.Length > 0 && args[0] == "unrolled")
{
    // The generated network against the dynamic graph, fused and eager, in rounds taking turns: unrolled [rounds] [workload...].
    int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
    string[] names = args.Length > 2 ? args[2..] : ResNetGen.Benchmarks.UnrolledVsDynamicBenchmarks.Workloads.ToArray();
    ResNetGen.Benchmarks.DispatchComparison.Run(names, rounds);
    return 0;
}

if (args.Length > 0 && args[0] == "mlnet")
{
    // ResNetGen.ML against ML.NET's DnnFeaturizeImage (ResNet18), decoded images to features: mlnet [images per pass] [rounds].
    ResNetGen.Benchmarks.MlNetFeaturizer.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 32,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return 0;
}

if (args.Length > 0 && args[0] == "steps")
{
    ResNetGen.Benchmarks.StepProfile.Run(args.Length > 1 ? args[1] : "resnet50-224-b1", 20);
    return 0;
}

if (args.Length > 0 && args[0] == "ort-layers")
{
    // Op by op against ONNX Runtime's per-node profile, both engines on the same weights and input.
    ResNetGen.Benchmarks.OnnxRuntimeProfile.Run(
        ResNetGen.Benchmarks.Workload.All[args.Length > 1 ? args[1] : "resnet50-224-b1"],
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 30);
    return 0;
}

if (args.Length > 0 && args[0] == "load")
{
    // Loading a full-size resnet50 from the page cache: median ms, MB/s and bytes allocated per load, for both formats.
    LoadFiles.Report(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9);
    return 0;
}

if (args.Length > 0 && args[0] == "peak")
{
    Console.WriteLine($"FMA peak: {FmaPeak.Measure(1):F1} GFLOP/s on 1 thread, {FmaPeak.Measure(Environment.ProcessorCount):F1} on {Environment.ProcessorCount}");
    return 0;
}

if (args.Length > 0 && args[0] == "callers")
{
    CallerCrew.Report(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "layers")
{
    ResNetGen.Benchmarks.LayerProfile.Run(ResNetGen.Benchmarks.Workload.All[args.Length > 1 ? args[1] : "resnet50-224-b1"]);
    return 0;
}

if (args.Length > 0 && args[0] == "generator")
{
    // A quick Stopwatch run of GeneratorDriverBenchmarks' scenarios, for development; the figures to quote come from BenchmarkDotNet.
    // Roslyn is large: with much fewer than 1000 runs the medians still include tier-0 JIT code and come out several times higher.
    int runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
    foreach (string input in new[] { "resnet152", "20 classes" })
    {
        var setup = ResNetGen.Benchmarks.GeneratorSetup.Create(input);
        int length = setup.Check();
        var driver = setup.NewDriver().RunGenerators(setup.Compilation);
        int edits = 0;
        Console.WriteLine($"{input} ({length:N0} characters generated):");
        Console.WriteLine($"  cold:                   {Quick.MedianMilliseconds(() => setup.NewDriver().RunGenerators(setup.Compilation), runs):F3} ms");
        Console.WriteLine($"  cold, fresh compilation: {Quick.MedianMilliseconds(() => setup.NewDriver().RunGenerators(setup.Compilation.Clone()), runs):F3} ms");
        Console.WriteLine($"  unrelated edit:         {Quick.MedianMilliseconds(() => driver = driver.RunGenerators(setup.UnrelatedEdit(edits++)), runs):F3} ms");
        Console.WriteLine($"  edit one network:       {Quick.MedianMilliseconds(() => driver = driver.RunGenerators(setup.NetworkEdit(edits++)), runs):F3} ms");
        Console.WriteLine($"  attribute binding floor: {Quick.MedianMilliseconds(() => setup.BindAttributes(edits++), runs):F3} ms");
    }

    return 0;
}

// A case that failed (its setup threw, say, because a peer's output disagreed with ours) fails the process, so that
// CI's smoke run notices.
var summaries = BenchmarkSwitcher.FromAssembly(typeof(ResNet50).Assembly).Run(args);
var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo).ToList();
foreach (string name in failed)
{
    Console.Error.WriteLine($"failed: {name}");
}

return failed.Count == 0 && summaries.All(s => !s.HasCriticalValidationErrors) ? 0 : 1;
