using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResNetGen.Dynamic;
using ResNetGen.Kernels;
using ResNetGen.Planning;

namespace ResNetGen.Benchmarks;

/// <summary>
/// Where ResNetGen loses or wins against ONNX Runtime, op by op: ResNetGen's fused steps timed one by one (the kernels
/// the generated code calls) and ONNX Runtime's per-node profile, blocks of passes of the two taking turns, each op's median
/// over the passes, matched through the torchvision module names the ONNX export keeps in its node names.
/// </summary>
internal static class OnnxRuntimeProfile
{
    /// <summary>Blocks of passes each engine runs in turn.</summary>
    private const int Blocks = 3;

    /// <summary>Untimed passes at the start of each block.</summary>
    private const int WarmUp = 3;

    /// <summary>One op of ours and the time of the peer's nodes that compute the same torchvision module.</summary>
    private sealed record Row(string Module, string Kind, string Shape, string Algorithm, double Ours, double Peer, string PeerOps, long MultiplyAccumulates);

    /// <summary>
    /// One node of the peer's optimised graph: its name, op type, the torchvision module its name points to, for a
    /// convolution the weight's shape, and its time in each pass.
    /// </summary>
    private sealed record PeerNode(string Name, string Op, string Module, string? Weight, double[] Ms);

    public static void Run(Workload workload, int passes)
    {
        int threads = WorkerPool.Shared.ThreadCount;
        CpuSchedule plan = DynamicResNet.Schedule(workload.Architecture);
        GraphOp[] ops = plan.Graph.Ops.ToArray();
        DynamicResNet network = DynamicResNet.CreateRandom(workload.Architecture, PeerModels.Seed, DynamicMode.Fused);
        float[] input = PeerComparison.RandomInput(workload.InputLength);
        var output = new float[workload.OutputLength];
        network.Forward(input, output);

        string prefix = Path.Combine(PeerModels.Folder, $"profile-{workload.Name}-{Environment.ProcessId}");
        using var peer = new OnnxRuntimePeer(workload, threads, prefix);
        peer.CheckAgainst(workload, input, output);

        // The engines take turns in blocks, not pass by pass: each one's idle threads spin for a while after a call, and
        // on a machine with as many cores as threads the two engines' spinning workers would slow each other down.
        var ours = new double[ops.Length][];
        var total = new double[passes];
        for (int i = 0; i < ops.Length; i++)
        {
            ours[i] = new double[passes];
        }

        var counted = new List<bool> { false }; // the peer's first run was the check above
        double perTick = 1000.0 / Stopwatch.Frequency;
        var ticks = new long[ops.Length];
        int block = Math.Max(1, passes / Blocks);
        for (int first = 0; first < passes; first += block)
        {
            int last = Math.Min(passes, first + block);
            for (int pass = first - WarmUp; pass < last; pass++)
            {
                peer.Run();
                counted.Add(pass >= first);
            }

            for (int pass = first - WarmUp; pass < last; pass++)
            {
                Array.Clear(ticks);
                long start = Stopwatch.GetTimestamp();
                network.ForwardProfiled(input, output, ticks);
                if (pass >= first)
                {
                    total[pass] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    for (int i = 0; i < ops.Length; i++)
                    {
                        ours[i][pass] = ticks[i] * perTick;
                    }
                }
            }
        }

        string profile = peer.EndProfiling();
        (List<PeerNode> nodes, double[] peerRuns) = ReadProfile(profile, counted);
        if (Environment.GetEnvironmentVariable("RESNETGEN_KEEP_PROFILE") is null)
        {
            File.Delete(profile);
        }
        else
        {
            Console.WriteLine($"ONNX Runtime's profile: {profile}");
        }

        var rows = new List<Row>();
        for (int i = 0; i < ops.Length; i++)
        {
            GraphOp op = ops[i];
            PeerNode? match = nodes.FirstOrDefault(n => Matches(op, n));
            double peerMs = 0;
            if (match is not null)
            {
                nodes.Remove(match);
                peerMs = Median(match.Ms);
            }

            rows.Add(new Row(op.Module, Kind(op), $"{op.InputShape}→{op.OutputShape}", op is ConvolutionOp c ? plan.Of(c).Algorithm.ToString() : string.Empty, Median(ours[i]), peerMs, match?.Op ?? string.Empty, op.MultiplyAccumulates * workload.BatchSize));
        }

        // The peer's nodes with no op of ours: layout changes (NCHWc reorders) and a flatten.
        foreach (PeerNode node in nodes)
        {
            rows.Add(new Row(node.Name, "peer only", string.Empty, string.Empty, 0, Median(node.Ms), node.Op, 0));
        }

        Print(workload, threads, rows, Median(total), Median(peerRuns), passes);
    }

