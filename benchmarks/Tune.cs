using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ResNetGen.Kernels;

namespace ResNetGen.Benchmarks;

/// <summary>
/// Measures a CPU profile for the CPU this runs on: ResNet's 3x3 stride-1 convolutions at each map size (56x56 with 64
/// channels to 7x7 with 512, as at 224x224, and 7x7 at batch 4 for a call of 16 blocks), Winograd against the direct
/// kernel, calls taking turns; then picks the Winograd thresholds that make the measured calls fastest, weighted by how
/// often ResNet-50 makes each, and writes them as a profile file for <c>RESNETGEN_CPU_PROFILE</c>.
/// </summary>
internal static class Tune
{
    /// <summary>The measured shapes: map side, channels, batch, and how many of them ResNet-50 runs at 224x224.</summary>
    private static readonly (int Side, int Channels, int Batch, int Count)[] Shapes =
    [
        (56, 64, 1, 3), (28, 128, 1, 3), (14, 256, 1, 5), (7, 512, 1, 2), (7, 512, 4, 2),
    ];

    public static void Run(string name, string path)
    {
        Console.WriteLine($"Measuring Winograd against the direct kernel on {Environment.ProcessorCount} thread(s), {KernelSettings.InstructionSet} kernels; detected profile: {CpuProfile.Detected.Name}");
        Console.WriteLine($"{"map",-14} {"batch",5} {"blocks",6} {"direct ms",10} {"Winograd ms",12} {"ratio",6}");
        var measured = new List<(int Side, long Tiles, int Count, double Direct, double Winograd)>();
        foreach ((int side, int channels, int batch, int count) in Shapes)
        {
            double[] ms = LayerProfile.Interleaved([Call(side, channels, batch, ConvolutionAlgorithm.Taps), Call(side, channels, batch, ConvolutionAlgorithm.Winograd)]);
            long tiles = (long)batch * ((side + 3) / 4) * ((side + 3) / 4);
            measured.Add((side, tiles, count, ms[0], ms[1]));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{$"{channels}x{side}x{side}",-14} {batch,5} {tiles,6} {ms[0],10:F3} {ms[1],12:F3} {ms[1] / ms[0],6:F2}"));
        }

        (int minimumTiles, int largestSide) = Best(measured);
        var profile = new CpuProfile(name, minimumTiles, largestSide, $"measured by tune on {Environment.ProcessorCount} thread(s), {KernelSettings.InstructionSet} kernels, {DateTime.UtcNow:yyyy-MM-dd}");
        profile.Save(path);
        Console.WriteLine($"profile: {profile}");
        Console.WriteLine($"written to {path}; run with RESNETGEN_CPU_PROFILE={path}, or set CpuProfile.Current = CpuProfile.Load(path) before building networks.");
    }

    /// <summary>The thresholds whose choices make the measured calls, weighted by their counts, take the least time.</summary>
    private static (int MinimumTiles, int LargestSide) Best(List<(int Side, long Tiles, int Count, double Direct, double Winograd)> measured)
    {
        int[] tileCandidates = measured.Select(m => (int)m.Tiles).Append(int.MaxValue).Distinct().Order().ToArray();
        int[] sideCandidates = measured.Select(m => m.Side).Append(int.MaxValue).Distinct().Order().ToArray();
        (int, int) best = (int.MaxValue, int.MaxValue);
        double bestTime = double.MaxValue;
        foreach (int tiles in tileCandidates)
        {
            foreach (int side in sideCandidates)
            {
                double time = measured.Sum(m => m.Count * (m.Tiles >= tiles && m.Side <= side ? m.Winograd : m.Direct));
                if (time < bestTime - 1e-9)
                {
                    (best, bestTime) = ((tiles, side), time);
                }
            }
        }

        return best;
    }

    /// <summary>One call of a 3x3, stride-1, padding-1 convolution of <paramref name="channels"/> channels each way.</summary>
    private static Action Call(int side, int channels, int batch, ConvolutionAlgorithm algorithm)
    {
        var random = new Random(1);
        float[] weights = Enumerable.Range(0, channels * channels * 9).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        bool winograd = algorithm == ConvolutionAlgorithm.Winograd;
        ConvolutionLayer layer = ConvolutionLayer.Create(weights, new float[channels], channels, channels, 3, 1, winograd);
        var geometry = new ConvolutionGeometry(batch, channels, side, side, channels, side, side, 3, 1, 1, 1, 1);
        float[] input = Enumerable.Range(0, batch * side * side * channels).Select(_ => (float)random.NextDouble()).ToArray();
        var output = new float[input.Length];
        var workspace = new float[winograd ? Planning.CpuTuning.WorkspaceLength(Planning.ConvolutionAlgorithm.Winograd, batch, channels, channels, side, side) : 0];
        return () => Convolution.Forward<BiasRelu>(layer, geometry, algorithm, input, output, default, workspace);
    }
}
