namespace ResNetGen.Kernels;

/// <summary>The instruction sets the convolution micro-kernels are written for, from the most portable to the widest.</summary>
public enum KernelInstructionSet
{
    /// <summary>Plain scalar code with <see cref="System.MathF.FusedMultiplyAdd(float, float, float)"/>: any CPU.</summary>
    Scalar = 0,

    /// <summary>AVX2 and FMA: a 6-pixel x 16-channel tile of twelve 256-bit accumulators.</summary>
    Avx2Fma = 1,

    /// <summary>AVX-512F: a 6-pixel x 64-channel tile of twenty-four 512-bit accumulators (32 vector registers).</summary>
    Avx512 = 2,
}
