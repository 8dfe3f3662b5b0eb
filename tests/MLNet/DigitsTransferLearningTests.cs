using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using ResNetGen.ML;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.MLNet;

/// <summary>
/// Transfer learning end to end, in ML.NET's own pipeline: a folder of real images (handwritten digits), LoadImages,
/// ResNetGen's features, a multiclass trainer, accuracy on a held-out split; then the model saved, loaded back and
/// evaluated again.
/// </summary>
public sealed class DigitsTransferLearningTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _directory = Directory.CreateTempSubdirectory("resnetgen-ml-").FullName;

    public DigitsTransferLearningTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Random_resnet18_features_classify_held_out_digits_and_the_saved_model_scores_the_same()
    {
        var ml = new MLContext(seed: 1);
        IDataView all = ml.Data.LoadFromEnumerable(DigitsData.Rows());
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(all, testFraction: 0.25, seed: 1);

        // Random weights: features of an untrained network still separate digits (random convolutions keep the strokes'
        // layout), a trained one would do better. The test asserts what such features give, well above chance (10%).
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: nameof(ImageRow.ImagePath))
            .Append(ml.Transforms.ExtractResNetFeatures<DigitsResNet18>(WeightsSource.Random(0), "Features", "Image"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(ImageRow.Label)))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features"))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        ITransformer model = pipeline.Fit(split.TrainSet);
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet), "LabelKey");
        string[] predicted = Predictions(ml, model, split.TestSet);
        _output.WriteLine($"held-out accuracy {metrics.MicroAccuracy:P2} on {predicted.Length} images");
        Assert.True(metrics.MicroAccuracy > 0.6, $"held-out accuracy {metrics.MicroAccuracy:P2}, chance is 10%");

        // A prediction engine maps row by row (a batch of one): the same labels as the batched Transform.
        List<ImageRow> testRows = [.. ml.Data.CreateEnumerable<ImageRow>(split.TestSet, reuseRowObject: false).Take(40)];
        PredictionEngine<ImageRow, LabelPrediction> engine = ml.Model.CreatePredictionEngine<ImageRow, LabelPrediction>(model);
        Assert.Equal(predicted.Take(40), testRows.Select(row => engine.Predict(row).PredictedLabel));

        string path = Path.Combine(_directory, "digits.zip");
        ml.Model.Save(model, all.Schema, path);
        Assert.True(new FileInfo(path).Length < 200_000, "the weights stay out of the model file");

        var fresh = new MLContext(seed: 2);
        ITransformer loaded = fresh.Model.Load(path, out _);
        MulticlassClassificationMetrics reloaded = fresh.MulticlassClassification.Evaluate(loaded.Transform(split.TestSet), "LabelKey");
        Assert.Equal(metrics.MicroAccuracy, reloaded.MicroAccuracy);
        Assert.Equal(predicted, Predictions(fresh, loaded, split.TestSet));
    }

    private static string[] Predictions(MLContext ml, ITransformer model, IDataView data) =>
        [.. ml.Data.CreateEnumerable<LabelPrediction>(model.Transform(data), reuseRowObject: false).Select(p => p.PredictedLabel)];
}
