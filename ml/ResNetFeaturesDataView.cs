using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ResNetGen.ML;

/// <summary>
/// The input data with the features column added (last, hiding an input column of the same name). Lazy: nothing runs
/// until a cursor moves, and the network runs only when the features column is active. A cursor runs the network a whole
/// batch at a time: a second cursor over the input, with only the source column active, reads ahead the batch's images
/// (an <see cref="IDataView"/> gives the same rows in the same order to every cursor without a random source), while the
/// cursor the caller moves serves the other columns row by row.
/// </summary>
internal sealed class ResNetFeaturesDataView : IDataView
{
    private readonly IDataView _input;
    private readonly FeatureExtractor _extractor;
    private readonly DataViewSchema.Column _source;
    private readonly bool _imageSource;

    public ResNetFeaturesDataView(IDataView input, DataViewSchema schema, DataViewSchema.Column source, bool imageSource, FeatureExtractor extractor)
    {
        _input = input;
        Schema = schema;
        _source = source;
        _imageSource = imageSource;
        _extractor = extractor;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    private int FeaturesIndex => Schema.Count - 1;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.ToList();
        bool features = needed.Any(c => c.Index == FeaturesIndex);
        DataViewRowCursor main = _input.GetRowCursor(needed.Where(c => c.Index < FeaturesIndex).Select(c => _input.Schema[c.Index]));
        DataViewRowCursor? ahead = features ? _input.GetRowCursor([_source]) : null;
        return new Cursor(this, main, ahead);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ResNetFeaturesDataView _parent;
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor? _ahead;
        private readonly ValueGetter<MLImage>? _image;
        private readonly ValueGetter<VBuffer<float>>? _vector;
        private readonly float[] _input = [];
        private readonly float[] _features = [];
        private MLImage? _imageValue;
        private VBuffer<float> _vectorValue;
        private int _filled;
        private int _current = -1;

        public Cursor(ResNetFeaturesDataView parent, DataViewRowCursor main, DataViewRowCursor? ahead)
        {
            _parent = parent;
            _main = main;
            _ahead = ahead;
            if (ahead is not null)
            {
                ResNetDimensions d = parent._extractor.Dimensions;
                _input = new float[d.InputLength];
                _features = new float[d.BatchSize * d.FeatureLength];
                if (parent._imageSource)
                {
                    _image = ahead.GetGetter<MLImage>(parent._source);
                }
                else
                {
                    _vector = ahead.GetGetter<VBuffer<float>>(parent._source);
                }
            }
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _main.Position;

        public override long Batch => _main.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index == _parent.FeaturesIndex ? _ahead is not null : _main.IsColumnActive(_parent._input.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != _parent.FeaturesIndex)
            {
                return _main.GetGetter<TValue>(_parent._input.Schema[column.Index]);
            }

            if (_ahead is null)
            {
                throw new InvalidOperationException($"The column '{column.Name}' was not asked for when the cursor was created.");
            }

            if (typeof(TValue) != typeof(VBuffer<float>))
            {
                throw new InvalidOperationException($"The column '{column.Name}' is {column.Type}: read it as VBuffer<float>, not {typeof(TValue).Name}.");
            }

            ValueGetter<VBuffer<float>> getter = GetFeatures;
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        public override bool MoveNext()
        {
            if (!_main.MoveNext())
            {
                return false;
            }

            if (_ahead is not null && ++_current >= _filled)
            {
                FillBatch();
            }

            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _main.Dispose();
                _ahead?.Dispose();
            }

            base.Dispose(disposing);
        }

        private void GetFeatures(ref VBuffer<float> value)
        {
            int length = _parent._extractor.Dimensions.FeatureLength;
            if (_current < 0 || _current >= _filled)
            {
                throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
            }

            VBufferEditor<float> editor = VBufferEditor.Create(ref value, length);
            _features.AsSpan(_current * length, length).CopyTo(editor.Values);
            value = editor.Commit();
        }

        /// <summary>Reads the next batch's source values on the look-ahead cursor and runs the network on them.</summary>
        private void FillBatch()
        {
            FeatureExtractor extractor = _parent._extractor;
            ResNetDimensions d = extractor.Dimensions;
            int count = 0;
            while (count < d.BatchSize && _ahead!.MoveNext())
            {
                Span<float> destination = _input.AsSpan(count * d.ImageLength, d.ImageLength);
                if (_image is not null)
                {
                    _image(ref _imageValue!);
                    if (_imageValue is null)
                    {
                        throw new InvalidOperationException(
                            $"Row {_ahead.Position} of column '{_parent._source.Name}' has no image (LoadImages gives none for a missing path).");
                    }

                    extractor.WriteImage(_imageValue, destination);
                }
                else
                {
                    _vector!(ref _vectorValue);
                    extractor.WriteVector(_vectorValue, destination);
                }

                count++;
            }

            if (count == 0)
            {
                throw new InvalidOperationException("The input gave fewer rows to the features' look-ahead cursor than to the main cursor; it must give the same rows to every cursor.");
            }

            extractor.Forward(_input, _features, count);
            _filled = count;
            _current = 0;
        }
    }
}
