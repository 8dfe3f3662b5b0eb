using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Kernels;
using ResNetGen.Planning;

namespace ResNetGen.Benchmarks;

/// <summary>Times every distinct convolution shape of a network on its own, to see where the time goes.</summary>
internal static class LayerProfile
{
    public static void Run(ResNetSpec spec)
    {
        NetworkPlan plan = Planner.Plan(spec, out _)!;
        var groups = plan.Sections.SelectMany(s => s.Ops).OfType<ConvolutionOp>()
            .GroupBy(c => (c.InputShape, c.OutputShape, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, Residual: c.Residual >= 0));
        double total = 0;
        long macs = 0;
        Console.WriteLine($"{"shape",-58} {"count",5} {"ms each",8} {"GFLOP/s",8}");
        foreach (var group in groups)
        {
            ConvolutionOp c = group.First();
            var geometry = new ConvolutionGeometry(spec.BatchSize, c.InputShape.Channels, c.InputShape.Height, c.InputShape.Width, c.OutputShape.Channels, c.OutputShape.Height, c.OutputShape.Width, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups);
            var algorithm = (ResNetGen.Kernels.ConvolutionAlgorithm)c.Algorithm;
            double ms = Time(c, geometry, algorithm, group.Key.Residual, spec.BatchSize);
            string versus = string.Empty;
            if (algorithm == ResNetGen.Kernels.ConvolutionAlgorithm.Winograd)
            {
                var direct = (ResNetGen.Kernels.ConvolutionAlgorithm)KernelSchedule.ChooseDirect(c.InputShape.Channels, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups);
                double directMs = Time(c, geometry, direct, group.Key.Residual, spec.BatchSize);
                versus = $"  ({direct}: {directMs:F3} ms, {directMs / ms:F2}x)";
            }

            long opMacs = c.MultiplyAccumulates * spec.BatchSize;
            total += ms * group.Count();
            macs += opMacs * group.Count();
            string shape = $"{c.InputShape}→{c.OutputShape} k{c.Kernel} s{c.Stride} d{c.Dilation} g{c.Groups} {c.Algorithm}{(group.Key.Residual ? " +res" : string.Empty)}";
            Console.WriteLine($"{shape,-58} {group.Count(),5} {ms,8:F3} {2.0 * opMacs / ms / 1e6,8:F1}{versus}");
        }

        Console.WriteLine($"convolutions: {total:F1} ms, {2.0 * macs / total / 1e6:F1} GFLOP/s (direct-equivalent: Winograd layers counted at their direct multiply-accumulates)");
    }

    /// <summary>Median time of one call of the op's shape with <paramref name="algorithm"/>, on random weights.</summary>
    private static double Time(ConvolutionOp c, ConvolutionGeometry geometry, ResNetGen.Kernels.ConvolutionAlgorithm algorithm, bool residual, int batch)
    {
        var random = new Random(1);
        float[] weights = Enumerable.Range(0, c.OutputShape.Channels * (c.InputShape.Channels / c.Groups) * c.Kernel * c.Kernel).Select(_ => (float)random.NextDouble()).ToArray();
        bool winograd = algorithm == ResNetGen.Kernels.ConvolutionAlgorithm.Winograd;
        ConvolutionLayer layer = ConvolutionLayer.Create(weights, new float[c.OutputShape.Channels], c.OutputShape.Channels, c.InputShape.Channels / c.Groups, c.Kernel, c.Groups, winograd);
        float[] input = new float[c.InputShape.Length * batch];
        float[] output = new float[c.OutputShape.Length * batch];
        float[] shortcut = new float[output.Length];
        float[] workspace = new float[KernelSchedule.WorkspaceLength(
            (ResNetGen.Planning.ConvolutionAlgorithm)algorithm, batch, c.InputShape.Channels, c.OutputShape.Channels, c.OutputShape.Height, c.OutputShape.Width)];
        return Quick.MedianMilliseconds(
            () =>
            {
                if (residual)
                {
                    Convolution.Forward<BiasResidualRelu>(layer, geometry, algorithm, input, output, shortcut, workspace);
                }
                else
                {
                    Convolution.Forward<BiasRelu>(layer, geometry, algorithm, input, output, default, workspace);
                }
            },
            15);
    }
}
