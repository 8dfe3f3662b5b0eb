using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Planning;

namespace ResNetGen.Dynamic;

/// <summary>
/// The eager baseline's module tree, built from the graph as torchvision builds its own: the stem's modules, a
/// <see cref="Sequential"/> of blocks per stage (each block from the graph's explicit main path and shortcut), the pool and
/// the classifier. Batch norm, ReLU and the residual add stay separate passes, as in an eager framework.
/// </summary>
internal sealed class EagerGraph(StateDict weights) : IOpLowering<IEnumerable<Module>>
{
    /// <summary>The zero border the layout op writes for <c>conv1</c>; eager <c>conv1</c> pads for itself instead, as torchvision's does.</summary>
    private int _inputPadding;

    public static Module Build(NetworkGraph graph, StateDict weights)
    {
        var lowering = new EagerGraph(weights);
        var modules = new List<Module>();
        var blocks = new List<Module>();
        foreach (GraphSection section in graph.Sections)
        {
            if (section.Block is { } block)
            {
                blocks.Add(lowering.Block(block));
                continue;
            }

            if (blocks.Count > 0)
            {
                modules.Add(new Sequential(blocks.ToArray()));
                blocks.Clear();
            }

            modules.AddRange(section.Ops.SelectMany(op => op.Accept(lowering)));
        }

        return new Sequential(modules.ToArray());
    }

    public IEnumerable<Module> Convolution(ConvolutionOp op)
    {
        yield return Conv(op, op.Padding + _inputPadding);
        _inputPadding = 0;
        yield return new BatchNorm2d(weights, op.BatchNorm);
        if (op.Epilogue == ConvolutionEpilogue.BiasRelu)
        {
            yield return new ReLU();
        }
        else if (op.Epilogue == ConvolutionEpilogue.BiasResidualRelu)
        {
            throw new InvalidOperationException("'" + op.Module + "' adds a shortcut outside a residual block.");
        }
    }

    public IEnumerable<Module> ChannelsLast(ChannelsLastOp op)
    {
        // Forward converts the caller's input itself; the eager graph starts at conv1.
        _inputPadding = op.Padding;
        return Array.Empty<Module>();
    }

    public IEnumerable<Module> MaxPool(MaxPoolOp op) => new[] { new MaxPool2d(op.Kernel, op.Stride, op.Padding) };

    public IEnumerable<Module> GlobalAveragePool(GlobalAveragePoolOp op) => new[] { new AdaptiveAvgPool2d() };

    public IEnumerable<Module> Linear(LinearOp op) => new[] { new Linear(weights, op.Module) };

    private Module Block(GraphBlock block)
    {
        ConvolutionOp[] main = block.MainPath.ToArray();
        Module? shortcut = block.Shortcut is { } projection
            ? new Sequential(new Module[] { Conv(projection, projection.Padding), new BatchNorm2d(weights, projection.BatchNorm) })
            : null;
        return block.Kind == BlockKind.Basic
            ? new BasicBlock(Conv(main[0]), Norm(main[0]), Conv(main[1]), Norm(main[1])) { Downsample = shortcut }
            : new Bottleneck(Conv(main[0]), Norm(main[0]), Conv(main[1]), Norm(main[1]), Conv(main[2]), Norm(main[2])) { Downsample = shortcut };
    }

    private Conv2d Conv(ConvolutionOp op) => Conv(op, op.Padding);

    private Conv2d Conv(ConvolutionOp op, int padding) => new(weights, op.Module, op.Stride, padding, op.Dilation, op.Groups);

    private BatchNorm2d Norm(ConvolutionOp op) => new(weights, op.BatchNorm);
}
