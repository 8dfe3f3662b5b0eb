using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Kernels;
using ResNetGen.Planning;

namespace ResNetGen.Dynamic;

/// <summary>How <see cref="DynamicResNet"/> runs.</summary>
public enum DynamicMode
{
    /// <summary>
    /// As an eager framework would: one module per torchvision module, batch norm, ReLU and the residual add as
    /// separate passes, and a new feature map for every module output.
    /// </summary>
    Eager,

    /// <summary>
    /// The generated code's fused kernels, packed weights and planned arena, reached through a list of step objects
    /// with virtual calls and shapes worked out at run time: what is left is the price of dynamic dispatch alone.
    /// </summary>
    Fused,
}

/// <summary>
/// A ResNet built at run time from the same planner the generator runs at compile time. It exists as the honest
/// baseline for the generated networks: same weights, same answers (bit-identical in <see cref="DynamicMode.Fused"/>
/// mode, within rounding in <see cref="DynamicMode.Eager"/> mode), different dispatch.
/// </summary>
public sealed class DynamicResNet
{
    private readonly NetworkPlan _plan;
    private readonly Module? _eager;
    private readonly Step[]? _steps;
    private readonly ArenaPool? _arenas;

    private DynamicResNet(NetworkPlan plan, StateDict weights, DynamicMode mode)
    {
        _plan = plan;
        Mode = mode;
        Parameters = plan.StateDict.Select(t => new StateDictEntry(t.Name, (StateDictEntryKind)t.Role, t.Shape.ToArray())).ToArray();
        if (mode == DynamicMode.Eager)
        {
            _eager = BuildModules(plan, weights);
        }
        else
        {
            _steps = plan.Sections.SelectMany(s => s.Ops).Select(op => Step.Create(op, weights, plan)).ToArray();
            _arenas = new ArenaPool(plan.ArenaLength);
        }
    }

    /// <summary>How this network runs.</summary>
    public DynamicMode Mode { get; }

    /// <summary>Every torchvision state_dict key with its shape, in torchvision's order.</summary>
    public IReadOnlyList<StateDictEntry> Parameters { get; }

    /// <summary>Floats in the input span (NCHW).</summary>
    public int InputLength => _plan.InputLength;

    /// <summary>Floats in the output span.</summary>
    public int OutputLength => _plan.OutputLength;

