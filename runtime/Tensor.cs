using System;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen;

/// <summary>A dense, contiguous float32 tensor: a shape and its elements in row-major order.</summary>
public sealed class Tensor
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">The data length is not the product of the shape.</exception>
    public Tensor(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = shape.Aggregate(1L, (c, d) => c * d);
        if (shape.Any(d => d < 0) || count != data.Length)
        {
            throw new ArgumentException($"A tensor of shape {FormatShape(shape)} needs {count} elements, but {data.Length} were given.", nameof(data));
        }

        _shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>The shape; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The elements, row-major.</summary>
    public float[] Data { get; }

    /// <summary>True when this tensor has exactly the shape <paramref name="shape"/>.</summary>
    public bool HasShape(IReadOnlyList<int> shape) => _shape.SequenceEqual(shape);

    /// <summary>Formats a shape as torch prints it: <c>[64, 3, 7, 7]</c>.</summary>
    public static string FormatShape(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";
}
