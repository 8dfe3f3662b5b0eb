using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Ilgpu;
using ConvolutionGeometry = ResNetGen.Kernels.ConvolutionGeometry;
using ResNetGen.Planning;

namespace ResNetGen.GpuCheck;

/// <summary>
/// The timing pass: every convolution of a network's device schedule launched on its own through the kernels the generated
/// code calls (the same tile, split, live taps and epilogue), the device synchronised after each launch, the median of
/// several launches printed beside the cost model's lower bound for that convolution on the GPU it names.
/// </summary>
internal static class ConvolutionTimings
{
    public static void Print(Accelerator accelerator, ResNetAttribute architecture, IReadOnlyList<StateDictEntry> parameters, GpuModel model, int samples)
    {
        NetworkGraph graph = ResNetGen.Dynamic.DynamicResNet.Graph(architecture);
        DeviceSchedule schedule = DeviceSchedule.Create(graph, out _) ?? throw new InvalidOperationException("The device arena would not fit in a view.");
        StateDict weights = ResNetGen.Tests.Parity.ParityFormula.Weights(parameters);
        int batch = architecture.BatchSize;
        DeviceKernels kernels = DeviceKernels.For(accelerator);
        ConvolutionOp[] convolutions = graph.Ops.OfType<ConvolutionOp>().ToArray();
        long largest = convolutions.Max(c => Math.Max(c.InputShape.Length, c.OutputShape.Length * Math.Max(1, schedule.Of(c).KSplit))) * batch;
        using MemoryBuffer1D<float, Stride1D.Dense> source = accelerator.Allocate1D<float>(largest);
        using MemoryBuffer1D<float, Stride1D.Dense> destination = accelerator.Allocate1D<float>(largest);
        using MemoryBuffer1D<float, Stride1D.Dense> residual = accelerator.Allocate1D<float>(largest);
        using MemoryBuffer1D<float, Stride1D.Dense> partials = accelerator.Allocate1D<float>(largest);
        source.MemSetToZero();
        residual.MemSetToZero();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| convolution | tile, split | device µs (median of {samples}, synchronised per launch) | lower bound µs on {model.Name} | ratio |"));
        Console.WriteLine("| --- | --- | ---: | ---: | ---: |");
        double measured = 0, bound = 0;
        foreach (ConvolutionOp op in convolutions)
        {
            DeviceConvolution scheduled = schedule.Of(op);
            using DeviceConvolutionLayer layer = DeviceConvolutionLayer.Fold(accelerator, weights, op.Module, op.BatchNorm, op.Groups, scheduled.Taps.First, scheduled.Taps.Count);
            var geometry = new ConvolutionGeometry(
                batch, op.InputShape.Channels, op.InputShape.Height, op.InputShape.Width, op.OutputShape.Channels, op.OutputShape.Height, op.OutputShape.Width,
                scheduled.Taps.Count, op.Stride, scheduled.Taps.Padding, op.Dilation, op.Groups);
            var launch = new Launch(kernels, accelerator.DefaultStream, layer, geometry, source.View, destination.View, residual.View, scheduled.KSplit, partials.View);
            double microseconds = Median(() => launch.Run(scheduled.Tile.TypeName, op.Epilogue), accelerator.DefaultStream, samples);
            double lower = DeviceCost.Of(model, op, scheduled, batch).LowerBoundMicroseconds;
            measured += microseconds;
            bound += lower;
            string split = scheduled.KSplit == 1 ? "whole" : "K/" + scheduled.KSplit.ToString(CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {op.Module} | {scheduled.Tile.TypeName}, {split} | {microseconds:F1} | {lower:F1} | {microseconds / lower:F1} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| all {convolutions.Length} convolutions | | {measured / 1000:F2} ms | {bound / 1000:F2} ms | {measured / bound:F1} |"));
    }

    private static double Median(Action launch, AcceleratorStream stream, int samples)
    {
        launch();
        stream.Synchronize();
        var times = new List<double>();
        for (int i = 0; i < Math.Max(1, samples); i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            launch();
            stream.Synchronize();
            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1000);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>One convolution's launch with the tile and epilogue the schedule names, as the generated code spells them.</summary>
    private sealed record Launch(
        DeviceKernels Kernels, AcceleratorStream Stream, DeviceConvolutionLayer Layer, ConvolutionGeometry Geometry,
        ArrayView<float> Source, ArrayView<float> Destination, ArrayView<float> Residual, int Split, ArrayView<float> Partials)
    {
        public void Run(string tile, ConvolutionEpilogue epilogue)
        {
            switch (epilogue)
            {
                case ConvolutionEpilogue.Bias:
                    Run<Bias>(tile);
                    break;
                case ConvolutionEpilogue.BiasRelu:
                    Run<BiasRelu>(tile);
                    break;
                default:
                    Run<BiasResidualRelu>(tile);
                    break;
            }
        }

        private void Run<TEpilogue>(string tile)
            where TEpilogue : struct, IDeviceEpilogue
        {
            ArrayView<float> residual = default(TEpilogue).UsesResidual ? Residual : default;
            ArrayView<float> partials = Split > 1 ? Partials : default;
            switch (tile)
            {
                case nameof(Tile128x64x16):
                    Kernels.Convolution<TEpilogue, Tile128x64x16>(Stream, Layer, Geometry, Source, Destination, residual, Split, partials);
                    break;
                case nameof(Tile64x64x32):
                    Kernels.Convolution<TEpilogue, Tile64x64x32>(Stream, Layer, Geometry, Source, Destination, residual, Split, partials);
                    break;
                case nameof(Tile32x64x32):
                    Kernels.Convolution<TEpilogue, Tile32x64x32>(Stream, Layer, Geometry, Source, Destination, residual, Split, partials);
                    break;
                case nameof(Tile256x8x16):
                    Kernels.Convolution<TEpilogue, Tile256x8x16>(Stream, Layer, Geometry, Source, Destination, residual, Split, partials);
                    break;
                default:
                    throw new ArgumentException($"The schedule names the tile '{tile}', which the check does not know.", nameof(tile));
            }
        }
    }
}
