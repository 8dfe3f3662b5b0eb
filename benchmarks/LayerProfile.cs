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
            var random = new Random(1);
            float[] weights = Enumerable.Range(0, c.OutputShape.Channels * (c.InputShape.Channels / c.Groups) * c.Kernel * c.Kernel).Select(_ => (float)random.NextDouble()).ToArray();
            ConvolutionLayer layer = ConvolutionLayer.Create(weights, new float[c.OutputShape.Channels], c.OutputShape.Channels, c.InputShape.Channels / c.Groups, c.Kernel, c.Groups);
            var geometry = new ConvolutionGeometry(spec.BatchSize, c.InputShape.Channels, c.InputShape.Height, c.InputShape.Width, c.OutputShape.Channels, c.OutputShape.Height, c.OutputShape.Width, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups);
            float[] input = new float[c.InputShape.Length * spec.BatchSize];
            float[] output = new float[c.OutputShape.Length * spec.BatchSize];
            float[] residual = new float[output.Length];
            double ms = Quick.MedianMilliseconds(
                () =>
                {
                    if (group.Key.Residual)
                    {
                        Convolution.Forward<BiasResidualRelu>(layer, geometry, (ResNetGen.Kernels.ConvolutionAlgorithm)c.Algorithm, input, output, residual);
                    }
                    else
                    {
                        Convolution.Forward<BiasRelu>(layer, geometry, (ResNetGen.Kernels.ConvolutionAlgorithm)c.Algorithm, input, output, default);
                    }
                },
                15);
            long opMacs = c.MultiplyAccumulates * spec.BatchSize;
            total += ms * group.Count();
            macs += opMacs * group.Count();
            string shape = $"{c.InputShape}→{c.OutputShape} k{c.Kernel} s{c.Stride} d{c.Dilation} g{c.Groups} {c.Algorithm}{(group.Key.Residual ? " +res" : string.Empty)}";
            Console.WriteLine($"{shape,-58} {group.Count(),5} {ms,8:F3} {2.0 * opMacs / ms / 1e6,8:F1}");
        }

        Console.WriteLine($"convolutions: {total:F1} ms, {2.0 * macs / total / 1e6:F1} GFLOP/s");
    }
}
