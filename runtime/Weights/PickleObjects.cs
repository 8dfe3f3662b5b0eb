using System;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen.Weights;

/// <summary>A Python tuple read from a pickle.</summary>
/// <remarks>
/// Tuples are immutable, so what dict keys need is computed once: whether the tuple can be hashed, how many elements
/// its tree holds when shared sub-tuples are counted every time they occur (<see cref="TreeSize"/>, saturating), and
/// its hash. A pickle can share one tuple many times through the memo, so a tuple of depth 60 may stand for 2^60
/// elements; nothing here walks that tree, and the reader refuses such a tuple as a dict key before comparing it.
/// </remarks>
internal sealed class PickleTuple
{
    /// <summary>Where <see cref="TreeSize"/> stops counting.</summary>
    public const long TreeSizeCap = 1L << 60;

    private int? _hash;

    public PickleTuple(object?[] items, int depth)
    {
        Items = items;
        Depth = depth;
        long size = 1;
        bool hashable = true;
        foreach (object? item in items)
        {
            switch (item)
            {
                case PickleTuple inner:
                    size = Math.Min(size + inner.TreeSize, TreeSizeCap);
                    hashable &= inner.IsHashable;
                    break;
                case PickleList or PickleDict:
                    size = Math.Min(size + 1, TreeSizeCap);
                    hashable = false;
                    break;
                default:
                    size = Math.Min(size + 1, TreeSizeCap);
                    break;
            }
        }

        TreeSize = size;
        IsHashable = hashable;
    }

    public object?[] Items { get; }

    /// <summary>How many tuples deep this tuple nests (1 when no item is a tuple); bounded by the reader.</summary>
    public int Depth { get; }

    /// <summary>This tuple and every element below it, shared ones counted at each occurrence, up to <see cref="TreeSizeCap"/>.</summary>
    public long TreeSize { get; }

    /// <summary>False when a list or dict occurs anywhere inside (Python raises TypeError: unhashable type).</summary>
    public bool IsHashable { get; }

    /// <summary>The hash of a hashable tuple, computed from its items' hashes once.</summary>
    public int Hash => _hash ??= ComputeHash();

    private int ComputeHash()
    {
        var hash = new HashCode();
        foreach (object? item in Items)
        {
            hash.Add(PickleKeyComparer.Instance.GetHashCode(PickleKeyComparer.Normalize(item)));
        }

        return hash.ToHashCode();
    }
}

/// <summary>A Python list read from a pickle.</summary>
internal sealed class PickleList
{
    public List<object?> Items { get; } = new();
}

/// <summary>What <see cref="PickleDict.Add"/> did.</summary>
internal enum DictSetResult
{
    Added,
    Duplicate,
    Unhashable,
}

/// <summary>A Python dict (or <c>collections.OrderedDict</c>) read from a pickle, in insertion order.</summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object?, object?>> _items = new();
    private readonly Dictionary<object, int> _index = new(PickleKeyComparer.Instance);

    public IReadOnlyList<KeyValuePair<object?, object?>> Items => _items;

    public int Count => _items.Count;

    /// <summary>Adds <paramref name="key"/> last, unless it is already present or cannot be a key.</summary>
    /// <returns><see cref="DictSetResult.Added"/>; <see cref="DictSetResult.Duplicate"/> when an equal key is present
    /// (the dict is unchanged); <see cref="DictSetResult.Unhashable"/> for a list, a dict or a tuple holding one.</returns>
    public DictSetResult Add(object? key, object? value)
    {
        if (!PickleKeyComparer.IsHashable(key))
        {
            return DictSetResult.Unhashable;
        }

        object normalized = PickleKeyComparer.Normalize(key);
        if (!_index.TryAdd(normalized, _items.Count))
        {
            return DictSetResult.Duplicate;
        }

        _items.Add(new KeyValuePair<object?, object?>(key, value));
        return DictSetResult.Added;
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
/// bytes by content, tuples item by item, everything else by identity. Hashes are randomized per process (as .NET's
/// string hashes are), so a file cannot be crafted to make every key collide.
/// </summary>
internal sealed class PickleKeyComparer : IEqualityComparer<object>
{
    public static readonly PickleKeyComparer Instance = new();
    private static readonly object NoneKey = new();

    public static bool IsHashable(object? key) => key switch
    {
        PickleList or PickleDict => false,
        PickleTuple tuple => tuple.IsHashable,
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
            (PickleTuple a, PickleTuple b) => ReferenceEquals(a, b)
                || (a.Items.Length == b.Items.Length && a.Hash == b.Hash && a.Items.Zip(b.Items).All(p => Equals(p.First, p.Second))),
            _ => ReferenceEquals(x, y),
        };
    }

    public int GetHashCode(object obj)
    {
        obj = Normalize(obj);
        switch (obj)
        {
            case long l:
                // long.GetHashCode folds the halves together (x ^ y), which a file could use to make every key collide;
                // HashCode mixes both halves with a per-process seed.
                return HashCode.Combine((int)l, (int)(l >> 32));
            case double d:
                long bits = double.IsNaN(d) ? 0 : BitConverter.DoubleToInt64Bits(d);
                return HashCode.Combine((int)bits, (int)(bits >> 32), 1);
            case string s:
                return StringComparer.Ordinal.GetHashCode(s);
            case byte[] bytes:
                var bytesHash = new HashCode();
                bytesHash.AddBytes(bytes);
                return bytesHash.ToHashCode();
            case PickleTuple tuple:
                return tuple.Hash;
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

    /// <summary><c>torch._utils._rebuild_tensor(storage, offset, size, stride)</c>: how PyTorch before 0.4 pickled a tensor.</summary>
    RebuildTensor,
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
