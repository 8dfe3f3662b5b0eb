using System;
using System.Collections.Generic;

namespace ResNetGen;

/// <summary>
/// A weight file could not be loaded: it is damaged or of an unsupported kind, it references code that a
/// <c>state_dict</c> never needs (refused, never executed), or its tensors do not match the network the way
/// <c>load_state_dict(strict=True)</c> would reject them. The message always names the file and says what to do.
/// </summary>
public sealed class WeightLoadException : Exception
{
    private static readonly string[] NoKeys = [];
    private static readonly ShapeMismatch[] NoMismatches = [];

    /// <summary>Creates an exception about <paramref name="source"/> with no key lists.</summary>
    /// <param name="source">The file name or description of the stream being loaded.</param>
    /// <param name="message">The complete message; it should name <paramref name="source"/>.</param>
    public WeightLoadException(string source, string message)
        : this(source, message, innerException: null)
    {
    }

    /// <summary>Creates an exception about <paramref name="source"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="source">The file name or description of the stream being loaded.</param>
    /// <param name="message">The complete message; it should name <paramref name="source"/>.</param>
    /// <param name="innerException">The lower-level error, if any.</param>
    public WeightLoadException(string source, string message, Exception? innerException)
        : base(message, innerException)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        MissingKeys = NoKeys;
        UnexpectedKeys = NoKeys;
        ShapeMismatches = NoMismatches;
    }

    /// <summary>Creates the strict-binding exception listing every difference between a file and a network.</summary>
    /// <param name="source">The file name or description of the stream being loaded.</param>
    /// <param name="message">The complete message; it should name <paramref name="source"/> and give the counts.</param>
    /// <param name="missingKeys">Keys the network needs that the file lacks.</param>
    /// <param name="unexpectedKeys">Keys in the file that the network does not have.</param>
    /// <param name="shapeMismatches">Keys in both whose shapes differ.</param>
    public WeightLoadException(
        string source,
        string message,
        IReadOnlyList<string> missingKeys,
        IReadOnlyList<string> unexpectedKeys,
        IReadOnlyList<ShapeMismatch> shapeMismatches)
        : base(message)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        MissingKeys = missingKeys ?? throw new ArgumentNullException(nameof(missingKeys));
        UnexpectedKeys = unexpectedKeys ?? throw new ArgumentNullException(nameof(unexpectedKeys));
        ShapeMismatches = shapeMismatches ?? throw new ArgumentNullException(nameof(shapeMismatches));
    }

    /// <summary>
    /// The file (as the path was given to the loader) or the description of the stream that failed to load.
    /// This hides <see cref="Exception.Source"/>, which names the throwing assembly and is still available
    /// through a reference of type <see cref="Exception"/>.
    /// </summary>
    public new string Source { get; }

    /// <summary>Keys the network needs that the file lacks (after stripping a <c>module.</c> prefix), in the network's order.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Keys in the file that the network does not have (after stripping a <c>module.</c> prefix), in the file's order.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Keys present in both whose shapes differ, in the network's order.</summary>
    public IReadOnlyList<ShapeMismatch> ShapeMismatches { get; }

    /// <summary>
    /// When the file's keys and shapes are exactly those of another <c>[ResNet]</c> declaration, that declaration, e.g.
    /// <c>[ResNet(Block.Basic, 2, 2, 2, 2)]</c> (options that leave no trace in the keys, such as the input size, at their
    /// defaults); otherwise null.
    /// </summary>
    public string? FittingDeclaration { get; init; }

    /// <summary>The torchvision model of <see cref="FittingDeclaration"/> (e.g. <c>resnet18</c>), when it is one; otherwise null.</summary>
    public string? FittingTorchvisionModel { get; init; }
}
