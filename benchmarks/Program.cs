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
    return 0;
}

if (args.Length > 0 && args[0] == "compare")
{
    return ResNetGen.Benchmarks.PeerComparison.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30);
}

if (args.Length > 0 && args[0] == "steps")
{
    ResNetGen.Benchmarks.StepProfile.Run(args.Length > 1 ? args[1] : "resnet50-224-b1", 20);
    return 0;
}

if (args.Length > 0 && args[0] == "peak")
{
    Console.WriteLine($"FMA peak: {FmaPeak.Measure(1):F1} GFLOP/s on 1 thread, {FmaPeak.Measure(Environment.ProcessorCount):F1} on {Environment.ProcessorCount}");
    return 0;
}

if (args.Length > 0 && args[0] == "layers")
{
    ResNetGen.Benchmarks.LayerProfile.Run(ResNetGen.Planning.ResNetSpec.Create(ResNetGen.Planning.BlockKind.Bottleneck, 3, 4, 6, 3));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ResNet50).Assembly).Run(args);
return 0;
