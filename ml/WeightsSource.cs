using System;
using System.Globalization;
using System.IO;

namespace ResNetGen.ML;

/// <summary>
/// Where a network's weights come from, as a saved ML.NET model records it: a reference, not the tensors. Its text form
/// (<see cref="ToString"/>, read back by <see cref="Parse"/>) is <c>file:/absolute/path.pth</c> for a torchvision
/// <c>state_dict</c> (<c>.pth</c> or <c>.safetensors</c>) or <c>random:SEED</c> for the network's
/// <c>CreateRandom(SEED)</c>. The scheme names the kind of reference, so a later kind (a catalogue entry's name, say)
/// is one more scheme, and models saved before it still read.
/// </summary>
public sealed class WeightsSource : IEquatable<WeightsSource>
{
    /// <summary>The scheme of a weight file.</summary>
    public const string FileScheme = "file";

    /// <summary>The scheme of seeded random weights.</summary>
    public const string RandomScheme = "random";

    private WeightsSource(string scheme, string value)
    {
        Scheme = scheme;
        Value = value;
    }

    /// <summary>The kind of reference: <see cref="FileScheme"/> or <see cref="RandomScheme"/>.</summary>
    public string Scheme { get; }

    /// <summary>What the scheme refers to: the absolute path of a file, or the seed in invariant digits.</summary>
    public string Value { get; }

    /// <summary>A torchvision <c>state_dict</c> file; the path is made absolute now, so a saved model finds it from any folder.</summary>
    /// <param name="path">A <c>.pth</c> (torch.save) or <c>.safetensors</c> file.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static WeightsSource File(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new WeightsSource(FileScheme, Path.GetFullPath(path));
    }

    /// <summary>The network's <c>CreateRandom(seed)</c>: torchvision's initialisation, the same weights for the same seed.</summary>
    /// <param name="seed">The seed.</param>
    public static WeightsSource Random(int seed) => new(RandomScheme, seed.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads the text form written by <see cref="ToString"/>.</summary>
    /// <param name="text"><c>file:PATH</c> or <c>random:SEED</c>.</param>
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
            default:
                throw new FormatException(
                    $"'{text}' is not a weights reference: expected '{FileScheme}:PATH' (a .pth or .safetensors file) or '{RandomScheme}:SEED' (CreateRandom).");
        }
    }

    /// <summary>Creates the network these weights are for.</summary>
    /// <typeparam name="TNet">The <c>[ResNet]</c> class.</typeparam>
    /// <exception cref="WeightLoadException">The file is missing, damaged, or for another network.</exception>
    public TNet Open<TNet>()
        where TNet : class, IResNet<TNet> => Scheme switch
        {
            FileScheme => TNet.Load(Value),
            _ => TNet.CreateRandom(int.Parse(Value, CultureInfo.InvariantCulture)),
        };

    /// <summary>The text form: <c>file:/absolute/path</c> or <c>random:SEED</c>.</summary>
    public override string ToString() => Scheme + ":" + Value;

    /// <inheritdoc/>
    public bool Equals(WeightsSource? other) => other is not null && other.Scheme == Scheme && other.Value == Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as WeightsSource);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Scheme, Value);
}
