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
    /// The generated code's CPU schedule (the same algorithms, live taps, workspaces, arena layout, and the same choice to
    /// run a batch one image at a time), its fused kernels and packed weights, reached through a list of step objects with
    /// virtual calls and shapes worked out at run time: what is left is the price of dynamic dispatch alone.
    /// </summary>
    Fused,
}

/// <summary>
/// A ResNet built at run time from the same graph and CPU schedule the generator computes at compile time. It exists as
/// the honest baseline for the generated networks: same weights, same answers (bit-identical in
/// <see cref="DynamicMode.Fused"/> mode, for every network and batch size, within rounding in <see cref="DynamicMode.Eager"/>
/// mode), different dispatch.
/// </summary>
public sealed class DynamicResNet
{
    private readonly CpuSchedule _schedule;
    private readonly Module? _eager;
    private readonly Step[]? _backbone;
    private readonly Step[]? _head;
    private readonly ArenaPool? _arenas;

    private DynamicResNet(CpuSchedule schedule, StateDict weights, DynamicMode mode)
    {
        _schedule = schedule;
        Mode = mode;
        Parameters = Entries(schedule.Graph);
        if (mode == DynamicMode.Eager)
        {
            _eager = EagerGraph.Build(schedule.Graph, weights);
        }
        else
        {
            var lowering = new StepLowering(schedule, weights);
            GraphOp[] ops = schedule.Graph.Ops.ToArray();
            _backbone = ops.Where(op => op is not (GlobalAveragePoolOp or LinearOp)).Select(op => op.Accept(lowering)).ToArray();
            _head = ops.Where(op => op is GlobalAveragePoolOp or LinearOp).Select(op => op.Accept(lowering)).ToArray();
            _arenas = new ArenaPool(schedule.ArenaLength);
        }
    }

    /// <summary>How this network runs.</summary>
    public DynamicMode Mode { get; }

    /// <summary>Every torchvision state_dict key with its shape, in torchvision's order.</summary>
    public IReadOnlyList<StateDictEntry> Parameters { get; }

    /// <summary>Floats in the input span (NCHW).</summary>
    public int InputLength => _schedule.Graph.InputLength;

    /// <summary>Floats in the output span.</summary>
    public int OutputLength => _schedule.Graph.OutputLength;

    /// <summary>Builds the network <paramref name="architecture"/> describes from a torchvision state_dict.</summary>
    /// <exception cref="ArgumentException">The architecture is invalid (the message says why, as the generator's diagnostics do).</exception>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape.</exception>
    public static DynamicResNet Create(ResNetAttribute architecture, StateDict weights, DynamicMode mode)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new DynamicResNet(Schedule(architecture), weights, mode);
    }

    /// <summary>Builds the network with torchvision's initialisation; the same seed gives the generated class's <c>CreateRandom</c> weights.</summary>
    public static DynamicResNet CreateRandom(ResNetAttribute architecture, int seed, DynamicMode mode)
    {
        CpuSchedule schedule = Schedule(architecture);
        return new DynamicResNet(schedule, StateDict.CreateRandom(Entries(schedule.Graph), seed, ResidualInitialisation.ZeroedWeights(schedule.Graph)), mode);
    }

    /// <summary>Runs the network: NCHW float32 in, logits out. Safe to call from several threads at once.</summary>
    /// <exception cref="ArgumentException">A span does not have the expected length.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardArguments.Validate(input.Length, InputLength, output.Length, OutputLength);
        if (_eager is not null)
        {
            ResNetSpec spec = _schedule.Graph.Spec;
            var image = new FeatureMap(spec.BatchSize, spec.InputChannels, spec.InputHeight, spec.InputWidth);
            Layout.ToChannelsLast(input, image.Data, spec.BatchSize, spec.InputChannels, spec.InputHeight, spec.InputWidth);
            _eager.Forward(image).Data.CopyTo(output);
            return;
        }

        Run(input, output, ticks: null);
    }

    /// <summary>The fused steps' names (the torchvision module each runs), for <see cref="ForwardProfiled"/>.</summary>
    internal string[] StepNames => _backbone!.Concat(_head!).Select(step => step.Name).ToArray();

    /// <summary>A fused forward pass that adds each step's elapsed Stopwatch ticks (over every image) to <paramref name="ticks"/>.</summary>
    internal void ForwardProfiled(ReadOnlySpan<float> input, Span<float> output, long[] ticks) => Run(input, output, ticks);

    /// <summary>
    /// Runs the steps as the generated entry point does: the whole batch through the backbone and the head, or, when the
    /// schedule runs one image at a time, each image through the backbone and the pool, then the classifier on them all.
    /// </summary>
    private void Run(ReadOnlySpan<float> input, Span<float> output, long[]? ticks)
    {
        float[] arena = _arenas!.Rent();
        try
        {
            var context = new StepContext(input, output, arena);
            if (!_schedule.ImageByImage)
            {
                RunSteps(ref context, _backbone!, ticks, 0);
                RunSteps(ref context, _head!, ticks, _backbone!.Length);
                return;
            }

            int imageLength = InputLength / _schedule.Graph.Spec.BatchSize;
            for (int image = 0; image < _schedule.Graph.Spec.BatchSize; image++)
            {
                context.Input = input.Slice(image * imageLength, imageLength);
                context.Image = image;
                RunSteps(ref context, _backbone!, ticks, 0);
                RunSteps(ref context, _head!.AsSpan(0, 1), ticks, _backbone!.Length);
            }

            RunSteps(ref context, _head!.AsSpan(1), ticks, _backbone!.Length + 1);
        }
        finally
        {
            _arenas.Return(arena);
        }
    }

    private static void RunSteps(ref StepContext context, ReadOnlySpan<Step> steps, long[]? ticks, int first)
    {
        for (int i = 0; i < steps.Length; i++)
        {
            long start = ticks is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            steps[i].Run(ref context);
            if (ticks is not null)
            {
                ticks[first + i] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            }
        }
    }

    private static StateDictEntry[] Entries(NetworkGraph graph) =>
        graph.StateDict.Select(t => new StateDictEntry(t.Name, (StateDictEntryKind)t.Role, t.Shape.ToArray())).ToArray();

    /// <summary>
    /// The CPU schedule of <paramref name="architecture"/>'s graph on a CPU of <paramref name="profile"/>
    /// (<see cref="CpuProfile.Current"/> if null): what a generated network built under that profile runs.
    /// </summary>
    /// <exception cref="ArgumentException">The architecture is invalid, or its arena would not fit in a span.</exception>
    internal static CpuSchedule Schedule(ResNetAttribute architecture, CpuProfile? profile = null)
    {
        NetworkGraph graph = Graph(architecture);
        return CpuSchedule.Create(graph, (profile ?? CpuProfile.Current).Tuning, out PlanError? error)
            ?? throw new ArgumentException("The network cannot be built: " + SpecValidator.Explain(error!, graph.Spec).Message + ".", nameof(architecture));
    }

    /// <summary>The graph of <paramref name="architecture"/>, as the generator plans it.</summary>
    /// <exception cref="ArgumentException">The architecture is invalid.</exception>
    internal static NetworkGraph Graph(ResNetAttribute architecture)
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
}
