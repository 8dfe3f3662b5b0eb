using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace ResNetGen.Tests.Snapshots;

/// <summary>
/// Snapshot assertions in Verify's conventions: the accepted output is <c>{name}.verified.{extension}</c> in a Snapshots
/// folder beside the test; on a mismatch the new output is written to <c>{name}.received.{extension}</c> and the failure
/// shows a line diff.
/// To accept a change, review the diff and move the received file over the verified one
/// (or run the tests with <c>ACCEPT_SNAPSHOTS=1</c> to overwrite all verified files).
/// </summary>
internal static partial class Snapshot
{
    private const int MaxDiffLines = 60;

    public static void Verify(string actual, string name, string extension = "cs", [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        string verifiedPath = Path.Combine(directory, name + ".verified." + extension);
        string receivedPath = Path.Combine(directory, name + ".received." + extension);
        string received = Scrub(actual);

        if (Environment.GetEnvironmentVariable("ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, received);
        }

        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == received)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, received);
        if (verified is null)
        {
            throw new XunitException($"No verified snapshot {verifiedPath}. Review {receivedPath} and rename it to accept it.");
        }

        throw new XunitException($"The output differs from {verifiedPath} (new output in {receivedPath}):\n{Diff(verified, received)}");
    }

    /// <summary>Removes what changes from build to build: the generator's version, and line-ending differences.</summary>
    public static string Scrub(string text) =>
        VersionPattern().Replace(Normalize(text), "\"ResNetGen.Generator\", \"{version}\"");

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');

    private static string Diff(string verified, string received)
    {
        DiffPaneModel model = new InlineDiffBuilder(new DiffPlex.Differ()).BuildDiffModel(verified, received);
        var builder = new StringBuilder();
        int shown = 0;
        int lineNumber = 0;
        foreach (DiffPiece line in model.Lines)
        {
            if (line.Type != ChangeType.Deleted)
            {
                lineNumber++;
            }

            if (line.Type is ChangeType.Inserted or ChangeType.Deleted)
            {
                builder.Append(line.Type == ChangeType.Inserted ? "+ " : "- ").Append(lineNumber.ToString().PadLeft(5)).Append(": ").AppendLine(line.Text);
                if (++shown == MaxDiffLines)
                {
                    builder.AppendLine("... (more differences)");
                    break;
                }
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex("\"ResNetGen\\.Generator\", \"[0-9.]+\"")]
    private static partial Regex VersionPattern();
}
