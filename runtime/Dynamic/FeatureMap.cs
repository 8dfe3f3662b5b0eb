using System;

namespace ResNetGen.Dynamic;

/// <summary>A batch of channels-last (NHWC) feature maps whose shape is only known at run time.</summary>
public sealed class FeatureMap
{
    /// <summary>Allocates a zeroed map of the given shape.</summary>
    public FeatureMap(int batch, int channels, int height, int width)
        : this(batch, channels, height, width, new float[checked(batch * channels * height * width)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (NHWC) as a map of the given shape.</summary>
    public FeatureMap(int batch, int channels, int height, int width, float[] data)
    {
        if (data.Length != (long)batch * channels * height * width)
        {
            throw new ArgumentException($"A {batch}x{height}x{width}x{channels} map needs {(long)batch * channels * height * width} floats, not {data.Length}.", nameof(data));
        }

        Batch = batch;
        Channels = channels;
        Height = height;
        Width = width;
        Data = data;
    }

    /// <summary>Images.</summary>
    public int Batch { get; }

    /// <summary>Channels per pixel.</summary>
    public int Channels { get; }

    /// <summary>Rows per image.</summary>
    public int Height { get; }

    /// <summary>Columns per image.</summary>
    public int Width { get; }

    /// <summary>The values, NHWC.</summary>
    public float[] Data { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Batch}x{Channels}x{Height}x{Width}";
}
