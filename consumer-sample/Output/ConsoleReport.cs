using System;
using System.Globalization;
using Spectre.Console;

namespace ResNetGen.Sample.Output;

/// <summary>The human-readable output: a header, a top-K table per image, a summary; errors go to standard error.</summary>
internal sealed class ConsoleReport
{
    private readonly IAnsiConsole _console;

    /// <summary>Writes through <paramref name="console"/>.</summary>
    public ConsoleReport(IAnsiConsole console) => _console = console;

    /// <summary>One line.</summary>
    public void Line(string text) => _console.WriteLine(text);

    /// <summary>One line with a bold label in front.</summary>
    public void Field(string label, string text) =>
        _console.MarkupLine($"[bold]{Markup.Escape(label),-8}[/] {Markup.Escape(text)}");

    /// <summary>The top-K table of a classified image, titled with its name, size and timings.</summary>
    public void Image(ImageResult result)
    {
        _console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{Markup.Escape(result.Name)}[/]  {result.Width}x{result.Height} {Markup.Escape(result.Format ?? "")}  [dim]forward {result.ForwardMilliseconds:F1} ms, read + decode + preprocess {result.PreprocessMilliseconds:F1} ms[/]"));
        var table = new Table()
            .Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("rank").RightAligned())
            .AddColumn(new TableColumn("class").RightAligned())
            .AddColumn("label")
            .AddColumn(new TableColumn("probability").RightAligned())
            .AddColumn(new TableColumn("logit").RightAligned());
        foreach (Prediction p in result.Top)
        {
            table.AddRow(
                p.Rank.ToString(CultureInfo.InvariantCulture),
                p.ClassIndex.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(p.Label),
                string.Create(CultureInfo.InvariantCulture, $"{p.Probability * 100:F2} %"),
                p.Logit.ToString("F3", CultureInfo.InvariantCulture));
        }

        _console.Write(table);
    }

    /// <summary>
    /// One table for a folder: the top-K rows of every image (name, size and forward time on its first row), and a row
    /// saying why for each image that could not be classified.
    /// </summary>
    public void Folder(System.Collections.Generic.IEnumerable<ImageResult> results)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .AddColumn("image")
            .AddColumn(new TableColumn("size").RightAligned())
            .AddColumn(new TableColumn("forward").RightAligned())
            .AddColumn(new TableColumn("rank").RightAligned())
            .AddColumn(new TableColumn("class").RightAligned())
            .AddColumn("label")
            .AddColumn(new TableColumn("probability").RightAligned());
        foreach (ImageResult result in results)
        {
            string name = Markup.Escape(System.IO.Path.GetFileName(result.Name));
            if (!result.Succeeded)
            {
                table.AddRow(name, "", "", "", "", $"[red]not classified:[/] {Markup.Escape(result.Error!)}", "");
                continue;
            }

            foreach (Prediction p in result.Top)
            {
                bool first = p.Rank == 1;
                table.AddRow(
                    first ? name : "",
                    first ? $"{result.Width}x{result.Height}" : "",
                    first ? string.Create(CultureInfo.InvariantCulture, $"{result.ForwardMilliseconds:F1} ms") : "",
                    p.Rank.ToString(CultureInfo.InvariantCulture),
                    p.ClassIndex.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(p.Label),
                    string.Create(CultureInfo.InvariantCulture, $"{p.Probability * 100:F2} %"));
            }
        }

        _console.Write(table);
    }

    /// <summary>A blank line.</summary>
    public void Blank() => _console.WriteLine();

    /// <summary>Formats a byte count as MB.</summary>
    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB");
}
