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

if (args.Length > 0 && args[0] == "callers")
{
    CallerCrew.Report(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "layers")
{
    ResNetGen.Benchmarks.LayerProfile.Run(ResNetGen.Planning.ResNetSpec.Create(ResNetGen.Planning.BlockKind.Bottleneck, 3, 4, 6, 3));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ResNet50).Assembly).Run(args);
