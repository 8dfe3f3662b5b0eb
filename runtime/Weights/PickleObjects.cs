using System;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen;

/// <summary>A Python tuple read from a pickle.</summary>
internal sealed class PickleTuple
{
    public PickleTuple(object?[] items, int depth)
    {
        Items = items;
        Depth = depth;
    }

    public object?[] Items { get; }

    /// <summary>How many tuples deep this tuple nests (1 when no item is a tuple); bounded by the reader.</summary>
    public int Depth { get; }
}

/// <summary>A Python list read from a pickle.</summary>
internal sealed class PickleList
{
    public List<object?> Items { get; } = new();
}

/// <summary>A Python dict (or <c>collections.OrderedDict</c>) read from a pickle, in insertion order.</summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object?, object?>> _items = new();
    private readonly Dictionary<object, int> _index = new(PickleKeyComparer.Instance);

    public IReadOnlyList<KeyValuePair<object?, object?>> Items => _items;

    public int Count => _items.Count;

    /// <summary>Sets <paramref name="key"/> as Python does: a new key goes last, an existing key keeps its place.</summary>
    /// <returns>False when the key is not hashable (a list or dict).</returns>
    public bool Set(object? key, object? value)
    {
        if (!PickleKeyComparer.IsHashable(key))
        {
            return false;
        }

        object normalized = PickleKeyComparer.Normalize(key);
        if (_index.TryGetValue(normalized, out int at))
        {
            _items[at] = new KeyValuePair<object?, object?>(_items[at].Key, value);
        }
        else
        {
            _index.Add(normalized, _items.Count);
            _items.Add(new KeyValuePair<object?, object?>(key, value));
        }

        return true;
    }

    public bool TryGetValue(string key, out object? value)
    {
        if (_index.TryGetValue(key, out int at))
        {
            value = _items[at].Value;
            return true;
        }

        value = null;
        return false;
    }
}

/// <summary>
/// Python's key equality for the values a pickle can hold: numbers by value (<c>True == 1 == 1.0</c>), strings and
/// bytes by content, tuples item by item (their depth is bounded), everything else by identity.
/// </summary>
internal sealed class PickleKeyComparer : IEqualityComparer<object>
{
    public static readonly PickleKeyComparer Instance = new();
    private static readonly object NoneKey = new();

    public static bool IsHashable(object? key) => key switch
    {
        PickleList or PickleDict => false,
        PickleTuple tuple => tuple.Items.All(IsHashable),
        _ => true,
    };

    public static object Normalize(object? key) => key switch
    {
        null => NoneKey,
        bool b => b ? 1L : 0L,
        double d when Math.Floor(d) == d && d >= long.MinValue && d < 9.2233720368547758e18 => (long)d,
        _ => key,
    };

    public new bool Equals(object? x, object? y)
    {
        x = Normalize(x);
        y = Normalize(y);
        return (x, y) switch
        {
            (long a, long b) => a == b,
            (double a, double b) => a.Equals(b),
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (PickleTuple a, PickleTuple b) => a.Items.Length == b.Items.Length && a.Items.Zip(b.Items).All(p => Equals(p.First, p.Second)),
            _ => ReferenceEquals(x, y),
        };
    }

    public int GetHashCode(object obj)
    {
        obj = Normalize(obj);
        switch (obj)
        {
            case long l:
                return l.GetHashCode();
            case double d:
                return d.GetHashCode();
            case string s:
                return StringComparer.Ordinal.GetHashCode(s);
            case byte[] bytes:
                var bytesHash = new HashCode();
                bytesHash.AddBytes(bytes);
                return bytesHash.ToHashCode();
            case PickleTuple tuple:
                var hash = new HashCode();
                foreach (object? item in tuple.Items)
                {
                    hash.Add(GetHashCode(Normalize(item)));
                }

                return hash.ToHashCode();
            default:
                return System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
        }
    }
}

/// <summary>The few Python globals a <c>state_dict</c> pickle may reference; anything else is refused when read.</summary>
internal enum PickleGlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildParameter,
    Storage,
}

/// <summary>An allowed global: a reference to a known function or class, never code from the file.</summary>
internal sealed class PickleGlobal
{
    public PickleGlobal(string module, string name, PickleGlobalKind kind, WeightDType storageType = default)
    {
        Module = module;
        Name = name;
        Kind = kind;
        StorageType = storageType;
    }

    public string Module { get; }

    public string Name { get; }

    public PickleGlobalKind Kind { get; }

    /// <summary>For <see cref="PickleGlobalKind.Storage"/>: the element type of the storage class.</summary>
    public WeightDType StorageType { get; }

    public string FullName => Module + "." + Name;
}

/// <summary>A torch storage referenced through a persistent id: the zip record <c>data/{Key}</c>.</summary>
internal sealed class StorageReference
{
    public StorageReference(string key, WeightDType dtype, long elementCount, string location)
    {
        Key = key;
        DType = dtype;
        ElementCount = elementCount;
        Location = location;
    }

    public string Key { get; }

    public WeightDType DType { get; }

    public long ElementCount { get; }

    public string Location { get; }

    public long ByteCount => ElementCount * WeightDTypes.Size(DType);
}

/// <summary>A tensor rebuilt by <c>torch._utils._rebuild_tensor_v2</c>: a strided view of a storage, validated to fit it.</summary>
internal sealed class TensorReference
{
    public TensorReference(StorageReference storage, long offset, int[] shape, long[] strides, long elementCount)
    {
        Storage = storage;
        Offset = offset;
        Shape = shape;
        Strides = strides;
        ElementCount = elementCount;
    }

    public StorageReference Storage { get; }

    /// <summary>Offset into the storage, in elements.</summary>
    public long Offset { get; }

    public int[] Shape { get; }

    /// <summary>Strides in elements, one per dimension.</summary>
    public long[] Strides { get; }

    public long ElementCount { get; }

    /// <summary>True when the elements are contiguous in row-major order (size-1 dimensions may have any stride).</summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int d = Shape.Length - 1; d >= 0; d--)
            {
                if (Shape[d] != 1 && Strides[d] != expected)
                {
                    return false;
                }

                expected *= Shape[d];
            }

            return true;
        }
    }
}
