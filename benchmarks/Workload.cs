using System;
using System.Collections.Generic;
using ResNetGen.Dynamic;

namespace ResNetGen.Benchmarks;

/// <summary>One network configuration: its generated class, behind delegates, and the attribute that describes it.</summary>
public sealed record Workload(
    string Name,
    ResNetAttribute Architecture,
    int InputLength,
    int OutputLength,
    long MultiplyAccumulates,
    IReadOnlyList<StateDictEntry> Parameters,
    Func<int, Action<float[], float[]>> CreateGenerated)
{
    public int BatchSize => Architecture.BatchSize;

    /// <summary>The torchvision model name, e.g. <c>resnet50</c>: the part of <see cref="Name"/> before the input size.</summary>
    public string Model => Name[..Name.IndexOf('-', StringComparison.Ordinal)];

    /// <summary>The input's shape, NCHW.</summary>
    public int[] InputShape => new[] { BatchSize, Architecture.InputChannels, Architecture.InputHeight, Architecture.InputWidth };

    /// <summary>The logits' shape, batch by classes.</summary>
    public int[] OutputShape => new[] { BatchSize, Architecture.NumClasses };

    /// <summary>The state_dict behind <c>CreateGenerated(seed)</c>: the same tensors the generated class's <c>CreateRandom(seed)</c> binds.</summary>
    public StateDict CreateWeights(int seed) => StateDict.CreateRandom(Parameters, seed);

    public Action<float[], float[]> CreateDynamic(DynamicMode mode, int seed)
    {
        DynamicResNet network = DynamicResNet.CreateRandom(Architecture, seed, mode);
        return (input, output) => network.Forward(input, output);
    }

    public override string ToString() => Name;

    public static IReadOnlyDictionary<string, Workload> All { get; } = new Dictionary<string, Workload>
    {
        ["resnet50-224-b1"] = new("resnet50-224-b1", new(Block.Bottleneck, 3, 4, 6, 3), ResNet50.InputLength, ResNet50.OutputLength, ResNet50.MultiplyAccumulates, ResNet50.Parameters, Bind(ResNet50.CreateRandom, n => n.Forward)),
        ["resnet50-224-b8"] = new("resnet50-224-b8", new(Block.Bottleneck, 3, 4, 6, 3) { BatchSize = 8 }, ResNet50Batch8.InputLength, ResNet50Batch8.OutputLength, ResNet50Batch8.MultiplyAccumulates, ResNet50Batch8.Parameters, Bind(ResNet50Batch8.CreateRandom, n => n.Forward)),
        ["resnet50-32-b1"] = new("resnet50-32-b1", new(Block.Bottleneck, 3, 4, 6, 3) { InputHeight = 32, InputWidth = 32 }, ResNet50At32.InputLength, ResNet50At32.OutputLength, ResNet50At32.MultiplyAccumulates, ResNet50At32.Parameters, Bind(ResNet50At32.CreateRandom, n => n.Forward)),
        ["resnet50-32-b8"] = new("resnet50-32-b8", new(Block.Bottleneck, 3, 4, 6, 3) { InputHeight = 32, InputWidth = 32, BatchSize = 8 }, ResNet50At32Batch8.InputLength, ResNet50At32Batch8.OutputLength, ResNet50At32Batch8.MultiplyAccumulates, ResNet50At32Batch8.Parameters, Bind(ResNet50At32Batch8.CreateRandom, n => n.Forward)),
        ["resnet18-224-b1"] = new("resnet18-224-b1", new(Block.Basic, 2, 2, 2, 2), ResNet18.InputLength, ResNet18.OutputLength, ResNet18.MultiplyAccumulates, ResNet18.Parameters, Bind(ResNet18.CreateRandom, n => n.Forward)),
        ["resnet18-224-b8"] = new("resnet18-224-b8", new(Block.Basic, 2, 2, 2, 2) { BatchSize = 8 }, ResNet18Batch8.InputLength, ResNet18Batch8.OutputLength, ResNet18Batch8.MultiplyAccumulates, ResNet18Batch8.Parameters, Bind(ResNet18Batch8.CreateRandom, n => n.Forward)),
        ["resnet18-32-b1"] = new("resnet18-32-b1", new(Block.Basic, 2, 2, 2, 2) { InputHeight = 32, InputWidth = 32 }, ResNet18At32.InputLength, ResNet18At32.OutputLength, ResNet18At32.MultiplyAccumulates, ResNet18At32.Parameters, Bind(ResNet18At32.CreateRandom, n => n.Forward)),
        ["resnet18-32-b8"] = new("resnet18-32-b8", new(Block.Basic, 2, 2, 2, 2) { InputHeight = 32, InputWidth = 32, BatchSize = 8 }, ResNet18At32Batch8.InputLength, ResNet18At32Batch8.OutputLength, ResNet18At32Batch8.MultiplyAccumulates, ResNet18At32Batch8.Parameters, Bind(ResNet18At32Batch8.CreateRandom, n => n.Forward)),
        ["small-32-b1"] = new("small-32-b1", new(Block.Basic, 1, 1, 1, 1) { InputHeight = 32, InputWidth = 32, NumClasses = 10 }, SmallResNet.InputLength, SmallResNet.OutputLength, SmallResNet.MultiplyAccumulates, SmallResNet.Parameters, Bind(SmallResNet.CreateRandom, n => n.Forward)),
    };

    private delegate void ForwardMethod(ReadOnlySpan<float> input, Span<float> output);

    private static Func<int, Action<float[], float[]>> Bind<T>(Func<int, T> create, Func<T, ForwardMethod> forward) =>
        seed =>
        {
            ForwardMethod run = forward(create(seed));
            return (input, output) => run(input, output);
        };
}
