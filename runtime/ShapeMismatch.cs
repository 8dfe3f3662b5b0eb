using System;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen;

/// <summary>A key present both in the file and in the network, whose shapes differ.</summary>
public sealed class ShapeMismatch
{
    /// <summary>Creates a shape mismatch record.</summary>
    /// <param name="name">The <c>state_dict</c> key (after any <c>module.</c> prefix was stripped).</param>
    /// <param name="expectedShape">The shape the network needs.</param>
    /// <param name="foundShape">The shape stored in the file.</param>
    public ShapeMismatch(string name, IReadOnlyList<int> expectedShape, IReadOnlyList<int> foundShape)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        ExpectedShape = (expectedShape ?? throw new ArgumentNullException(nameof(expectedShape))).ToArray();
        FoundShape = (foundShape ?? throw new ArgumentNullException(nameof(foundShape))).ToArray();
    }

    /// <summary>The <c>state_dict</c> key.</summary>
    public string Name { get; }

    /// <summary>The shape the network needs; empty for a scalar.</summary>
    public IReadOnlyList<int> ExpectedShape { get; }

    /// <summary>The shape stored in the file; empty for a scalar.</summary>
    public IReadOnlyList<int> FoundShape { get; }

    /// <summary>For example <c>conv1.weight: expected [64, 3, 7, 7], found [64, 3, 3, 3]</c>.</summary>
    public override string ToString() =>
        $"{Name}: expected {Tensor.FormatShape(ExpectedShape)}, found {Tensor.FormatShape(FoundShape)}";
}
