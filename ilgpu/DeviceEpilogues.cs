namespace ResNetGen.Ilgpu;

/// <summary>
/// What a device convolution does with each accumulated output before storing it: the same three epilogues as the CPU
/// kernels (<c>ResNetGen.Kernels.Bias</c>, <c>BiasRelu</c>, <c>BiasResidualRelu</c>). Implemented by empty structs, so
/// each kernel is specialised per epilogue when ILGPU compiles it. Instance members, because ILGPU compiles calls on a
/// generic struct's instance members (not static abstract ones).
/// </summary>
public interface IDeviceEpilogue
{
    /// <summary>True when <see cref="Apply"/> reads the residual.</summary>
    bool UsesResidual { get; }

    /// <summary>True when the folded bias is added before <see cref="Apply"/> (false only for a split-K slice's raw sums).</summary>
    bool AddsBias { get; }

    /// <summary>Finishes one output: <paramref name="sum"/> already holds the folded batch-norm bias.</summary>
    float Apply(float sum, float residual);
}

/// <summary>Folded batch norm only: <c>y = conv(x) + b</c> (projection shortcuts).</summary>
public readonly struct Bias : IDeviceEpilogue
{
    /// <inheritdoc/>
    public bool UsesResidual => false;

    /// <inheritdoc/>
    public bool AddsBias => true;

    /// <inheritdoc/>
    public float Apply(float sum, float residual) => sum;
}

/// <summary>Folded batch norm and ReLU: <c>y = max(conv(x) + b, 0)</c>; NaN stays NaN, as in torch.</summary>
public readonly struct BiasRelu : IDeviceEpilogue
{
    /// <inheritdoc/>
    public bool UsesResidual => false;

    /// <inheritdoc/>
    public bool AddsBias => true;

    /// <inheritdoc/>
    public float Apply(float sum, float residual) => Relu(sum);

    /// <summary><c>x &lt;= 0 ? 0 : x</c>: a NaN compares false and passes through, like the CPU kernels' ReLU.</summary>
    internal static float Relu(float value) => value <= 0f ? 0f : value;
}

/// <summary>The end of a residual block: <c>y = max(conv(x) + b + identity, 0)</c>.</summary>
public readonly struct BiasResidualRelu : IDeviceEpilogue
{
    /// <inheritdoc/>
    public bool UsesResidual => true;

    /// <inheritdoc/>
    public bool AddsBias => true;

    /// <inheritdoc/>
    public float Apply(float sum, float residual) => BiasRelu.Relu(sum + residual);
}
