using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen;

/// <summary>
/// Named tensors in insertion order, like a torchvision <c>state_dict</c>. The input from which a generated network
/// prepares its layers.
/// </summary>
public sealed class StateDict : IReadOnlyCollection<KeyValuePair<string, Tensor>>
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    /// <summary>Where the tensors came from (a file name, or a description), used in error messages.</summary>
    public string Source { get; }

    /// <summary>Creates an empty state dict.</summary>
    /// <param name="source">Where the tensors come from, for error messages.</param>
    public StateDict(string source = "state_dict") => Source = source;

    /// <summary>Number of tensors.</summary>
    public int Count => _order.Count;

    /// <summary>The keys in insertion order.</summary>
    public IReadOnlyList<string> Keys => _order;

    /// <summary>Adds a tensor under a new key.</summary>
    /// <exception cref="ArgumentException">The key is already present.</exception>
    public void Add(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_tensors.TryAdd(name, tensor))
        {
            throw new ArgumentException($"{Source}: the key '{name}' appears twice.", nameof(name));
        }

        _order.Add(name);
    }

    /// <summary>Looks up a tensor by key.</summary>
    public bool TryGet(string name, out Tensor tensor) => _tensors.TryGetValue(name, out tensor!);

    /// <summary>The tensor under <paramref name="name"/>, of any shape.</summary>
    /// <exception cref="InvalidOperationException">The key is missing; the message names it.</exception>
    public Tensor Get(string name) =>
        _tensors.TryGetValue(name, out Tensor? tensor)
            ? tensor
            : throw new InvalidOperationException($"{Source}: the tensor '{name}' is missing.");

    /// <summary>The tensor under <paramref name="name"/>, which must have shape <paramref name="shape"/>.</summary>
    /// <exception cref="InvalidOperationException">The key is missing or its shape differs; the message names both.</exception>
    public Tensor Get(string name, int[] shape)
    {
        if (!_tensors.TryGetValue(name, out Tensor? tensor))
        {
            throw new InvalidOperationException($"{Source}: the tensor '{name}' is missing; expected shape {Tensor.FormatShape(shape)}.");
        }

        if (!tensor.HasShape(shape))
        {
            throw new InvalidOperationException(
                $"{Source}: the tensor '{name}' has shape {Tensor.FormatShape(tensor.Shape)}, expected {Tensor.FormatShape(shape)}.");
        }

        return tensor;
    }

    /// <summary>
    /// Creates every entry of <paramref name="entries"/> with torchvision's initialisation: convolutions
    /// Kaiming-normal with mode fan_out and ReLU gain, batch norm weight 1, bias 0, running mean 0, running variance 1,
    /// and <c>nn.Linear</c>'s default uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the classifier's weight and bias.
    /// </summary>
    /// <param name="entries">The network's manifest, e.g. a generated class's <c>Parameters</c>.</param>
    /// <param name="seed">The same seed gives the same tensors on every machine and .NET version.</param>
    public static StateDict CreateRandom(IReadOnlyList<StateDictEntry> entries, int seed) =>
        CreateRandom(entries, seed, Array.Empty<string>());

    /// <summary>
    /// Creates every entry of <paramref name="entries"/> as <see cref="CreateRandom(IReadOnlyList{StateDictEntry}, int)"/>
    /// does, except that the batch-norm weights named in <paramref name="zeroedWeights"/> start at 0 instead of 1: torchvision's
    /// <c>zero_init_residual=True</c>, where they are the last batch norm of every block. No random draw changes, so every
    /// other tensor equals the one the same seed gives without them.
    /// </summary>
    /// <param name="entries">The network's manifest, e.g. a generated class's <c>Parameters</c>.</param>
    /// <param name="seed">The same seed gives the same tensors on every machine and .NET version.</param>
    /// <param name="zeroedWeights">Keys of <see cref="StateDictEntryKind.BatchNormWeight"/> entries to start at 0.</param>
    /// <exception cref="ArgumentException">A name in <paramref name="zeroedWeights"/> is not a batch-norm weight of <paramref name="entries"/>.</exception>
    public static StateDict CreateRandom(IReadOnlyList<StateDictEntry> entries, int seed, IReadOnlyCollection<string> zeroedWeights)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(zeroedWeights);
        var zeroed = new HashSet<string>(zeroedWeights, StringComparer.Ordinal);
        foreach (string name in zeroed)
        {
            if (!entries.Any(e => e.Name == name && e.Kind == StateDictEntryKind.BatchNormWeight))
            {
                throw new ArgumentException($"'{name}' is not a batch-norm weight of this network, so it cannot start at zero.", nameof(zeroedWeights));
            }
        }

        var random = new SplitMix64((ulong)(uint)seed);
        var result = new StateDict($"CreateRandom({seed})");
        long linearFanIn = entries.FirstOrDefault(e => e.Kind == StateDictEntryKind.LinearWeight)?.Shape[1] ?? 1;
        foreach (StateDictEntry entry in entries)
        {
            var data = new float[entry.ElementCount];
            switch (entry.Kind)
            {
                case StateDictEntryKind.ConvolutionWeight:
                    double std = Math.Sqrt(2.0 / ((long)entry.Shape[0] * entry.Shape[2] * entry.Shape[3]));
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)(random.NextNormal() * std);
                    }

                    break;
                case StateDictEntryKind.BatchNormWeight when zeroed.Contains(entry.Name):
                    break;
                case StateDictEntryKind.BatchNormWeight:
                case StateDictEntryKind.BatchNormRunningVar:
                    Array.Fill(data, 1f);
                    break;
                case StateDictEntryKind.LinearWeight:
                case StateDictEntryKind.LinearBias:
                    double bound = 1.0 / Math.Sqrt(linearFanIn);
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)(((random.NextDouble() * 2) - 1) * bound);
                    }

                    break;
            }

            result.Add(entry.Name, new Tensor(entry.Shape.ToArray(), data));
        }

        return result;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() =>
        _order.Select(name => new KeyValuePair<string, Tensor>(name, _tensors[name])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