    /// <summary>
    /// Whether the peer's node computes <paramref name="op"/>. The optimiser names a fused convolution after the
    /// tensor it writes (often a ReLU's), so a convolution matches the first unmatched node of its residual block with
    /// its weight shape (execution order settles blocks whose two convolutions have the same shape); other ops match
    /// by module.
    /// </summary>
    private static bool Matches(GraphOp op, PeerNode node) => op is ConvolutionOp c
        ? node.Weight == $"{c.OutputShape.Channels}x{c.InputShape.Channels / c.Groups}x{c.Kernel}x{c.Kernel}" && Block(node.Module) == Block(c.Module)
        : node.Weight is null && node.Module == op.Module;

    /// <summary>The residual block a module belongs to (<c>layer2.0</c>), or the empty string for the stem and head.</summary>
    private static string Block(string module)
    {
        string[] parts = module.Split('.');
        return parts.Length >= 2 && parts[0].StartsWith("layer", StringComparison.Ordinal) ? parts[0] + "." + parts[1] : string.Empty;
    }

    /// <summary>The op's kind, as the summary groups it: the stem, 3x3 by stride, 1x1 by role, and the rest by type.</summary>
    private static string Kind(GraphOp op) => op switch
    {
        ConvolutionOp { Kernel: 7 } => "conv 7x7 stem",
        ConvolutionOp { Kernel: 3, Stride: 1 } => "conv 3x3 s1",
        ConvolutionOp { Kernel: 3 } => "conv 3x3 s2",
        ConvolutionOp c when c.Module.EndsWith("downsample.0", StringComparison.Ordinal) => "conv 1x1 downsample",
        ConvolutionOp { Residual: >= 0 } => "conv 1x1 expand +res",
        ConvolutionOp => "conv 1x1 reduce",
        ChannelsLastOp => "layout",
        MaxPoolOp => "maxpool",
        GlobalAveragePoolOp => "avgpool",
        LinearOp => "fc",
        _ => op.GetType().Name,
    };

