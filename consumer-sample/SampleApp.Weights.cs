using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ResNetGen.Sample.Output;
using Spectre.Console;

namespace ResNetGen.Sample;

// The weights: seeded random ones, or a file loaded with a progress bar; a file that does not load is reported with the
// declaration it fits.
internal sealed partial class SampleApp
{
    private IImageNetClassifier? CreateNetwork(ModelInfo model, out int exitCode)
    {
        exitCode = ExitCodes.Success;
        var timer = Stopwatch.StartNew();
        if (_options.Weights is null)
        {
            IImageNetClassifier random = model.CreateRandom(RandomSeed);
            if (_json is null)
            {
                _report.Field("Weights:", $"RANDOM ({model.Name} CreateRandom({RandomSeed}), torchvision's initialisation, built in {timer.Elapsed.TotalMilliseconds:F0} ms):");
                _report.Field("", "the classes below are not a real prediction; pass --weights FILE for real ones");
            }

            return random;
        }

        try
        {
            IImageNetClassifier loaded = LoadWithProgress(model, _options.Weights);
            if (_json is null)
            {
                _report.Field("Weights:", $"{_options.Weights} ({ConsoleReport.Megabytes(new FileInfo(_options.Weights).Length)}), loaded in {timer.Elapsed.TotalMilliseconds:F0} ms");
            }

            return loaded;
        }
        catch (WeightLoadException e)
        {
            // Every failure, a missing or unreadable file included.
            exitCode = ExitCodes.WeightsError;
            WeightsFailed(model, e);
            return null;
        }
    }

    private IImageNetClassifier LoadWithProgress(ModelInfo model, string path)
    {
        if (!Interactive)
        {
            return model.Load(path, null);
        }

        IImageNetClassifier? network = null;
        _console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask($"Loading {Path.GetFileName(path)}", maxValue: 1);
                network = model.Load(path, new ActionProgress<LoadProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalBytes);
                    task.Value = p.BytesRead;
                }));
            });
        return network!;
    }

    private void WeightsFailed(ModelInfo model, WeightLoadException e)
    {
        // The library's message starts with the counts, says which declaration the file fits, and lists a few keys.
        string[] lines = e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        bool keys = e.MissingKeys.Count + e.UnexpectedKeys.Count + e.ShapeMismatches.Count > 0;
        string first = lines[0].TrimEnd('.') + (keys ? $"; is the file for another --model than {model.Name}?" : "");
        _error.WriteLine($"error: {first}");
        foreach (string line in e.Message.Split('\n').Skip(1))
        {
            _error.WriteLine($"  {line.TrimEnd()}");
        }

        string? fitting = e.FittingTorchvisionModel is string name ? ModelCatalog.Find(name)?.Name : null;
        if (fitting is not null)
        {
            _error.WriteLine($"  The file fits --model {fitting}.");
        }

        if (_json is not null)
        {
            _json.Error = new JsonError
            {
                Message = first,
                FitsModel = fitting,
                Details = e.Message,
                MissingKeys = e.MissingKeys,
                UnexpectedKeys = e.UnexpectedKeys,
                ShapeMismatches = [.. e.ShapeMismatches.Select(m => m.ToString())],
            };
            _json.WriteTo(_out);
        }
    }

    private sealed class ActionProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
