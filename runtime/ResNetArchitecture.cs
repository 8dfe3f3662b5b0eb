using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Planning;

namespace ResNetGen;

/// <summary>
/// What a network's weights depend on: the block, the blocks per stage, the bottlenecks' groups and width, the classes,
/// the input channels, and whether <c>fc</c> is left out. The input size, the batch size and dilation leave no trace in
/// the weights. Every generated class has one (<c>X.Architecture</c>), and every <see cref="PretrainedWeights"/> names
/// the one its file fits.
/// </summary>
public sealed class ResNetArchitecture : IEquatable<ResNetArchitecture>
{
    private readonly int[] _layers;

    /// <summary>Describes an architecture as a <c>[ResNet]</c> declaration would.</summary>
    /// <param name="block">The residual block.</param>
    /// <param name="layers">Blocks per stage, four of them (torchvision's <c>layers</c>).</param>
    /// <param name="groups">Groups of each bottleneck's 3x3 convolution.</param>
    /// <param name="widthPerGroup">Bottleneck width per group.</param>
    /// <param name="numClasses">Outputs of <c>fc</c>.</param>
    /// <param name="inputChannels">Channels of the input.</param>
    /// <param name="headless">True when <c>fc</c> is <c>nn.Identity()</c> (no classifier weights).</param>
    /// <exception cref="ArgumentException">There are not four stages, or a count is below 1.</exception>
    public ResNetArchitecture(Block block, IReadOnlyList<int> layers, int groups = 1, int widthPerGroup = 64, int numClasses = 1000, int inputChannels = 3, bool headless = false)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count != 4 || layers.Any(depth => depth < 1))
        {
            throw new ArgumentException($"A ResNet has four stages of at least one block each, not [{string.Join(", ", layers)}].", nameof(layers));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthPerGroup, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        Block = block;
        _layers = [.. layers];
        Groups = groups;
        WidthPerGroup = widthPerGroup;
        NumClasses = numClasses;
        InputChannels = inputChannels;
        Headless = headless;
    }

    /// <summary>The residual block.</summary>
    public Block Block { get; }

    /// <summary>Blocks per stage.</summary>
    public IReadOnlyList<int> Layers => _layers;

    /// <summary>Groups of each bottleneck's 3x3 convolution.</summary>
    public int Groups { get; }

    /// <summary>Bottleneck width per group.</summary>
    public int WidthPerGroup { get; }

    /// <summary>Outputs of <c>fc</c> (for a headless network, the classes it would have; they are not used).</summary>
    public int NumClasses { get; }

    /// <summary>Channels of the input.</summary>
    public int InputChannels { get; }

    /// <summary>True when <c>fc</c> is <c>nn.Identity()</c>: the weights have no <c>fc.*</c> keys.</summary>
    public bool Headless { get; }

    /// <summary>Floats per image the global average pool gives: 512 for basic blocks, 2048 for bottlenecks.</summary>
    public int FeatureLength => Block == Block.Bottleneck ? 2048 : 512;

    /// <summary>The declaration, e.g. <c>[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]</c>, defaults left out.</summary>
    public override string ToString() =>
        PretrainedCatalogue.Declaration((BlockKind)Block, _layers, Groups, WidthPerGroup, NumClasses, InputChannels, Headless);

    /// <inheritdoc/>
    public bool Equals(ResNetArchitecture? other) =>
        other is not null && Block == other.Block && _layers.AsSpan().SequenceEqual(other._layers) && Groups == other.Groups
        && WidthPerGroup == other.WidthPerGroup && NumClasses == other.NumClasses && InputChannels == other.InputChannels && Headless == other.Headless;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ResNetArchitecture);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(Block, _layers[0], _layers[1], _layers[2], _layers[3], Groups, WidthPerGroup, HashCode.Combine(NumClasses, InputChannels, Headless));

    /// <summary>
    /// Why weights of this architecture cannot be loaded into <paramref name="network"/> (e.g. "stage depths 3, 4, 6, 3,
    /// not 2, 2, 2, 2"), or null when they can: the same block, stages, groups, width and input channels, and the same
    /// classes unless <paramref name="network"/> is headless (it then loads the weights without their <c>fc</c>).
    /// </summary>
    /// <param name="network">The architecture of the network that would load the weights.</param>
    public string? MisfitFor(ResNetArchitecture network)
    {
        ArgumentNullException.ThrowIfNull(network);
        ResNetSpec spec = ResNetSpec.Create((BlockKind)network.Block, network._layers) with
        {
            Groups = network.Groups,
            WidthPerGroup = network.WidthPerGroup,
            NumClasses = network.NumClasses,
            InputChannels = network.InputChannels,
            Headless = network.Headless,
        };
        return PretrainedCatalogue.Misfit((BlockKind)Block, _layers, Groups, WidthPerGroup, NumClasses, InputChannels, spec);
    }
}
