using System;
using BenchmarkDotNet.Running;
using ResNetGen.Benchmarks;

if (args.Length > 0 && args[0] == "quick")
{
    var r50 = ResNet50.CreateRandom(0);
    float[] input = new float[ResNet50.InputLength];
    float[] output = new float[ResNet50.OutputLength];
    double ms = Quick.MedianMilliseconds(() => r50.Forward(input, output), 20);
    Console.WriteLine($"resnet50 224 b1: {ms:F1} ms, {2.0 * ResNet50.MultiplyAccumulates / ms / 1e6:F1} GFLOP/s");
    return;
}

if (args.Length > 0 && args[0] == "layers")
{
    ResNetGen.Benchmarks.LayerProfile.Run(ResNetGen.Planning.ResNetSpec.Create(ResNetGen.Planning.BlockKind.Bottleneck, 3, 4, 6, 3));
    return;
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

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ResNet50).Assembly).Run(args);