    /// <summary>
    /// The peer's nodes in the order they first ran, each with its times in milliseconds in the runs
    /// <paramref name="counted"/> marks (every node runs once per run), and those whole runs.
    /// </summary>
    private static (List<PeerNode> Nodes, double[] Runs) ReadProfile(string path, List<bool> counted)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(path));
        var order = new List<string>();
        var nodes = new Dictionary<string, (string Op, string? Weight, List<double> Ms)>(StringComparer.Ordinal);
        var runs = new List<double>();
        foreach (JsonElement e in json.RootElement.EnumerateArray())
        {
            string name = e.GetProperty("name").GetString()!;
            string category = e.GetProperty("cat").GetString()!;
            double ms = e.GetProperty("dur").GetDouble() / 1000;
            if (category == "Session" && name == "model_run")
            {
                runs.Add(ms);
            }
            else if (category == "Node" && name.EndsWith("_kernel_time", StringComparison.Ordinal))
            {
                string node = name[..^"_kernel_time".Length];
                if (!nodes.TryGetValue(node, out var entry))
                {
                    JsonElement args = e.GetProperty("args");
                    string op = args.GetProperty("op_name").GetString()!;
                    nodes[node] = entry = (op, op == "Conv" ? WeightShape(args) : null, new List<double>());
                    order.Add(node);
                }

                entry.Ms.Add(ms);
            }
        }

        List<PeerNode> list = order.Select(n => new PeerNode(n, nodes[n].Op, ModuleOf(n), nodes[n].Weight, Counted(nodes[n].Ms, counted))).ToList();
        return (list, Counted(runs, counted));
    }

    private static double[] Counted(List<double> times, List<bool> counted) =>
        times.Where((_, run) => run < counted.Count && counted[run]).ToArray();

    /// <summary>A convolution node's second input, its weight, as <c>OxIxKxK</c>.</summary>
    private static string WeightShape(JsonElement args) =>
        string.Join('x', args.GetProperty("input_type_shape")[1].EnumerateObject().First().Value.EnumerateArray().Select(d => d.GetInt64()));

    /// <summary>
    /// The torchvision module of an exported node: its scope path without the op, where a scope that extends the one
    /// before it replaces it (<c>/layer1/layer1.0/downsample/downsample.0/Conv</c> is <c>layer1.0.downsample.0</c>).
    /// Nodes the optimiser made without a scope (layout reorders) map to the empty string.
    /// </summary>
    private static string ModuleOf(string node)
    {
        string[] scopes = node.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = new List<string>();
        foreach (string scope in scopes.Take(scopes.Length - 1))
        {
            if (path.Count > 0 && scope.StartsWith(path[^1] + ".", StringComparison.Ordinal))
            {
                path[^1] = scope;
            }
            else
            {
                path.Add(scope);
            }
        }

        return string.Join('.', path);
    }

    private static void Print(Workload workload, int threads, List<Row> rows, double ours, double peer, int passes)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"{workload.Name}, {threads} threads, kernels on {KernelSettings.InstructionSet}; {passes} passes of each engine, in {Blocks} blocks taking turns, medians per op");
        Console.WriteLine(string.Create(invariant, $"whole pass: ResNetGen {ours:F2} ms (step timing on), ONNX Runtime {peer:F2} ms (profiling on), ratio {ours / peer:F2}"));
        Console.WriteLine();
        Console.WriteLine("| module | kind | shape | our algorithm | ResNetGen ms | ONNX Runtime ms | ratio | difference ms | ONNX Runtime ops |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (Row r in rows)
        {
            Console.WriteLine(string.Create(invariant, $"| {r.Module} | {r.Kind} | {r.Shape} | {r.Algorithm} | {r.Ours:F3} | {r.Peer:F3} | {Ratio(r.Ours, r.Peer)} | {r.Ours - r.Peer:+0.000;-0.000} | {r.PeerOps} |"));
        }

        Console.WriteLine();
        Console.WriteLine("By kind:");
        Console.WriteLine("| kind | ops | ResNetGen ms | ONNX Runtime ms | ratio | difference ms | GFLOP/s ResNetGen, ONNX Runtime (direct multiply-accumulates) |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var kind in rows.GroupBy(r => r.Kind).OrderByDescending(g => g.Sum(r => r.Ours - r.Peer)))
        {
            double a = kind.Sum(r => r.Ours), b = kind.Sum(r => r.Peer);
            long macs = kind.Sum(r => r.MultiplyAccumulates);
            string rates = macs > 0 ? string.Create(invariant, $"{2.0 * macs / a / 1e6:F0}, {2.0 * macs / b / 1e6:F0}") : string.Empty;
            Console.WriteLine(string.Create(invariant, $"| {kind.Key} | {kind.Count()} | {a:F2} | {b:F2} | {Ratio(a, b)} | {a - b:+0.00;-0.00} | {rates} |"));
        }

        Console.WriteLine();
        Console.WriteLine("By stage:");
        Console.WriteLine("| stage | ResNetGen ms | ONNX Runtime ms | ratio | difference ms |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var stage in rows.GroupBy(r => r.Module.StartsWith("layer", StringComparison.Ordinal) ? r.Module[..6] : r.Kind == "peer only" ? "peer only" : "stem and head"))
        {
            double a = stage.Sum(r => r.Ours), b = stage.Sum(r => r.Peer);
            Console.WriteLine(string.Create(invariant, $"| {stage.Key} | {a:F2} | {b:F2} | {Ratio(a, b)} | {a - b:+0.00;-0.00} |"));
        }

        double sumOurs = rows.Sum(r => r.Ours), sumPeer = rows.Sum(r => r.Peer);
        Console.WriteLine(string.Create(invariant, $"sum of ops: ResNetGen {sumOurs:F2} ms, ONNX Runtime {sumPeer:F2} ms (the rest of a pass is dispatch and timing)"));
    }

    private static string Ratio(double ours, double peer) =>
        peer > 0 ? (ours / peer).ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        double[] sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
