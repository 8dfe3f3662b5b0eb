using System;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Dynamic;
using ResNetGen.Ilgpu;
using ResNetGen.Planning;

namespace ResNetGen.Tests.Accelerators;

/// <summary>
/// Drives the device runtime from a <see cref="NetworkPlan"/> at run time, making for each op exactly the call the
/// generated <c>X.Accelerated</c> makes with literals: the same layers, launch methods, arena offsets and epilogues.
/// </summary>
internal sealed class PlanWalkerNetwork : AcceleratedNetwork
{
    private readonly PlanOp[] _ops;
    private readonly PlannedBuffer[] _buffers;
    private readonly DeviceConvolutionLayer?[] _convolutions;
    private readonly DeviceLinearLayer? _classifier;

    private PlanWalkerNetwork(Accelerator accelerator, NetworkPlan plan, StateDict weights)
        : base(accelerator, plan.Spec.BatchSize, plan.InputLength / plan.Spec.BatchSize, plan.OutputLength / plan.Spec.BatchSize, plan.ArenaLength)
    {
        _ops = plan.Sections.SelectMany(s => s.Ops).ToArray();
        _buffers = plan.Buffers.ToArray();
        _convolutions = new DeviceConvolutionLayer?[_ops.Length];
        try
        {
            for (int i = 0; i < _ops.Length; i++)
            {
                switch (_ops[i])
                {
                    case ConvolutionOp conv:
                        _convolutions[i] = FoldConvolution(weights, conv.Module, conv.BatchNorm, conv.Groups);
                        break;
                    case LinearOp linear:
                        _classifier = CreateLinear(weights, linear.Module);
                        break;
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>As the generated <c>OnAccelerator</c>: binds the weights strictly to the plan's state_dict, then uploads them.</summary>
    public static PlanWalkerNetwork OnAccelerator(Accelerator accelerator, ResNetAttribute architecture, StateDict weights)
    {
        NetworkPlan plan = DynamicResNet.Plan(architecture);
        StateDict bound = StateDictLoader.Bind(weights, Entries(plan));
        return new PlanWalkerNetwork(accelerator, plan, bound);
    }

    public static StateDictEntry[] Entries(NetworkPlan plan) =>
        plan.StateDict.Select(t => new StateDictEntry(t.Name, (StateDictEntryKind)t.Role, t.Shape.ToArray())).ToArray();

    protected override void Run(DeviceArena arena, ArrayView<float> input, ArrayView<float> output, int images)
    {
        for (int i = 0; i < _ops.Length; i++)
        {
            PlanOp op = _ops[i];
            ArrayView<float> source = View(op.Source, arena, input, output);
            ArrayView<float> destination = View(op.Destination, arena, input, output);
            switch (op)
            {
                case ChannelsLastOp layout:
                    Kernels.ToChannelsLast(arena.Stream, source, destination, images, op.InputShape.Channels, op.InputShape.Height, op.InputShape.Width, layout.Padding);
                    break;
                case ConvolutionOp conv:
                    var geometry = new ResNetGen.Kernels.ConvolutionGeometry(
                        images, conv.InputShape.Channels, conv.InputShape.Height, conv.InputShape.Width, conv.OutputShape.Channels, conv.OutputShape.Height, conv.OutputShape.Width,
                        conv.Kernel, conv.Stride, conv.Padding, conv.Dilation, conv.Groups);
                    DeviceConvolutionLayer layer = _convolutions[i]!;
                    if (conv.Residual >= 0)
                    {
                        Kernels.Convolution<BiasResidualRelu>(arena.Stream, layer, geometry, source, destination, View(conv.Residual, arena, input, output));
                    }
                    else if (conv.Relu)
                    {
                        Kernels.Convolution<BiasRelu>(arena.Stream, layer, geometry, source, destination, default);
                    }
                    else
                    {
                        Kernels.Convolution<Bias>(arena.Stream, layer, geometry, source, destination, default);
                    }

                    break;
                case MaxPoolOp pool:
                    Kernels.MaxPool(arena.Stream, source, destination, images, pool.InputShape.Channels, pool.InputShape.Height, pool.InputShape.Width, pool.OutputShape.Height, pool.OutputShape.Width, pool.Kernel, pool.Stride, pool.Padding);
                    break;
                case GlobalAveragePoolOp:
                    Kernels.GlobalAveragePool(arena.Stream, source, destination, images, op.InputShape.Channels, op.InputShape.Height, op.InputShape.Width);
                    break;
                case LinearOp:
                    Kernels.Linear(arena.Stream, _classifier!, source, destination, images, op.InputShape.Channels, op.OutputShape.Channels);
                    break;
                default:
                    throw new InvalidOperationException($"No device launch for the op {op.GetType().Name} ('{op.Module}').");
            }
        }
    }

    private ArrayView<float> View(int buffer, DeviceArena arena, ArrayView<float> input, ArrayView<float> output)
    {
        PlannedBuffer planned = _buffers[buffer];
        return planned.Location switch
        {
            BufferLocation.Input => input,
            BufferLocation.Output => output,
            _ => arena.Slice((int)planned.Offset, (int)planned.Length),
        };
    }
}
