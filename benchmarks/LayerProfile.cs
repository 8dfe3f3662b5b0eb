using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ResNetGen.Kernels;
using ResNetGen.Planning;

namespace ResNetGen.Benchmarks;

/// <summary>
/// Times every distinct convolution shape of a network on its own, with the algorithm the generator chose and with
/// every other algorithm that can compute the shape, calls interleaved so that machine noise hits them alike. Shows
/// where the time goes and whether the <see cref="CpuSchedule"/> picks the fastest algorithm.
/// </summary>
internal static class LayerProfile
{
    private const int Rounds = 15;

    public static void Run(Workload workload)
    {
        CpuSchedule plan = ResNetGen.Dynamic.DynamicResNet.Schedule(workload.Architecture);
        int batch = plan.KernelBatch;
        Console.WriteLine($"{workload.Name}, {WorkerPool.Shared.ThreadCount} threads");
        var groups = plan.Graph.Ops.OfType<ConvolutionOp>()
            .GroupBy(c => (c.InputShape, c.OutputShape, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, Residual: c.Residual >= 0));
        double total = 0;
        long macs = 0;
        Console.WriteLine($"{"shape",-50} {"count",5} {"chosen",-16} {"ms each",8} {"GFLOP/s",8}  other algorithms (ms)");
        foreach (var group in groups)
        {
            ConvolutionOp c = group.First();
            TapWindow taps = plan.Of(c).Taps;
            var geometry = new ConvolutionGeometry(batch, c.InputShape.Channels, c.InputShape.Height, c.InputShape.Width, c.OutputShape.Channels, c.OutputShape.Height, c.OutputShape.Width, taps.Count, c.Stride, taps.Padding, c.Dilation, c.Groups);
            var chosen = (ResNetGen.Kernels.ConvolutionAlgorithm)plan.Of(c).Algorithm;
            ResNetGen.Kernels.ConvolutionAlgorithm[] candidates = Enum.GetValues<ResNetGen.Kernels.ConvolutionAlgorithm>()
                .Where(a => Convolution.Supports(a, geometry)).OrderBy(a => a != chosen).ToArray();
            Action[] calls = candidates.Select(a => Call(c, taps, geometry, a, group.Key.Residual, batch)).ToArray();
            double[] medians = Interleaved(calls);
            double ms = medians[0];
            long opMacs = c.MultiplyAccumulates * batch;
            total += ms * group.Count();
            macs += opMacs * group.Count();
            string live = taps.Count < c.Kernel ? $" (runs {taps.Count}x{taps.Count})" : string.Empty;
            string shape = $"{c.InputShape}→{c.OutputShape} k{c.Kernel}{live} s{c.Stride} d{c.Dilation} g{c.Groups}{(group.Key.Residual ? " +res" : string.Empty)}";
            string others = string.Join(", ", candidates.Skip(1).Select((a, i) => $"{a} {medians[i + 1]:F3}{(medians[i + 1] < ms ? " (faster)" : string.Empty)}"));
            Console.WriteLine($"{shape,-50} {group.Count(),5} {chosen,-16} {ms,8:F3} {2.0 * opMacs / ms / 1e6,8:F1}  {others}");
        }

        Console.WriteLine($"convolutions: {total:F1} ms, {2.0 * macs / total / 1e6:F1} GFLOP/s (Winograd layers counted at their direct multiply-accumulates)");
    }

    /// <summary>Median milliseconds of each call, the calls taking turns round after round.</summary>
    internal static double[] Interleaved(Action[] calls)
    {
        var times = new double[calls.Length][];
        for (int i = 0; i < calls.Length; i++)
        {
            times[i] = new double[Rounds];
            calls[i]();
            calls[i]();
        }

        for (int round = 0; round < Rounds; round++)
        {
            for (int i = 0; i < calls.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                calls[i]();
                times[i][round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        return times.Select(t => t.Order().ElementAt(Rounds / 2)).ToArray();
    }

    /// <summary>One call of the op's shape with <paramref name="algorithm"/>, on random weights prepared for it.</summary>
    private static Action Call(ConvolutionOp c, TapWindow taps, ConvolutionGeometry geometry, ResNetGen.Kernels.ConvolutionAlgorithm algorithm, bool residual, int batch)
    {
        var random = new Random(1);
        float[] weights = Enumerable.Range(0, c.OutputShape.Channels * (c.InputShape.Channels / c.Groups) * taps.Count * taps.Count).Select(_ => (float)random.NextDouble()).ToArray();
        bool winograd = algorithm == ResNetGen.Kernels.ConvolutionAlgorithm.Winograd;
        ConvolutionLayer layer = ConvolutionLayer.Create(weights, new float[c.OutputShape.Channels], c.OutputShape.Channels, c.InputShape.Channels / c.Groups, taps.Count, c.Groups, winograd);
        float[] input = new float[c.InputShape.Length * batch];
        float[] output = new float[c.OutputShape.Length * batch];
        float[] shortcut = new float[output.Length];
        float[] workspace = new float[CpuTuning.WorkspaceLength(
            (ResNetGen.Planning.ConvolutionAlgorithm)algorithm, batch, c.InputShape.Channels, c.OutputShape.Channels, c.OutputShape.Height, c.OutputShape.Width)];
        return residual
            ? () => Convolution.Forward<BiasResidualRelu>(layer, geometry, algorithm, input, output, shortcut, workspace)
            : () => Convolution.Forward<BiasRelu>(layer, geometry, algorithm, input, output, default, workspace);
    }
}
