using System;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen;

/// <summary>What a <c>state_dict</c> entry is: which module type it belongs to and which of its tensors it is.</summary>
/// <remarks>Mirrored by the planner's <c>TensorRole</c> (shared source); a test pins every member of both.</remarks>
public enum StateDictEntryKind
{
    /// <summary>A convolution's weight, shape [out, in / groups, k, k].</summary>
    ConvolutionWeight = 0,

    /// <summary>A batch norm's learnable scale (gamma).</summary>
    BatchNormWeight,

    /// <summary>A batch norm's learnable shift (beta).</summary>
    BatchNormBias,

    /// <summary>A batch norm's running mean buffer.</summary>
    BatchNormRunningMean,

    /// <summary>A batch norm's running variance buffer.</summary>
    BatchNormRunningVar,

    /// <summary>A batch norm's <c>num_batches_tracked</c> buffer (int64 scalar; not used in inference).</summary>
    BatchNormBatchesTracked,

    /// <summary>The classifier's weight, shape [classes, features].</summary>
    LinearWeight,

    /// <summary>The classifier's bias, shape [classes].</summary>
    LinearBias,
}

/// <summary>One key of a torchvision <c>state_dict</c>: its name, its shape and what it is.</summary>
public sealed class StateDictEntry
{
    private readonly int[] _shape;

    /// <summary>Describes a state_dict key.</summary>
    /// <param name="name">The torchvision key, e.g. <c>layer1.0.conv1.weight</c>.</param>
    /// <param name="kind">What the tensor is.</param>
    /// <param name="shape">The tensor's shape; empty for a scalar.</param>
    public StateDictEntry(string name, StateDictEntryKind kind, params int[] shape)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Kind = kind;
        _shape = (int[])(shape ?? throw new ArgumentNullException(nameof(shape))).Clone();
    }

    /// <summary>The torchvision key.</summary>
    public string Name { get; }

    /// <summary>What the tensor is.</summary>
    public StateDictEntryKind Kind { get; }

    /// <summary>The tensor's shape; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount => _shape.Aggregate(1L, (count, dim) => count * dim);

    /// <summary>True for learnable parameters (what <c>model.parameters()</c> yields), false for buffers.</summary>
    public bool IsParameter => Kind is not (StateDictEntryKind.BatchNormRunningMean or StateDictEntryKind.BatchNormRunningVar or StateDictEntryKind.BatchNormBatchesTracked);

    /// <summary>The name and shape as torch prints them, e.g. <c>conv1.weight [64, 3, 7, 7]</c>.</summary>
    public override string ToString() => Name + " " + Tensor.FormatShape(_shape);
}
