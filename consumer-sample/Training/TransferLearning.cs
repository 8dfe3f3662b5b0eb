#if SAMPLE_TRAINING
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using ResNetGen.Kernels;
using ResNetGen.ML;
using Spectre.Console;

namespace ResNetGen.Sample.Training;

/// <summary>
/// <c>train</c>: a folder of labelled images through ML.NET's <c>LoadImages</c> and ResNetGen's features, once each (with a
/// progress bar), then ML.NET's L-BFGS maximum-entropy classifier on the features of a seeded training part; accuracy per
/// label on the held-out rest; the whole pipeline saved. <c>predict</c>: a saved pipeline on image files.
/// </summary>
internal sealed class TransferLearning
{
    private const string ImageColumn = "Image";
    private const string FeaturesColumn = "Features";
    private const int RandomSeed = 0;

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly IAnsiConsole _console;
    private readonly bool _terminal;

    public TransferLearning(TextWriter output, TextWriter error)
    {
        _out = output;
        _error = error;
        _terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = _terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = _terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = _terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!_terminal)
        {
            _console.Profile.Width = 240;
        }
    }

    /// <summary>Trains, evaluates and saves; returns one of <see cref="ExitCodes"/>.</summary>
    public int Train(TrainOptions options)
    {
        if (!Directory.Exists(options.Folder))
        {
            return Fail(ExitCodes.UsageError, $"no folder '{options.Folder}'");
        }

        List<LabelledImage> images = [.. Directory.GetDirectories(options.Folder).Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.EnumerateFiles(folder)
                .Where(path => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .Select(path => new LabelledImage { ImagePath = Path.GetFullPath(path), Label = Path.GetFileName(folder) }))];
        string[] labels = [.. images.Select(i => i.Label).Distinct()];
        if (labels.Length < 2)
        {
            return Fail(ExitCodes.UsageError,
                $"'{options.Folder}' needs a sub-folder of images per label, at least two; found {labels.Length} label(s) with images ({string.Join(", ", ImageExtensions)})");
        }

        WeightsSource weights = options.Weights is null ? WeightsSource.Random(RandomSeed) : WeightsSource.File(options.Weights);
        if (options.Weights is not null && !File.Exists(options.Weights))
        {
            return Fail(ExitCodes.WeightsError, $"The weight file '{options.Weights}' does not exist");
        }

        int threads = options.Threads ?? WorkerPool.Shared.ThreadCount;
        Line($"ResNetGen sample: transfer learning on {images.Count} images of {labels.Length} labels in {options.Folder}");
        Line($"Features: torchvision {options.Model} at 224x224 ({(options.Model is "resnet18" or "resnet34" ? 512 : 2048)} per image), {threads} thread(s), {KernelName()} kernels; "
            + "classifier: ML.NET L-BFGS maximum entropy on normalised features");
        Line(options.Weights is null
            ? $"Weights: RANDOM ({options.Model} CreateRandom({RandomSeed})): pass --weights FILE (ImageNet-pretrained) for much better features"
            : $"Weights: {weights.Value}");
        Line($"Labels: {string.Join(", ", labels.Select(l => $"{l} ({images.Count(i => i.Label == l)})"))}");

        var ml = new MLContext(seed: options.Seed);
        IDataView all = ml.Data.LoadFromEnumerable(images);
        ITransformer featurizer = ml.Transforms.LoadImages(ImageColumn, "", nameof(LabelledImage.ImagePath))
            .Append(FeatureEstimators.Create(options.Model, ml, weights, ImageColumn, FeaturesColumn, options.Threads))
            .Fit(all);

        List<FeatureRow> rows;
        var timer = Stopwatch.StartNew();
        try
        {
            rows = Featurize(featurizer.Transform(all), images.Count);
        }
        catch (WeightLoadException e)
        {
            return Fail(ExitCodes.WeightsError, e.Message.Split('\n')[0]);
        }

        Line(string.Create(CultureInfo.InvariantCulture,
            $"Featurised {rows.Count} images in {timer.Elapsed.TotalSeconds:F1} s ({rows.Count / timer.Elapsed.TotalSeconds:F1} images/s)."));

        int length = rows[0].Features.Length;
        SchemaDefinition definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        IDataView features = ml.Data.LoadFromEnumerable(rows, definition);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(features, options.TestFraction, seed: options.Seed);
        timer.Restart();
        ITransformer classifier = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(FeatureRow.Label))
            .Append(ml.Transforms.NormalizeMeanVariance(FeaturesColumn))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", FeaturesColumn))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(split.TrainSet);
        double trainSeconds = timer.Elapsed.TotalSeconds;
        Report(ml, classifier.Transform(split.TestSet), labels, trainSeconds, ml.Data.CreateEnumerable<FeatureRow>(split.TrainSet, false, schemaDefinition: definition).Count());

        // The saved model starts from image paths: the featurizer (LoadImages and ResNetGen's features) then the classifier.
        ITransformer model = ((TransformerChain<ITransformer>)featurizer).Append(classifier);
        ml.Model.Save(model, all.Schema, options.Output);
        Line($"Saved the model to {options.Output} ({new FileInfo(options.Output).Length / 1024.0:F0} KB; the weights are referenced as {weights}, not copied).");
        Line($"Try: predict {options.Output} IMAGE...");
        return ExitCodes.Success;
    }

    /// <summary>Labels <paramref name="paths"/> with a saved model; returns one of <see cref="ExitCodes"/>.</summary>
    public int Predict(string modelPath, string[] paths, int top)
    {
        if (!File.Exists(modelPath))
        {
            return Fail(ExitCodes.UsageError, $"no model file '{modelPath}'");
        }

        string[] missing = [.. paths.Where(p => !File.Exists(p))];
        if (missing.Length > 0)
        {
            return Fail(ExitCodes.UsageError, $"no image file '{missing[0]}'{(missing.Length > 1 ? $" (and {missing.Length - 1} more)" : "")}");
        }

        var ml = new MLContext();
        ITransformer model;
        DataViewSchema schema;
        try
        {
            model = ml.Model.Load(modelPath, out schema);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            return Fail(ExitCodes.UsageError, $"'{modelPath}' is not a model saved by train: {e.Message}");
        }

        if (schema.GetColumnOrNull(nameof(LabelledImage.ImagePath)) is null)
        {
            return Fail(ExitCodes.UsageError, $"'{modelPath}' is not a model saved by train: it does not start from image paths");
        }

        IDataView input = ml.Data.LoadFromEnumerable(paths.Select(p => new LabelledImage { ImagePath = Path.GetFullPath(p), Label = "" }));
        IDataView scored = model.Transform(input);
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        string[] labels = [.. slotNames.DenseValues().Select(n => n.ToString())];
        var timer = Stopwatch.StartNew();
        int index = 0;
        foreach (Prediction prediction in ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false))
        {
            IEnumerable<string> best = prediction.Score
                .Select((score, slot) => (score, slot))
                .OrderByDescending(s => s.score)
                .Take(top)
                .Select(s => string.Create(CultureInfo.InvariantCulture, $"{labels[s.slot]} {s.score:P1}"));
            Line($"{paths[index++]}: {prediction.PredictedLabel}   ({string.Join(", ", best)})");
        }

        Line(string.Create(CultureInfo.InvariantCulture, $"Labelled {paths.Length} image(s) in {timer.Elapsed.TotalSeconds:F2} s."));
        return ExitCodes.Success;
    }

    private static string KernelName() => KernelSettings.InstructionSet switch
    {
        KernelInstructionSet.Avx512 => "AVX-512",
        KernelInstructionSet.Avx2Fma => "AVX2/FMA",
        _ => "portable scalar",
    };

    /// <summary>Reads every row's label and features once, with a progress bar on a terminal.</summary>
    private List<FeatureRow> Featurize(IDataView data, int count)
    {
        var rows = new List<FeatureRow>(count);
        void ReadAll(Action advanced)
        {
            using DataViewRowCursor cursor = data.GetRowCursor([data.Schema[nameof(LabelledImage.Label)], data.Schema[FeaturesColumn]]);
            ValueGetter<ReadOnlyMemory<char>> label = cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[nameof(LabelledImage.Label)]);
            ValueGetter<VBuffer<float>> features = cursor.GetGetter<VBuffer<float>>(data.Schema[FeaturesColumn]);
            ReadOnlyMemory<char> labelValue = default;
            VBuffer<float> featuresValue = default;
            while (cursor.MoveNext())
            {
                label(ref labelValue);
                features(ref featuresValue);
                rows.Add(new FeatureRow { Label = labelValue.ToString(), Features = featuresValue.DenseValues().ToArray() });
                advanced();
            }
        }

        if (_console.Profile.Capabilities.Interactive)
        {
            _console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask($"Featurising {count} images", maxValue: count);
                    ReadAll(() => task.Increment(1));
                });
        }
        else
        {
            ReadAll(() => { });
        }

        return rows;
    }

    /// <summary>Accuracy per label and overall on the held-out rows.</summary>
    private void Report(MLContext ml, IDataView predictions, string[] labels, double trainSeconds, int trainCount)
    {
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(predictions, "LabelKey");
        List<Prediction> rows = [.. ml.Data.CreateEnumerable<Prediction>(predictions, reuseRowObject: false)];
        Line(string.Create(CultureInfo.InvariantCulture, $"Trained on {trainCount} images in {trainSeconds:F1} s; held out {rows.Count}:"));
        Line($"  {"label",-16} {"images",6} {"correct",8} {"accuracy",9}");
        foreach (string label in labels)
        {
            int total = rows.Count(r => r.Label == label);
            int correct = rows.Count(r => r.Label == label && r.PredictedLabel == label);
            Line(string.Create(CultureInfo.InvariantCulture,
                $"  {label,-16} {total,6} {correct,8} {(total == 0 ? "-" : (correct / (double)total).ToString("P1", CultureInfo.InvariantCulture)),9}"));
        }

        Line(string.Create(CultureInfo.InvariantCulture,
            $"Held-out accuracy: {metrics.MicroAccuracy:P2} overall, {metrics.MacroAccuracy:P2} averaged over labels (chance: {1.0 / labels.Length:P1})."));
    }

    private void Line(string text) => _console.WriteLine(text);

    private int Fail(int exitCode, string message)
    {
        _error.WriteLine($"error: {message}");
        return exitCode;
    }

    /// <summary>An image file and its label (the name of its folder).</summary>
    public sealed class LabelledImage
    {
        /// <summary>The image file.</summary>
        public string ImagePath { get; set; } = "";

        /// <summary>The label.</summary>
        public string Label { get; set; } = "";
    }

    /// <summary>A row's label and features.</summary>
    public sealed class FeatureRow
    {
        /// <summary>The label.</summary>
        public string Label { get; set; } = "";

        /// <summary>The network's features.</summary>
        public float[] Features { get; set; } = [];
    }

    /// <summary>What the classifier says of a row.</summary>
    public sealed class Prediction
    {
        /// <summary>The true label (empty when predicting).</summary>
        public string Label { get; set; } = "";

        /// <summary>The most likely label.</summary>
        public string PredictedLabel { get; set; } = "";

        /// <summary>Every label's probability, in the order of the model's labels.</summary>
        public float[] Score { get; set; } = [];
    }
}

/// <summary>ResNetGen.ML's feature estimator for each network of <see cref="ModelCatalog"/>, by name.</summary>
internal static class FeatureEstimators
{
    public static IEstimator<ITransformer> Create(string model, MLContext ml, WeightsSource weights, string input, string output, int? threads)
    {
        var options = new ResNetFeatureOptions { ThreadCount = threads };
        return model switch
        {
            "resnet18" => ml.Transforms.ExtractResNetFeatures<ResNet18>(weights, output, input, options),
            "resnet34" => ml.Transforms.ExtractResNetFeatures<ResNet34>(weights, output, input, options),
            "resnet50" => ml.Transforms.ExtractResNetFeatures<ResNet50>(weights, output, input, options),
            "resnet101" => ml.Transforms.ExtractResNetFeatures<ResNet101>(weights, output, input, options),
            "resnet152" => ml.Transforms.ExtractResNetFeatures<ResNet152>(weights, output, input, options),
            "resnext50_32x4d" => ml.Transforms.ExtractResNetFeatures<ResNeXt50_32x4d>(weights, output, input, options),
            "wide_resnet50_2" => ml.Transforms.ExtractResNetFeatures<WideResNet50_2>(weights, output, input, options),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Not a network of the sample."),
        };
    }
}
#endif
