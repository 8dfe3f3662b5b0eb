using System;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace ResNetGen.ML.Persistence;

// The custom mappings a saved ResNetFeaturesTransformer is made of (see PersistedFeatures). ML.NET creates them by
// reflection when it loads a model, so they are public; nothing else should use them.

/// <summary>A row that reads no column.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NoColumns
{
}

/// <summary>The key column of a saved model's settings.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SettingsKeyRow
{
    /// <summary>Always the same key.</summary>
    [ColumnName(PersistedFeatures.KeyColumn)]
    public string Key { get; set; } = "";
}

/// <summary>Gives every row the key that the saved value mapping turns into the settings.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(Contract)]
public sealed class SettingsKey : CustomMappingFactory<NoColumns, SettingsKeyRow>
{
    /// <summary>The contract name ML.NET saves.</summary>
    public const string Contract = "ResNetGen.ML.SettingsKey";

    /// <inheritdoc/>
    public override Action<NoColumns, SettingsKeyRow> GetMapping() => static (_, row) => row.Key = PersistedFeatures.SettingsKeyValue;
}

/// <summary>A row's image and the saved settings.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ImageInputColumns
{
    /// <summary>The image.</summary>
    [ColumnName(PersistedFeatures.InputColumn)]
    public MLImage? Image { get; set; }

    /// <summary>The settings, JSON.</summary>
    [ColumnName(PersistedFeatures.SettingsColumn)]
    public string Settings { get; set; } = "";
}

/// <summary>A row's input vector and the saved settings.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class VectorInputColumns
{
    /// <summary>One image's network input.</summary>
    [ColumnName(PersistedFeatures.InputColumn)]
    [VectorType]
    public float[] Values { get; set; } = [];

    /// <summary>The settings, JSON.</summary>
    [ColumnName(PersistedFeatures.SettingsColumn)]
    public string Settings { get; set; } = "";
}

/// <summary>512 features (basic blocks).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Features512Columns
{
    /// <summary>The features.</summary>
    [ColumnName(PersistedFeatures.FeaturesColumn)]
    [VectorType(512)]
    public float[] Features { get; set; } = new float[512];
}

/// <summary>2048 features (bottlenecks).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Features2048Columns
{
    /// <summary>The features.</summary>
    [ColumnName(PersistedFeatures.FeaturesColumn)]
    [VectorType(2048)]
    public float[] Features { get; set; } = new float[2048];
}

/// <summary>An image's 512 features.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(Contract)]
public sealed class ImageFeatures512 : CustomMappingFactory<ImageInputColumns, Features512Columns>
{
    /// <summary>The contract name ML.NET saves.</summary>
    public const string Contract = "ResNetGen.ML.ImageFeatures512";

    /// <inheritdoc/>
    public override Action<ImageInputColumns, Features512Columns> GetMapping()
    {
        PersistedFeatures.RegisterImageType();
        return static (row, output) => PersistedFeatures.MapImage(row.Image, row.Settings, output.Features);
    }
}

/// <summary>An image's 2048 features.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(Contract)]
public sealed class ImageFeatures2048 : CustomMappingFactory<ImageInputColumns, Features2048Columns>
{
    /// <summary>The contract name ML.NET saves.</summary>
    public const string Contract = "ResNetGen.ML.ImageFeatures2048";

    /// <inheritdoc/>
    public override Action<ImageInputColumns, Features2048Columns> GetMapping()
    {
        PersistedFeatures.RegisterImageType();
        return static (row, output) => PersistedFeatures.MapImage(row.Image, row.Settings, output.Features);
    }
}

/// <summary>An input vector's 512 features.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(Contract)]
public sealed class VectorFeatures512 : CustomMappingFactory<VectorInputColumns, Features512Columns>
{
    /// <summary>The contract name ML.NET saves.</summary>
    public const string Contract = "ResNetGen.ML.VectorFeatures512";

    /// <inheritdoc/>
    public override Action<VectorInputColumns, Features512Columns> GetMapping() => static (row, output) => PersistedFeatures.MapVector(row.Values, row.Settings, output.Features);
}

/// <summary>An input vector's 2048 features.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(Contract)]
public sealed class VectorFeatures2048 : CustomMappingFactory<VectorInputColumns, Features2048Columns>
{
    /// <summary>The contract name ML.NET saves.</summary>
    public const string Contract = "ResNetGen.ML.VectorFeatures2048";

    /// <inheritdoc/>
    public override Action<VectorInputColumns, Features2048Columns> GetMapping() => static (row, output) => PersistedFeatures.MapVector(row.Values, row.Settings, output.Features);
}
