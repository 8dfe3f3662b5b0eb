using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ResNetGen.Weights;

/// <summary>One key found in a weight file: its shape, or what it holds when it is not a tensor.</summary>
/// <param name="Name">The key as stored in the file.</param>
/// <param name="Shape">The tensor's shape, or null when the value is not a tensor.</param>
/// <param name="NotATensor">What the value is when it is not a tensor (e.g. "an int"), for messages.</param>
internal readonly record struct FoundEntry(string Name, int[]? Shape, string? NotATensor);

/// <summary>
/// Strict binding, like <c>load_state_dict(strict=True)</c>: every key the network needs must be in the file with the
/// same shape, and the file may hold nothing else. A <c>module.</c> prefix on every key (DataParallel) is stripped.
/// All differences are gathered into one <see cref="WeightLoadException"/>.
/// </summary>
internal static class StateDictBinder
{
    /// <summary>The prefix <c>torch.nn.DataParallel</c> and <c>DistributedDataParallel</c> put on every key.</summary>
    public const string DataParallelPrefix = "module.";

    /// <summary>About how many keys a mismatch message lists, shared among its lists; the exception's properties hold all.</summary>
    private const int MessageKeys = 10;

    /// <summary>Checks the caller's manifest: no nulls, no duplicate names.</summary>
    /// <exception cref="ArgumentNullException">The list or one of its entries is null.</exception>
    /// <exception cref="ArgumentException">Two entries share a name.</exception>
    public static void ValidateExpected(IReadOnlyList<StateDictEntry> expected, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(expected, parameterName);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (StateDictEntry? entry in expected)
        {
            if (entry is null)
            {
                throw new ArgumentNullException(parameterName, "The expected entries contain null.");
            }

            if (!names.Add(entry.Name))
            {
                throw new ArgumentException($"The expected entries name '{entry.Name}' twice.", parameterName);
            }
        }
    }

    /// <summary>Matches the file's keys to the network's.</summary>
    /// <param name="source">The file, for the message.</param>
    /// <param name="found">The file's keys in file order.</param>
    /// <param name="expected">The network's keys in network order.</param>
    /// <param name="location">Where in the file the state_dict was found (e.g. <c>["state_dict"]</c>), or empty.</param>
    /// <returns>For each expected entry, the index of its tensor in <paramref name="found"/>.</returns>
    /// <exception cref="WeightLoadException">Keys are missing or unexpected, or shapes differ; the message lists all.</exception>
    public static int[] Match(string source, IReadOnlyList<FoundEntry> found, IReadOnlyList<StateDictEntry> expected, string location)
    {
        bool stripPrefix = found.Count > 0 && found.All(f => f.Name.StartsWith(DataParallelPrefix, StringComparison.Ordinal));
        Dictionary<string, int> byName = IndexByName(source, found, stripPrefix);

        var missing = new List<string>();
        var missingNotes = new List<string>();
        var mismatches = new List<ShapeMismatch>();
        var match = new int[expected.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int e = 0; e < expected.Count; e++)
        {
            StateDictEntry entry = expected[e];
            if (!byName.TryGetValue(entry.Name, out int at))
            {
                missing.Add(entry.Name);
                missingNotes.Add(entry.Name);
                continue;
            }

            used.Add(entry.Name);
            FoundEntry f = found[at];
            if (f.Shape is null)
            {
                missing.Add(entry.Name);
                missingNotes.Add($"{entry.Name} (the file holds {f.NotATensor} there, not a tensor)");
                continue;
            }

            if (!entry.Shape.SequenceEqual(f.Shape))
            {
                mismatches.Add(new ShapeMismatch(entry.Name, entry.Shape, f.Shape));
            }

            match[e] = at;
        }

        var unexpected = byName.Where(kv => !used.Contains(kv.Key)).OrderBy(kv => kv.Value).Select(kv => kv.Key).ToList();
        if (missing.Count == 0 && unexpected.Count == 0 && mismatches.Count == 0)
        {
            return match;
        }

        bool noneBelong = used.Count == 0 && expected.Count > 0 && found.Count > 0;
        throw Refusal(source, location, stripPrefix, noneBelong, FoundShapes(found, byName), missing, missingNotes, unexpected, mismatches);
    }