    /// <summary>Builds the network <paramref name="architecture"/> describes from a torchvision state_dict.</summary>
    /// <exception cref="ArgumentException">The architecture is invalid (the message says why, as the generator's diagnostics do).</exception>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape.</exception>
    public static DynamicResNet Create(ResNetAttribute architecture, StateDict weights, DynamicMode mode)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new DynamicResNet(Plan(architecture), weights, mode);
    }

    /// <summary>Builds the network with torchvision's initialisation; the same seed gives the generated class's <c>CreateRandom</c> weights.</summary>
    public static DynamicResNet CreateRandom(ResNetAttribute architecture, int seed, DynamicMode mode)
    {
        NetworkPlan plan = Plan(architecture);
        var entries = plan.StateDict.Select(t => new StateDictEntry(t.Name, (StateDictEntryKind)t.Role, t.Shape.ToArray())).ToArray();
        return new DynamicResNet(plan, StateDict.CreateRandom(entries, seed, ResidualInitialisation.ZeroedWeights(plan)), mode);
    }

    /// <summary>Runs the network: NCHW float32 in, logits out. Safe to call from several threads at once.</summary>
    /// <exception cref="ArgumentException">A span does not have the expected length.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardArguments.Validate(input.Length, InputLength, output.Length, OutputLength);
        if (_eager is not null)
        {
            ResNetSpec spec = _plan.Spec;
            var image = new FeatureMap(spec.BatchSize, spec.InputChannels, spec.InputHeight, spec.InputWidth);
            Layout.ToChannelsLast(input, image.Data, spec.BatchSize, spec.InputChannels, spec.InputHeight, spec.InputWidth);
            _eager.Forward(image).Data.CopyTo(output);
            return;
        }

        float[] arena = _arenas!.Rent();
        try
        {
            var context = new StepContext(input, output, arena);
            foreach (Step step in _steps!)
            {
                step.Run(ref context);
            }
        }
        finally
        {
            _arenas.Return(arena);
        }
    }

    /// <summary>The fused steps' names (the torchvision module each runs), for <see cref="ForwardProfiled"/>.</summary>
    internal string[] StepNames => _plan.Sections.SelectMany(s => s.Ops).Select(op => op.Module + " " + op.GetType().Name.Replace("Op", string.Empty, StringComparison.Ordinal)).ToArray();

    /// <summary>A fused forward pass that adds each step's elapsed Stopwatch ticks to <paramref name="ticks"/>.</summary>
    internal void ForwardProfiled(ReadOnlySpan<float> input, Span<float> output, long[] ticks)
    {
        float[] arena = _arenas!.Rent();
        try
        {
            var context = new StepContext(input, output, arena);
            for (int i = 0; i < _steps!.Length; i++)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                _steps[i].Run(ref context);
                ticks[i] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            }
        }
        finally
        {
            _arenas.Return(arena);
        }
    }

    internal static NetworkPlan Plan(ResNetAttribute architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var spec = new ResNetSpec(
            (BlockKind)architecture.Block,
            new EquatableArray<int>(architecture.Layers ?? Array.Empty<int>()),
            architecture.NumClasses,
            architecture.InputChannels,
            architecture.InputHeight,
            architecture.InputWidth,
            architecture.BatchSize,
            architecture.Groups,
            architecture.WidthPerGroup,
            new EquatableArray<bool>(architecture.ReplaceStrideWithDilation ?? new bool[3]),
            architecture.Headless,
            architecture.ZeroInitResidual);
        IReadOnlyList<SpecFinding> findings = SpecValidator.Validate(spec);
        if (findings.Count > 0)
        {
            throw new ArgumentException("The architecture is invalid: " + string.Join("; ", findings.Select(f => f.Message)) + ".", nameof(architecture));
        }

        return Planner.Plan(spec, out PlanError? error)
            ?? throw new ArgumentException("The network cannot be built: " + SpecValidator.Explain(error!, spec).Message + ".", nameof(architecture));
    }

    /// <summary>torchvision's module tree, from the plan's sections: stem, the blocks of layer1..layer4, pool, classifier.</summary>
    private static Module BuildModules(NetworkPlan plan, StateDict weights)
    {
        var modules = new List<Module>();
        var blocks = new List<Module>();
        foreach (PlanSection section in plan.Sections)
        {
            ConvolutionOp[] convolutions = section.Ops.OfType<ConvolutionOp>().ToArray();
            if (convolutions.Length > 1)
            {
                blocks.Add(Block(convolutions, weights, plan.Spec.Block));
                continue;
            }

            if (blocks.Count > 0)
            {
                modules.Add(new Sequential(blocks.ToArray()));
                blocks.Clear();
            }

            foreach (PlanOp op in section.Ops)
            {
                switch (op)
                {
                    case ConvolutionOp conv1:
                        // Eager conv1 pads for itself, as torchvision's does.
                        modules.Add(new Conv2d(weights, conv1.Module, conv1.Stride, 3, conv1.Dilation, conv1.Groups));
                        modules.Add(new BatchNorm2d(weights, conv1.BatchNorm));
                        modules.Add(new ReLU());
                        break;
                    case MaxPoolOp pool:
                        modules.Add(new MaxPool2d(pool.Kernel, pool.Stride, pool.Padding));
                        break;
                    case GlobalAveragePoolOp:
                        modules.Add(new AdaptiveAvgPool2d());
                        break;
                    case LinearOp fc:
                        modules.Add(new Linear(weights, fc.Module));
                        break;
                    case ChannelsLastOp:
                        // Forward converts the caller's input itself; the eager graph starts at conv1.
                        break;
                    default:
                        throw new NotSupportedException("The eager graph has no module for the plan op " + op.GetType().Name + " (" + op.Module + ").");
                }
            }
        }

        return new Sequential(modules.ToArray());
    }

    private static Module Block(ConvolutionOp[] convolutions, StateDict weights, BlockKind kind)
    {
        Conv2d Conv(ConvolutionOp op) => new(weights, op.Module, op.Stride, op.Padding, op.Dilation, op.Groups);
        BatchNorm2d Norm(ConvolutionOp op) => new(weights, op.BatchNorm);
        ConvolutionOp? downsample = convolutions.SingleOrDefault(c => c.Module.EndsWith(".downsample.0", StringComparison.Ordinal));
        ConvolutionOp[] main = convolutions.Where(c => c != downsample).ToArray();
        Module? shortcut = downsample is null ? null : new Sequential(new Module[] { Conv(downsample), Norm(downsample) });
        return kind == BlockKind.Basic
            ? new BasicBlock(Conv(main[0]), Norm(main[0]), Conv(main[1]), Norm(main[1])) { Downsample = shortcut }
            : new Bottleneck(Conv(main[0]), Norm(main[0]), Conv(main[1]), Norm(main[1]), Conv(main[2]), Norm(main[2])) { Downsample = shortcut };
    }
}
