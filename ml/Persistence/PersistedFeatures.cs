using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace ResNetGen.ML.Persistence;

/// <summary>
/// What <c>mlContext.Model.Save</c> writes for a <see cref="ResNetFeaturesTransformer"/>. ML.NET loads back only
/// components whose loaders it can find, and offers other assemblies one kind: custom mappings, found by contract name
/// (ML.NET records this assembly's name beside it, so loading needs no registration). So the transformer is saved as a
/// chain of ML.NET's own transforms: the input column copied to <see cref="InputColumn"/>; a constant key column; a value
/// mapping from that key to the settings (network type, <see cref="WeightsSource"/>, preprocessing), which ML.NET stores
/// in the model; a custom mapping of this package that reads the input and the settings and writes the features; the
/// features copied to the output column; the helper columns dropped.
/// </summary>
internal static class PersistedFeatures
{
    public const string InputColumn = "ResNetGen.Input";
    public const string KeyColumn = "ResNetGen.Key";
    public const string SettingsColumn = "ResNetGen.Settings";
    public const string FeaturesColumn = "ResNetGen.Features";
    private const string Key = "settings";

    private static readonly ConcurrentDictionary<string, FeatureExtractor> Networks = new(StringComparer.Ordinal);

    private static bool s_imageTypeRegistered;

    /// <summary>The saveable chain that computes <paramref name="transformer"/>'s column.</summary>
    public static ITransformer Create(ResNetFeaturesTransformer transformer)
    {
        FeatureExtractor extractor = transformer.Extractor;
        int length = extractor.Dimensions.FeatureLength;
        if (length is not (512 or 2048))
        {
            throw new InvalidOperationException($"Only networks of 512 or 2048 features can be saved; {transformer.NetworkType.Name} has {length}.");
        }

        string settings = JsonSerializer.Serialize(new PersistedSettings
        {
            Network = transformer.NetworkType.AssemblyQualifiedName!,
            Weights = transformer.Weights!.ToString(),
            ResizeSize = extractor.Preprocessing?.ResizeSize ?? 0,
            CropSize = extractor.Preprocessing?.CropSize ?? 0,
            Mean = extractor.Preprocessing?.Mean.ToArray() ?? [],
            Std = extractor.Preprocessing?.Std.ToArray() ?? [],
            ThreadCount = extractor.ThreadCount,
        });

        var context = new MLContext();
        var empty = EmptyInput(context, transformer, out bool image);
        IEstimator<ITransformer> features = (image, length) switch
        {
            (true, 512) => context.Transforms.CustomMapping(new ImageFeatures512().GetMapping(), ImageFeatures512.Contract),
            (true, _) => context.Transforms.CustomMapping(new ImageFeatures2048().GetMapping(), ImageFeatures2048.Contract),
            (false, 512) => context.Transforms.CustomMapping(new VectorFeatures512().GetMapping(), VectorFeatures512.Contract),
            (false, _) => context.Transforms.CustomMapping(new VectorFeatures2048().GetMapping(), VectorFeatures2048.Contract),
        };
        // Fitted one by one rather than as an estimator chain: the chain's shape check compares image types by reference,
        // and the image type of the custom mapping's rows is another instance than LoadImages' (equal, not the same).
        IEstimator<ITransformer>[] steps =
        [
            context.Transforms.CopyColumns(InputColumn, transformer.InputColumnName),
            context.Transforms.CustomMapping(new SettingsKey().GetMapping(), SettingsKey.Contract),
            context.Transforms.Conversion.MapValue(SettingsColumn, [new KeyValuePair<string, string>(Key, settings)], KeyColumn),
            features,
            context.Transforms.CopyColumns(transformer.OutputColumnName, FeaturesColumn),
            context.Transforms.DropColumns(InputColumn, KeyColumn, SettingsColumn, FeaturesColumn),
        ];
        var fitted = new ITransformer[steps.Length];
        IDataView data = empty;
        for (int i = 0; i < steps.Length; i++)
        {
            fitted[i] = steps[i].Fit(data);
            data = fitted[i].Transform(data);
        }

        return new TransformerChain<ITransformer>(fitted);
    }

