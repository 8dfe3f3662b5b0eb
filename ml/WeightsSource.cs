using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ResNetGen.ML;

/// <summary>
/// Where a network's weights come from, as a saved ML.NET model records it: a reference, not the tensors. Its text form
/// (<see cref="ToString"/>, read back by <see cref="Parse"/>) is <c>file:/absolute/path.pth</c> for a torchvision
/// <c>state_dict</c> (<c>.pth</c> or <c>.safetensors</c>), <c>torchvision:NAME</c> for an entry of
/// <see cref="TorchvisionWeights"/> (downloaded once into torch.hub's cache and checked, then read from there), or
/// <c>random:SEED</c> for the network's <c>CreateRandom(SEED)</c>. The scheme names the kind of reference, so a new kind
/// is one more scheme, and models saved before it still read.
/// </summary>
public sealed class WeightsSource : IEquatable<WeightsSource>
{
    /// <summary>The scheme of a weight file.</summary>
    public const string FileScheme = "file";

    /// <summary>The scheme of seeded random weights.</summary>
    public const string RandomScheme = "random";

    /// <summary>The scheme of torchvision's published weights, by catalogue entry name.</summary>
    public const string TorchvisionScheme = "torchvision";

    private WeightsSource(string scheme, string value)
    {
        Scheme = scheme;
        Value = value;
    }

    /// <summary>The kind of reference: <see cref="FileScheme"/>, <see cref="TorchvisionScheme"/> or <see cref="RandomScheme"/>.</summary>
    public string Scheme { get; }

    /// <summary>What the scheme refers to: the absolute path of a file, a catalogue entry's name, or the seed in invariant digits.</summary>
    public string Value { get; }

    /// <summary>A torchvision <c>state_dict</c> file; the path is made absolute now, so a saved model finds it from any folder.</summary>
    /// <param name="path">A <c>.pth</c> (torch.save) or <c>.safetensors</c> file.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static WeightsSource File(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new WeightsSource(FileScheme, Path.GetFullPath(path));
    }

    /// <summary>
    /// torchvision's published weights: a catalogue entry (e.g. <see cref="TorchvisionWeights.ResNet50_ImageNet1kV2"/>),
    /// recorded by name, so a saved model downloads (or finds in torch.hub's cache) the same file wherever it is loaded.
    /// </summary>
    /// <param name="weights">An entry of <see cref="TorchvisionWeights"/>.</param>
    /// <exception cref="ArgumentException">The weights are not a catalogue entry (a mirror or a file of your own: download it and use <see cref="File"/>).</exception>
    public static WeightsSource Torchvision(PretrainedWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (TorchvisionWeights.All.FirstOrDefault(entry => ReferenceEquals(entry, weights)) is null)
        {
            throw new ArgumentException($"'{weights}' is not an entry of TorchvisionWeights; a saved model can name catalogue entries only. Download the file and use WeightsSource.File.", nameof(weights));
        }

        return new WeightsSource(TorchvisionScheme, weights.Name);
    }

    /// <summary>The network's <c>CreateRandom(seed)</c>: torchvision's initialisation, the same weights for the same seed.</summary>
    /// <param name="seed">The seed.</param>
    public static WeightsSource Random(int seed) => new(RandomScheme, seed.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads the text form written by <see cref="ToString"/>.</summary>
    /// <param name="text"><c>file:PATH</c>, <c>torchvision:NAME</c> or <c>random:SEED</c>.</param>
    /// <exception cref="FormatException">The text has no known scheme, or its value does not fit the scheme.</exception>
    public static WeightsSource Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string scheme = colon > 0 ? text[..colon] : "";
        string value = colon > 0 ? text[(colon + 1)..] : "";
        switch (scheme)
        {
            case FileScheme when value.Length > 0:
                return new WeightsSource(FileScheme, value);
            case RandomScheme when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed):
                return Random(seed);
            case TorchvisionScheme when TorchvisionWeights.Find(value) is { } entry:
                return Torchvision(entry);
            default:
                throw new FormatException(
                    $"'{text}' is not a weights reference: expected '{FileScheme}:PATH' (a .pth or .safetensors file), '{TorchvisionScheme}:NAME' (an entry of TorchvisionWeights) or '{RandomScheme}:SEED' (CreateRandom).");
        }
    }

    /// <summary>Creates the network these weights are for.</summary>
    /// <typeparam name="TNet">The <c>[ResNet]</c> class.</typeparam>
    /// <exception cref="WeightLoadException">The file is missing, damaged, or for another network.</exception>
    public TNet Open<TNet>()
        where TNet : class, IResNet<TNet> => Scheme switch
        {
            FileScheme => TNet.Load(Value),
            TorchvisionScheme => TNet.LoadPretrained(TorchvisionWeights.Find(Value)!),
            _ => TNet.CreateRandom(int.Parse(Value, CultureInfo.InvariantCulture)),
        };

    /// <summary>The text form: <c>file:/absolute/path</c>, <c>torchvision:NAME</c> or <c>random:SEED</c>.</summary>
    public override string ToString() => Scheme + ":" + Value;

    /// <inheritdoc/>
    public bool Equals(WeightsSource? other) => other is not null && other.Scheme == Scheme && other.Value == Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as WeightsSource);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Scheme, Value);
}
