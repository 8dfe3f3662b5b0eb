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

namespace ResNetGen.Benchmarks;

/// <summary>
/// <c>mlnet</c>: ResNetGen.ML against ML.NET's own image featurizer, each as an ML.NET pipeline from decoded images
/// (<see cref="MLImage"/>) to feature vectors, on the same images, in the same process and thread count, rounds taking
/// turns. ML.NET's side is the pipeline its documentation gives for <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>:
/// <c>ResizeImages</c> to 224x224, <c>ExtractPixels</c>, <c>DnnFeaturizeImage</c> (an ONNX preprocessing model, then the
/// pretrained ResNet-18 in ONNX Runtime, row by row). ResNetGen's side is <c>ExtractResNetFeatures</c>: torchvision's
/// resize 256 and crop 224 in C#, then the generated network a batch at a time.
/// </summary>
internal static class MlNetFeaturizer
{
    public static void Run(int images, int rounds)
    {
        ResNetGen.ML.Persistence.PersistedFeatures.RegisterImageType();
        int threads = WorkerPool.Shared.ThreadCount;
        var ml = new MLContext(seed: 0);
        IDataView data = ml.Data.LoadFromEnumerable(DecodedImages(images));

        var engines = new List<(string Name, IDataView Features)>
        {
            ("ML.NET DnnFeaturizeImage, ResNet18 (ONNX Runtime)", Fit(ml, data, ml.Transforms.ResizeImages("Resized", 224, 224, "Image")
                .Append(ml.Transforms.ExtractPixels("Pixels", "Resized"))
                .Append(ml.Transforms.DnnFeaturizeImage("Features", m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), "Pixels")))),
            ("ResNetGen.ML resnet18, batch 1", Fit(ml, data, ml.Transforms.ExtractResNetFeatures<ResNet18>(WeightsSource.Random(0), "Features", "Image"))),
            ("ResNetGen.ML resnet18, batch 8", Fit(ml, data, ml.Transforms.ExtractResNetFeatures<ResNet18Batch8>(WeightsSource.Random(0), "Features", "Image"))),
            ("ResNetGen.ML resnet50, batch 1", Fit(ml, data, ml.Transforms.ExtractResNetFeatures<ResNet50>(WeightsSource.Random(0), "Features", "Image"))),
        };

        // One pass each first: ONNX Runtime's sessions, the networks' weights and the JIT's tiers are not timed.
        foreach ((_, IDataView features) in engines)
        {
            Pass(features);
            Pass(features);
        }

        var perSecond = new double[engines.Count][];
        for (int e = 0; e < engines.Count; e++)
        {
            perSecond[e] = new double[rounds];
        }

        for (int round = 0; round < rounds; round++)
        {
            for (int e = 0; e < engines.Count; e++)
            {
                perSecond[e][round] = images / Pass(engines[e].Features);
            }
        }

        Console.WriteLine(FormattableString.Invariant($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {PeerComparison.CpuName()}, {Environment.ProcessorCount} cores, ResNetGen kernels on {KernelSettings.InstructionSet};")
            + FormattableString.Invariant($" {images} decoded images (the JPEGs and PNGs of tests/Goldens/sample, 203x305 to 700x500) per pass, {rounds} rounds taking turns;")
            + FormattableString.Invariant($" ResNetGen {threads} thread(s), ONNX Runtime its default intra-op threads (one per core; DnnFeaturizeImage has no setting)."));
        Console.WriteLine();
        Console.WriteLine("| pipeline, decoded images to features | images/s (median of rounds) | rounds | × ML.NET (median of the rounds' ratios) |");
        Console.WriteLine("| --- | --- | --- | --- |");
        for (int e = 0; e < engines.Count; e++)
        {
            double[] ratios = [.. perSecond[e].Zip(perSecond[0], (ours, theirs) => ours / theirs)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {engines[e].Name} | {PeerComparison.Median(perSecond[e]):F1} | {string.Join(", ", perSecond[e].Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))} | {PeerComparison.Median(ratios):F2} |"));
        }
    }

    private static IDataView Fit(MLContext ml, IDataView data, IEstimator<ITransformer> pipeline)
    {
        _ = ml;
        return pipeline.Fit(data).Transform(data);
    }

    /// <summary>Reads every row's features once; returns the seconds it took.</summary>
    private static double Pass(IDataView data)
    {
        long start = Stopwatch.GetTimestamp();
        DataViewSchema.Column column = data.Schema["Features"];
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> features = default;
        int rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref features);
            rows++;
        }

        if (rows == 0 || features.Length < 512)
        {
            throw new InvalidOperationException($"A pass read {rows} rows of {features.Length} features.");
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The committed sample photos (JPEG and PNG, decoded once by ML.NET's Skia), repeated to <paramref name="count"/> rows.</summary>
    private static List<ImageRow> DecodedImages(int count)
    {
        string folder = Path.Combine(RepositoryRoot(), "tests", "Goldens", "sample", "images");
        MLImage[] decoded = [.. Directory.GetFiles(folder).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(MLImage.CreateFromFile)];
        return [.. Enumerable.Range(0, count).Select(i => new ImageRow { Image = decoded[i % decoded.Length] })];
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ResNetGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ResNetGen.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A decoded image.</summary>
    public sealed class ImageRow
    {
        /// <summary>The image.</summary>
        public MLImage? Image { get; set; }
    }
}