    /// <summary>Each key's index in <paramref name="found"/>, without the DataParallel prefix when every key has it.</summary>
    private static Dictionary<string, int> IndexByName(string source, IReadOnlyList<FoundEntry> found, bool stripPrefix)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < found.Count; i++)
        {
            string name = stripPrefix ? found[i].Name.Substring(DataParallelPrefix.Length) : found[i].Name;
            if (!byName.TryAdd(name, i))
            {
                throw new WeightLoadException(source, $"{source}: the key '{name}' appears twice.");
            }
        }

        return byName;
    }

    /// <summary>The shape of every key that holds a tensor; null when some key holds something else.</summary>
    private static Dictionary<string, int[]>? FoundShapes(IReadOnlyList<FoundEntry> found, Dictionary<string, int> byName)
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach ((string name, int at) in byName)
        {
            if (found[at].Shape is int[] shape)
            {
                shapes[name] = shape;
            }
        }

        return shapes.Count == byName.Count ? shapes : null;
    }

    /// <summary>
    /// The exception for a file that does not fit: counts first, then what to do (the declaration the file fits, if any),
    /// then a few keys of each kind; the complete lists are on the exception.
    /// </summary>
    private static WeightLoadException Refusal(
        string source, string location, bool stripPrefix, bool noneBelong, Dictionary<string, int[]>? shapes,
        List<string> missing, List<string> missingNotes, List<string> unexpected, List<ShapeMismatch> mismatches)
    {
        string? torchvisionModel = null;
        string? fitting = shapes is null ? null : ArchitectureFit.Declaration(shapes, out torchvisionModel);

        var message = new StringBuilder();
        message.Append(source).Append(": the weights do not match the network (load_state_dict(strict=True) would refuse them too): ")
            .Append(missing.Count).Append(" key(s) missing, ")
            .Append(unexpected.Count).Append(" unexpected, ")
            .Append(mismatches.Count).Append(" of another shape");
        if (location.Length > 0)
        {
            message.Append("; the state_dict was found under ").Append(location);
        }

        if (stripPrefix)
        {
            message.Append("; the DataParallel prefix 'module.' was stripped from every key");
        }

        message.Append('.');
        if (fitting is not null)
        {
            message.AppendLine().Append("The file's keys and shapes fit ").Append(fitting)
                .Append(torchvisionModel is null ? "" : $" (torchvision's {torchvisionModel})")
                .Append(": declare the network that way, or load weights made for this one.");
        }
        else if (noneBelong)
        {
            message.AppendLine().Append("None of the file's keys belong to this network: the weights are probably for a different architecture.");
        }
        else if (mismatches.Count > 0 && missing.Count == 0 && unexpected.Count == 0)
        {
            message.AppendLine().Append("Every key is present but some shapes differ: check the network's configuration (e.g. NumClasses).");
        }

        int lists = (missing.Count > 0 ? 1 : 0) + (unexpected.Count > 0 ? 1 : 0) + (mismatches.Count > 0 ? 1 : 0);
        int shownPerList = MessageKeys / lists;
        AppendList(message, "Missing keys", missingNotes, shownPerList);
        AppendList(message, "Unexpected keys", unexpected, shownPerList);
        AppendList(message, "Shape mismatches", mismatches.Select(m => m.ToString()).ToList(), shownPerList);
        return new WeightLoadException(source, message.ToString(), missing, unexpected, mismatches)
        {
            FittingDeclaration = fitting,
            FittingTorchvisionModel = torchvisionModel,
        };
    }

    private static void AppendList(StringBuilder message, string title, IReadOnlyList<string> lines, int shown)
    {
        if (lines.Count == 0)
        {
            return;
        }

        message.AppendLine().Append("  ").Append(title).Append(" (").Append(lines.Count).Append("):");
        foreach (string line in lines.Take(shown))
        {
            message.AppendLine().Append("    ").Append(line);
        }

        if (lines.Count > shown)
        {
            string property = title switch { "Missing keys" => "MissingKeys", "Unexpected keys" => "UnexpectedKeys", _ => "ShapeMismatches" };
            message.AppendLine().Append("    ... and ").Append(lines.Count - shown).Append(" more (WeightLoadException.").Append(property).Append(" lists all)");
        }
    }
}
