using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace ResNetGen.Kernels;

/// <summary>
/// What a convolution does with each accumulated output (bias already added) before storing it.
/// Implemented by empty structs, so <see cref="Convolution.Forward{TEpilogue}"/> is specialised per epilogue
/// and the choice costs nothing at run time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IEpilogue
{
    /// <summary>True when <see cref="Apply(Vector256{float}, Vector256{float})"/> reads the residual.</summary>
    static abstract bool UsesResidual { get; }

    /// <summary>Finishes eight outputs.</summary>
    static abstract Vector256<float> Apply(Vector256<float> sum, Vector256<float> residual);

    /// <summary>Finishes sixteen outputs.</summary>
    static abstract Vector512<float> Apply(Vector512<float> sum, Vector512<float> residual);

    /// <summary>Finishes one output.</summary>
    static abstract float Apply(float sum, float residual);
}

/// <summary>Folded batch norm only: <c>y = conv(x) + b</c> (projection shortcuts).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Bias : IEpilogue
{
    /// <inheritdoc/>
    public static bool UsesResidual => false;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> sum, Vector256<float> residual) => sum;

    /// <inheritdoc/>
    public static Vector512<float> Apply(Vector512<float> sum, Vector512<float> residual) => sum;

    /// <inheritdoc/>
    public static float Apply(float sum, float residual) => sum;
}

/// <summary>Folded batch norm and ReLU: <c>y = max(conv(x) + b, 0)</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct BiasRelu : IEpilogue
{
    /// <inheritdoc/>
    public static bool UsesResidual => false;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> sum, Vector256<float> residual) => Vector256.Max(sum, Vector256<float>.Zero);

    /// <inheritdoc/>
    public static Vector512<float> Apply(Vector512<float> sum, Vector512<float> residual) => Vector512.Max(sum, Vector512<float>.Zero);

    /// <inheritdoc/>
    public static float Apply(float sum, float residual) => Relu(sum);

    internal static float Relu(float value) => value > 0f || float.IsNaN(value) ? value : 0f;
}

/// <summary>The end of a residual block: <c>y = max(conv(x) + b + identity, 0)</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct BiasResidualRelu : IEpilogue
{
    /// <inheritdoc/>
    public static bool UsesResidual => true;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> sum, Vector256<float> residual) => Vector256.Max(sum + residual, Vector256<float>.Zero);

    /// <inheritdoc/>
    public static Vector512<float> Apply(Vector512<float> sum, Vector512<float> residual) => Vector512.Max(sum + residual, Vector512<float>.Zero);

    /// <inheritdoc/>
    public static float Apply(float sum, float residual) => BiasRelu.Relu(sum + residual);
}