    /// <summary>
    /// Lets class-based rows hold an <see cref="MLImage"/> of any size, as <c>LoadImages</c> gives them (ImageAnalytics
    /// registers only sized images, through <c>[ImageType(height, width)]</c>).
    /// </summary>
    internal static void RegisterImageType()
    {
        lock (Networks)
        {
            if (!s_imageTypeRegistered)
            {
                DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage), (DataViewTypeAttribute?)null);
                s_imageTypeRegistered = true;
            }
        }
    }

    /// <summary>The key every row gets, which the value mapping turns into the settings.</summary>
    internal static string SettingsKeyValue => Key;

    /// <summary>The network and preprocessing that <paramref name="settings"/> describe, created once per process and settings.</summary>
    internal static FeatureExtractor Open(string settings) => Networks.GetOrAdd(settings, static text =>
    {
        PersistedSettings parsed = JsonSerializer.Deserialize<PersistedSettings>(text)
            ?? throw new InvalidOperationException("The saved ResNetGen settings are empty.");
        Type network = Type.GetType(parsed.Network, throwOnError: false)
            ?? throw new InvalidOperationException($"The saved model needs the network class '{parsed.Network}', which is not loaded in this application.");
        WeightsSource weights = WeightsSource.Parse(parsed.Weights);
        ImageNetTransform? preprocessing = parsed.CropSize > 0
            ? new ImageNetTransform(parsed.ResizeSize, parsed.CropSize, parsed.Mean, parsed.Std)
            : null;
        MethodInfo open = typeof(PersistedFeatures).GetMethod(nameof(OpenNetwork), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(network);
        return (FeatureExtractor)open.Invoke(null, [weights, preprocessing, parsed.ThreadCount])!;
    });

    /// <summary>The features of one row's image.</summary>
    internal static void MapImage(MLImage? image, string settings, float[] features)
    {
        FeatureExtractor extractor = Open(settings);
        if (image is null)
        {
            throw new InvalidOperationException("A row has no image (LoadImages gives none for a missing path).");
        }

        float[] input = ArrayPool<float>.Shared.Rent(extractor.Dimensions.ImageLength);
        try
        {
            extractor.WriteImage(image, input.AsSpan(0, extractor.Dimensions.ImageLength));
            extractor.Forward(input, features, 1);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>The features of one row's input vector.</summary>
    internal static void MapVector(float[] vector, string settings, float[] features)
    {
        FeatureExtractor extractor = Open(settings);
        var buffer = new VBuffer<float>(vector.Length, vector);
        float[] input = ArrayPool<float>.Shared.Rent(extractor.Dimensions.ImageLength);
        try
        {
            extractor.WriteVector(buffer, input.AsSpan(0, extractor.Dimensions.ImageLength));
            extractor.Forward(input, features, 1);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    private static FeatureExtractor OpenNetwork<TNet>(WeightsSource weights, ImageNetTransform? preprocessing, int? threads)
        where TNet : class, IResNet<TNet> =>
        new(() => weights.Open<TNet>(),
            new ResNetDimensions(TNet.BatchSize, TNet.InputChannels, TNet.InputHeight, TNet.InputWidth, TNet.NumClasses, TNet.FeatureLength),
            preprocessing,
            threads);

    /// <summary>No rows, and the transformer's input column under its name and type: what the chain is fitted on.</summary>
    private static IDataView EmptyInput(MLContext context, ResNetFeaturesTransformer transformer, out bool image)
    {
        image = transformer.ImageInput ?? throw new InvalidOperationException("Only a fitted transformer can be saved.");
        if (image)
        {
            IDataView paths = context.Data.LoadFromEnumerable(Array.Empty<PathRow>());
            return context.Transforms.LoadImages(transformer.InputColumnName, "", nameof(PathRow.Path)).Fit(paths).Transform(paths);
        }
        else
        {
            SchemaDefinition definition = SchemaDefinition.Create(typeof(VectorInputRow));
            definition[0].ColumnName = transformer.InputColumnName;
            definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, transformer.Extractor.Dimensions.ImageLength);
            return context.Data.LoadFromEnumerable(Array.Empty<VectorInputRow>(), definition);
        }
    }

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private sealed class VectorInputRow
    {
        public float[] Values { get; set; } = [];
    }
}

/// <summary>The settings a saved model records, as JSON in its value mapping.</summary>
internal sealed class PersistedSettings
{
    /// <summary>The <c>[ResNet]</c> class, assembly-qualified.</summary>
    public string Network { get; set; } = "";

    /// <summary><see cref="WeightsSource.ToString"/>.</summary>
    public string Weights { get; set; } = "";

    /// <summary>The preprocessing's resize, or 0 for a float-vector input.</summary>
    public int ResizeSize { get; set; }

    /// <summary>The preprocessing's crop, or 0 for a float-vector input.</summary>
    public int CropSize { get; set; }

    /// <summary>The preprocessing's mean per channel.</summary>
    public float[] Mean { get; set; } = [];

    /// <summary>The preprocessing's standard deviation per channel.</summary>
    public float[] Std { get; set; } = [];

    /// <summary>Threads per call, or null for the network's default.</summary>
    public int? ThreadCount { get; set; }
}
