using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ResNetGen.Sample.Output;
using Spectre.Console;

namespace ResNetGen.Sample;

// The weights: seeded random ones, torchvision's published ones (--pretrained), or a file or URL, downloaded and loaded
// with progress bars; weights that do not load are reported with the declaration they fit.
internal sealed partial class SampleApp
{
    private IResNet? CreateNetwork(ModelInfo model, out int exitCode, out ImageNetTransform transform)
    {
        exitCode = ExitCodes.Success;
        transform = ImageNetTransform.Default;
        var timer = Stopwatch.StartNew();
        if (_options.Weights is null && !_options.Pretrained)
        {
            IResNet random = model.CreateRandom(RandomSeed);
            if (_json is null)
            {
                _report.Field("Weights:", $"RANDOM ({model.Name} CreateRandom({RandomSeed}), torchvision's initialisation, built in {timer.Elapsed.TotalMilliseconds:F0} ms):");
                _report.Field("", "the classes below are not a real prediction; pass --pretrained or --weights FILE|URL for real ones");
            }

            return random;
        }

        try
        {
            if (_options.Pretrained)
            {
                // Every --model the sample knows has torchvision weights.
                PretrainedWeights weights = TorchvisionWeights.Default(model.Name)!;
                transform = weights.Transform;
                IResNet pretrained = Download(weights.Url, weights.CachePath, progress => model.LoadPretrained(weights, progress));
                if (_json is null)
                {
                    string accuracy = string.Create(CultureInfo.InvariantCulture, $"top-1 {weights.Top1Accuracy:F3}%, top-5 {weights.Top5Accuracy:F3}% on ImageNet-1k as torchvision documents it");
                    _report.Field("Weights:", $"torchvision {weights.Name} ({accuracy}), loaded in {timer.Elapsed.TotalMilliseconds:F0} ms");
                    _report.Field("", $"from {weights.CachePath} ({ConsoleReport.Megabytes(new FileInfo(weights.CachePath).Length)})");
                }

                return pretrained;
            }

            string source = _options.Weights!;
            IResNet loaded;
            string path;
            if (Uri.TryCreate(source, UriKind.Absolute, out Uri? url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            {
                path = TorchHub.CachedPath(url);
                loaded = Download(url, path, progress => model.FromStateDict(StateDictLoader.Load(url, model.Parameters, progress)));
            }
            else
            {
                path = source;
                loaded = LoadWithProgress(model, source);
            }

            if (_json is null)
            {
                _report.Field("Weights:", $"{source} ({ConsoleReport.Megabytes(new FileInfo(path).Length)}), loaded in {timer.Elapsed.TotalMilliseconds:F0} ms");
            }

            return loaded;
        }
        catch (WeightLoadException e)
        {
            // Every failure, a missing or unreadable file and a failed download included.
            exitCode = ExitCodes.WeightsError;
            WeightsFailed(model, e);
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="load"/>, which downloads <paramref name="url"/> unless <paramref name="cachePath"/> is there
    /// already: on a terminal with a progress bar (bytes, total, speed), otherwise with one line saying where the file goes.
    /// </summary>
    private IResNet Download(Uri url, string cachePath, Func<IProgress<DownloadProgress>?, IResNet> load)
    {
        if (File.Exists(cachePath))
        {
            return load(null);
        }

        if (!Interactive)
        {
            if (_json is null)
            {
                _report.Line($"Downloading {url} to {cachePath}");
            }

            return load(null);
        }

        IResNet? network = null;
        _console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask($"Downloading {Path.GetFileName(cachePath)}", maxValue: 1);
                network = load(new ActionProgress<DownloadProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalBytes ?? Math.Max(p.BytesReceived, 1));
                    task.Value = p.BytesReceived;
                }));
            });
        return network!;
    }

    private IResNet LoadWithProgress(ModelInfo model, string path)
    {
        if (!Interactive)
        {
            return model.Load(path, null);
        }

        IResNet? network = null;
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
        // The library's message starts with the counts, says which declaration the file fits, and lists a few keys. Its
        // advice to declare the network another way is for the author of a declaration; a user of this sample changes
        // --model instead, so that line gives way to the sample's own, and the fix for the command line comes first.
        string[] lines = e.Message.Split('\n');
        string[] details = [.. lines.Skip(1).Where(line => !line.TrimStart().StartsWith(FitsPrefix, StringComparison.Ordinal)).Select(line => line.TrimEnd())];
        bool keys = e.MissingKeys.Count + e.UnexpectedKeys.Count + e.ShapeMismatches.Count > 0;
        string? fitting = e.FittingTorchvisionModel is string name ? ModelCatalog.Find(name)?.Name : null;
        string counts = lines[0].Trim().TrimEnd('.');
        string first;
        if (fitting is not null)
        {
            first = $"The file fits --model {fitting}, not --model {model.Name}: run again with --model {fitting}.";
            details = [counts + ".", .. details];
        }
        else
        {
            first = counts + (keys ? $"; is the file for another --model than {model.Name}?" : "");
            if (e.FittingDeclaration is string declaration)
            {
                string torchvision = e.FittingTorchvisionModel is string other ? $" (torchvision's {other})" : "";
                details = [$"The file fits {declaration}{torchvision}, which this sample does not run; it runs --model {string.Join(", ", ModelCatalog.Names)}.", .. details];
            }
        }

        _error.WriteLine($"error: {first}");
        foreach (string line in details.Where(line => line.Length > 0))
        {
            _error.WriteLine($"  {line}");
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

    /// <summary>How the library's line naming the declaration a file fits begins (WeightLoadException's message).</summary>
    private const string FitsPrefix = "The file's keys and shapes fit ";

    private sealed class ActionProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
