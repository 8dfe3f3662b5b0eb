using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace ResNetGen.ML;

/// <summary>
/// Adds a column of a generated network's pooled features (<c>ForwardFeatures</c>) to the data: created by
/// <see cref="ResNetFeaturesCatalog.ExtractResNetFeatures{TNet}(TransformsCatalog, WeightsSource, string, string?, ResNetFeatureOptions?)"/>.
/// <see cref="Fit"/> learns nothing: it checks the input schema and binds the network.
/// </summary>
public sealed class ResNetFeaturesEstimator : IEstimator<ResNetFeaturesTransformer>
{
    private readonly ResNetFeaturesTransformer _transformer;

    internal ResNetFeaturesEstimator(ResNetFeaturesTransformer transformer)
    {
        _transformer = transformer;
    }

    /// <summary>Binds the network to data of <paramref name="input"/>'s schema; no row is read and no weight is loaded.</summary>
    /// <param name="input">The training data (only its schema is used).</param>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or of another type.</exception>
    public ResNetFeaturesTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.CheckInput(input.Schema, out _, out bool image);
        return _transformer.Bind(image);
    }

    /// <summary>The input's shape with the features column (a vector of <see cref="float"/>) added.</summary>
    /// <param name="inputSchema">The shape of the data.</param>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, or neither an image nor a vector of
    /// <see cref="float"/> (ML.NET's exception and wording).</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        string name = _transformer.InputColumnName;
        SchemaShape.Column[] columns = [.. inputSchema];
        int index = Array.FindIndex(columns, c => c.Name == name);
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find input column '{name}'");
        }

        SchemaShape.Column input = columns[index];
        bool image = input.ItemType is ImageDataViewType && input.Kind == SchemaShape.Column.VectorKind.Scalar;
        bool vector = input.ItemType == NumberDataViewType.Single && input.Kind == SchemaShape.Column.VectorKind.Vector;
        if (!image && !vector)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Schema mismatch for input column '{name}': expected Image or Vector<Single, {_transformer.Extractor.Dimensions.ImageLength}>, got {input.ItemType}");
        }

        // SchemaShape's columns are made only by ML.NET; its own estimators give the shape of a float-vector column:
        // pixel extraction from an image column, a copy of a float-vector column.
        var context = new MLContext();
        IEstimator<ITransformer> shaper = image
            ? context.Transforms.ExtractPixels(_transformer.OutputColumnName, name)
            : context.Transforms.CopyColumns(_transformer.OutputColumnName, name);
        SchemaShape.Column added = shaper.GetOutputSchema(inputSchema).Single(c => c.Name == _transformer.OutputColumnName);
        return new SchemaShape(columns.Where(c => c.Name != _transformer.OutputColumnName).Append(added));
    }
}
