using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using ResNetGen.ML;
using Xunit;

namespace ResNetGen.Tests.MLNet;

/// <summary>The ML.NET transform's column, schema checks, laziness and saved form, in ML.NET's own pipelines.</summary>
public sealed class ResNetFeaturesTransformTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("resnetgen-ml-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Image_rows_get_the_networks_features_of_ImageNetTransforms_input_bit_for_bit_across_a_partial_batch()
    {
        // 11 rows: a batch of eight and a partial one of three.
        var ml = new MLContext(seed: 1);
        List<ImageRow> rows = [.. DigitsData.Rows().Where((_, i) => i % 150 == 0)];
        Assert.Equal(12, rows.Count);
        rows.RemoveAt(0);
        IDataView data = ml.Transforms.LoadImages("Image", "", nameof(ImageRow.ImagePath))
            .Append(ml.Transforms.ExtractResNetFeatures<DigitsResNet18>(WeightsSource.Random(3), "Features", "Image"))
            .Fit(ml.Data.LoadFromEnumerable(rows))
            .Transform(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, DigitsResNet18.FeatureLength), data.Schema["Features"].Type);
        float[][] features = [.. data.GetColumn<float[]>("Features")];
        Assert.Equal(rows.Count, features.Length);

        DigitsResNet18 network = DigitsResNet18.CreateRandom(3);
        var transform = new ImageNetTransform(37, 32);
        for (int i = 0; i < rows.Count; i++)
        {
            using MLImage image = MLImage.CreateFromFile(rows[i].ImagePath);
            byte[] rgb = Rgb(image);
            var input = new float[transform.OutputLength];
            transform.Apply(new ImagePixels(rgb, image.Width, image.Height, ImagePixelFormat.Rgb24), input);
            var expected = new float[DigitsResNet18.FeatureLength];
            network.ForwardFeatures(input, expected);
            Assert.Equal(expected, features[i]);
        }
    }

    [Fact]
    public void A_vector_column_is_the_networks_input_and_a_saved_model_gives_the_same_features()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(5);
        VectorRow[] rows = [.. Enumerable.Range(0, 6).Select(_ => new VectorRow { Pixels = [.. Enumerable.Range(0, 3 * 32 * 32).Select(_ => (float)random.NextDouble())] })];
        IDataView input = ml.Data.LoadFromEnumerable(rows);
        ITransformer model = ml.Transforms.ExtractResNetFeatures<SmallResNet50>(WeightsSource.Random(7), "Features", nameof(VectorRow.Pixels)).Fit(input);
        float[][] features = [.. model.Transform(input).GetColumn<float[]>("Features")];

        var network = SmallResNet50.CreateRandom(7);
        var expected = new float[SmallResNet50.FeatureLength];
        network.ForwardFeatures(rows[5].Pixels, expected);
        Assert.Equal(expected, features[5]);

        string path = Path.Combine(_directory, "vector.zip");
        ml.Model.Save(model, input.Schema, path);
        ITransformer loaded = new MLContext().Model.Load(path, out DataViewSchema schema);
        Assert.Equal(input.Schema[nameof(VectorRow.Pixels)].Type, schema[nameof(VectorRow.Pixels)].Type);
        IDataView reloaded = loaded.Transform(input);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2048), reloaded.Schema["Features"].Type);
        Assert.Equal(features, reloaded.GetColumn<float[]>("Features").ToArray());
    }

    [Fact]
    public void A_missing_or_mistyped_column_is_MLNETs_schema_error()
    {
        var ml = new MLContext();
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new ImageRow { ImagePath = "x.png", Label = "1" } });
        var estimator = ml.Transforms.ExtractResNetFeatures<DigitsResNet18>(WeightsSource.Random(0), "Features", "Image");

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains("Could not find input column 'Image'", missing.Message);

        var text = ml.Transforms.ExtractResNetFeatures<DigitsResNet18>(WeightsSource.Random(0), "Features", nameof(ImageRow.Label));
        var mistyped = Assert.Throws<ArgumentOutOfRangeException>(() => text.Fit(data));
        Assert.Contains("Schema mismatch for input column 'Label': expected Image or Vector<Single, 3072>, got String", mistyped.Message);

        // The same from the estimator's shape check, which pipelines run before fitting.
        var chain = ml.Transforms.CopyColumns("Label2", nameof(ImageRow.Label)).Append(text);
        Assert.Throws<ArgumentOutOfRangeException>(() => chain.Fit(data));

        var wrongLength = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.ExtractResNetFeatures<DigitsResNet18>(WeightsSource.Random(0), "Features", nameof(ShortVectorRow.Pixels))
                .Fit(ml.Data.LoadFromEnumerable(new[] { new ShortVectorRow() })));
        Assert.Contains("expected Image or Vector<Single, 3072>, got Vector<Single, 10>", wrongLength.Message);
    }

    [Fact]
    public void Fit_loads_no_weights_and_the_first_read_reports_a_bad_file()
    {
        string path = Path.Combine(_directory, "damaged.pth");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        var ml = new MLContext();
        var rows = new[] { new VectorRow { Pixels = new float[3 * 32 * 32] } };
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        ITransformer model = ml.Transforms.ExtractResNetFeatures<DigitsResNet18>(WeightsSource.File(path), "Features", nameof(VectorRow.Pixels)).Fit(data);
        IDataView transformed = model.Transform(data);
        Assert.Throws<WeightLoadException>(() => transformed.GetColumn<float[]>("Features").ToArray());

        Assert.Throws<WeightLoadException>(() =>
            ml.Transforms.ExtractResNetFeatures<DigitsResNet18>(WeightsSource.File(Path.Combine(_directory, "missing.pth")), "Features", "Pixels"));
    }

    [Fact]
    public void A_network_given_as_an_instance_works_but_saving_says_to_pass_a_weights_source()
    {
        var ml = new MLContext();
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new VectorRow { Pixels = new float[3 * 32 * 32] } });
        ITransformer model = ml.Transforms.ExtractResNetFeatures(DigitsResNet18.CreateRandom(1), "Features", nameof(VectorRow.Pixels)).Fit(data);
        Assert.Single(model.Transform(data).GetColumn<float[]>("Features"));
        var refused = Assert.Throws<InvalidOperationException>(() => ml.Model.Save(model, data.Schema, Path.Combine(_directory, "m.zip")));
        Assert.Contains("WeightsSource", refused.Message);
    }

    [Fact]
    public void A_weights_source_reads_back_from_its_text()
    {
        WeightsSource file = WeightsSource.File("weights/resnet18.pth");
        Assert.Equal("file:" + Path.GetFullPath("weights/resnet18.pth"), file.ToString());
        Assert.Equal(file, WeightsSource.Parse(file.ToString()));
        Assert.Equal(WeightsSource.Random(-4), WeightsSource.Parse("random:-4"));
        Assert.Throws<FormatException>(() => WeightsSource.Parse("random:x"));
        Assert.Throws<FormatException>(() => WeightsSource.Parse("resnet18.pth"));

        WeightsSource pretrained = WeightsSource.Torchvision(TorchvisionWeights.ResNet50_ImageNet1kV2);
        Assert.StartsWith("torchvision:", pretrained.ToString(), StringComparison.Ordinal);
        Assert.Equal(pretrained, WeightsSource.Parse(pretrained.ToString()));
        Assert.Throws<FormatException>(() => WeightsSource.Parse("torchvision:resnet9000"));
        Assert.Throws<ArgumentException>(() => WeightsSource.Torchvision(TorchvisionWeights.ResNet50_ImageNet1kV2.WithBaseUri(new Uri("http://127.0.0.1/mirror/"))));
    }

    private static byte[] Rgb(MLImage image)
    {
        ReadOnlySpan<byte> pixels = image.Pixels;
        int stride = pixels.Length / image.Height;
        var rgb = new byte[image.Width * image.Height * 3];
        bool bgra = image.PixelFormat == MLPixelFormat.Bgra32;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int from = (y * stride) + (4 * x);
                int to = 3 * ((y * image.Width) + x);
                rgb[to] = pixels[from + (bgra ? 2 : 0)];
                rgb[to + 1] = pixels[from + 1];
                rgb[to + 2] = pixels[from + (bgra ? 0 : 2)];
            }
        }

        return rgb;
    }

    /// <summary>A vector column of another length than the network's input.</summary>
    public sealed class ShortVectorRow
    {
        [VectorType(10)]
        public float[] Pixels { get; set; } = new float[10];
    }

    /// <summary>One image's network input as a vector column.</summary>
    public sealed class VectorRow
    {
        [VectorType(3 * 32 * 32)]
        public float[] Pixels { get; set; } = [];
    }
}
