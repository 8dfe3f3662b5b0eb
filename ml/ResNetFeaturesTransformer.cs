using System;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using ResNetGen.ML.Persistence;

namespace ResNetGen.ML;

/// <summary>
/// A fitted <see cref="ResNetFeaturesEstimator"/>: adds a column of the network's <c>FeatureLength</c> pooled features
/// per row (a known-size vector of <see cref="float"/>), computed from an image column (<see cref="MLImage"/>, as
/// <c>LoadImages</c> gives) through <see cref="ImageNetTransform"/>, or from a column of floats that is already the
/// network's input. <see cref="Transform"/> is lazy; the network runs whole batches of its <c>BatchSize</c> when a cursor
/// reads the column.
/// </summary>
/// <remarks>
/// <para>Saved with <c>mlContext.Model.Save</c>, the model records the network's type and its <see cref="WeightsSource"/>
/// (a path, or a seed), never the weights. ML.NET gives components outside its own assemblies one way to be saved and
/// loaded back, its custom mappings (<c>CustomMappingFactory</c>), so that is what is written: the settings in a
/// value mapping and the features in a custom mapping of this package, which <c>mlContext.Model.Load</c> finds by itself.
/// The loaded model computes the same features, one row at a time.</para>
/// </remarks>
public sealed class ResNetFeaturesTransformer : ITransformer
{
    private readonly FeatureExtractor _extractor;

    internal ResNetFeaturesTransformer(Type networkType, WeightsSource? weights, FeatureExtractor extractor, string outputColumnName, string inputColumnName, bool? imageInput = null)
    {
        ImageInput = imageInput;
        NetworkType = networkType;
        Weights = weights;
        _extractor = extractor;
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
    }

    /// <summary>The <c>[ResNet]</c> class that computes the features.</summary>
    public Type NetworkType { get; }

    /// <summary>Where the network's weights come from, as a saved model records them; null for a network given as an instance without one (it cannot be saved).</summary>
    public WeightsSource? Weights { get; }

    /// <summary>The column of features added.</summary>
    public string OutputColumnName { get; }

    /// <summary>The image or float-vector column read.</summary>
    public string InputColumnName { get; }

    /// <summary>Floats per row in the output column: the network's <c>FeatureLength</c>.</summary>
    public int FeatureLength => _extractor.Dimensions.FeatureLength;

    /// <summary>The transform applied to an image column (null when the network's input is not a square RGB image).</summary>
    public ImageNetTransform? Preprocessing => _extractor.Preprocessing;

    /// <summary>True: ML.NET's prediction engines map one row at a time (a batch of one); <see cref="Transform"/> runs whole batches.</summary>
    public bool IsRowToRowMapper => true;

    internal FeatureExtractor Extractor => _extractor;

    /// <summary>Whether the column it was fitted on holds images (true) or input vectors (false); null before fitting.</summary>
    internal bool? ImageInput { get; }

    /// <summary>The same transformer, fitted on a column of images or of input vectors.</summary>
    internal ResNetFeaturesTransformer Bind(bool imageInput) =>
        new(NetworkType, Weights, _extractor, OutputColumnName, InputColumnName, imageInput);

    /// <summary>The input schema with the features column added, after checking the input column.</summary>
    /// <param name="inputSchema">The schema of the data to transform.</param>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, or neither an image nor a vector of the
    /// network's input length (the exception and message of ML.NET's own schema checks).</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema, out _, out _);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, FeatureLength));
        return builder.ToSchema();
    }

    /// <summary>The input with the features column added; nothing is computed until a cursor reads it.</summary>
    /// <param name="input">The data.</param>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="GetOutputSchema"/>.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        DataViewSchema schema = GetOutputSchema(input.Schema);
        CheckInput(input.Schema, out DataViewSchema.Column source, out bool image);
        return new ResNetFeaturesDataView(input, schema, source, image, _extractor);
    }

    /// <summary>A mapper of single rows (what <c>mlContext.Model.CreatePredictionEngine</c> uses): each row a batch of one.</summary>
    /// <param name="inputSchema">The schema of the rows.</param>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="GetOutputSchema"/>.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new ResNetFeaturesRowMapper(this, inputSchema);
    }

    /// <inheritdoc/>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (Weights is null)
        {
            throw new InvalidOperationException(
                $"This {NetworkType.Name} was given to ExtractResNetFeatures as an instance, so the model cannot say where its weights come from: "
                + "pass a WeightsSource (WeightsSource.File(path) or WeightsSource.Random(seed)) instead of the network to save the model.");
        }

        ((ICanSaveModel)PersistedFeatures.Create(this)).Save(ctx);
    }

    /// <summary>Finds the input column and checks that it is an image or a float vector of one image's input length.</summary>
    internal void CheckInput(DataViewSchema inputSchema, out DataViewSchema.Column source, out bool image)
    {
        DataViewSchema.Column? column = inputSchema.GetColumnOrNull(InputColumnName);
        if (column is null)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find input column '{InputColumnName}'");
        }

        source = column.Value;
        int length = _extractor.Dimensions.ImageLength;
        image = source.Type is ImageDataViewType;
        bool vector = source.Type is VectorDataViewType v && v.ItemType == NumberDataViewType.Single && v.Size == length;
        if (image && _extractor.Preprocessing is null)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Schema mismatch for input column '{InputColumnName}': expected Vector<Single, {length}>, got {source.Type} "
                + $"(this network's {_extractor.Dimensions.InputChannels}x{_extractor.Dimensions.InputHeight}x{_extractor.Dimensions.InputWidth} input is not a square RGB image)");
        }

        if (!image && !vector)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Schema mismatch for input column '{InputColumnName}': expected Image or Vector<Single, {length}>, got {source.Type}");
        }
    }
}
