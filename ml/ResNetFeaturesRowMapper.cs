using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ResNetGen.ML;

/// <summary>
/// The transformer one row at a time, for ML.NET's prediction engines: each row is a batch of one (a partial batch the
/// generated network runs without padding), computed when the features are first read at that row.
/// </summary>
internal sealed class ResNetFeaturesRowMapper : IRowToRowMapper
{
    private readonly FeatureExtractor _extractor;
    private readonly DataViewSchema.Column _source;
    private readonly bool _image;

    public ResNetFeaturesRowMapper(ResNetFeaturesTransformer transformer, DataViewSchema inputSchema)
    {
        InputSchema = inputSchema;
        OutputSchema = transformer.GetOutputSchema(inputSchema);
        transformer.CheckInput(inputSchema, out _source, out _image);
        _extractor = transformer.Extractor;
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    private int FeaturesIndex => OutputSchema.Count - 1;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var needed = new SortedSet<int>();
        foreach (DataViewSchema.Column column in dependingColumns)
        {
            needed.Add(column.Index == FeaturesIndex ? _source.Index : column.Index);
        }

        return needed.Select(i => InputSchema[i]).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        return new Row(this, input, activeColumns.Any(c => c.Index == FeaturesIndex));
    }

    private sealed class Row : DataViewRow
    {
        private readonly ResNetFeaturesRowMapper _parent;
        private readonly DataViewRow _input;
        private readonly bool _active;
        private readonly float[] _image = [];
        private readonly float[] _features = [];
        private readonly ValueGetter<MLImage>? _imageGetter;
        private readonly ValueGetter<VBuffer<float>>? _vectorGetter;
        private MLImage? _imageValue;
        private VBuffer<float> _vectorValue;
        private long _computed = -1;

        public Row(ResNetFeaturesRowMapper parent, DataViewRow input, bool active)
        {
            _parent = parent;
            _input = input;
            _active = active;
            if (active)
            {
                _image = new float[parent._extractor.Dimensions.ImageLength];
                _features = new float[parent._extractor.Dimensions.FeatureLength];
                if (parent._image)
                {
                    _imageGetter = input.GetGetter<MLImage>(parent._source);
                }
                else
                {
                    _vectorGetter = input.GetGetter<VBuffer<float>>(parent._source);
                }
            }
        }

        public override DataViewSchema Schema => _parent.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index == _parent.FeaturesIndex ? _active : _input.IsColumnActive(_parent.InputSchema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != _parent.FeaturesIndex)
            {
                return _input.GetGetter<TValue>(_parent.InputSchema[column.Index]);
            }

            if (!_active || typeof(TValue) != typeof(VBuffer<float>))
            {
                throw new InvalidOperationException($"The column '{column.Name}' is not active, or is read as {typeof(TValue).Name} rather than VBuffer<float>.");
            }

            ValueGetter<VBuffer<float>> getter = GetFeatures;
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        private void GetFeatures(ref VBuffer<float> value)
        {
            FeatureExtractor extractor = _parent._extractor;
            if (_computed != _input.Position)
            {
                if (_imageGetter is not null)
                {
                    _imageGetter(ref _imageValue!);
                    extractor.WriteImage(_imageValue ?? throw new InvalidOperationException($"The row has no image in column '{_parent._source.Name}'."), _image);
                }
                else
                {
                    _vectorGetter!(ref _vectorValue);
                    extractor.WriteVector(_vectorValue, _image);
                }

                extractor.Forward(_image, _features, 1);
                _computed = _input.Position;
            }

            VBufferEditor<float> editor = VBufferEditor.Create(ref value, _features.Length);
            _features.CopyTo(editor.Values);
            value = editor.Commit();
        }
    }
}
