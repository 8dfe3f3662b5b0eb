using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ResNetGen.Kernels;

/// <summary>Which hardware paths the kernels take.</summary>
public static class KernelSettings
{
    /// <summary>True when this CPU and runtime support the AVX2 + FMA micro-kernels.</summary>
    public static bool HardwareSupportsAvx2Fma { get; } = Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>
    /// The widest instruction set this CPU and runtime accelerate. <c>DOTNET_EnableAVX512=0</c> or <c>DOTNET_EnableAVX2=0</c>
    /// lower it for a whole process.
    /// </summary>
    public static KernelInstructionSet HardwareInstructionSet { get; } =
        HardwareSupportsAvx2Fma && Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? KernelInstructionSet.Avx512
        : HardwareSupportsAvx2Fma ? KernelInstructionSet.Avx2Fma
        : KernelInstructionSet.Scalar;

    // Initialised after HardwareInstructionSet: static initialisers run in the order they are written.
    private static KernelInstructionSet s_instructionSet = HardwareInstructionSet;

    /// <summary>
    /// The instruction set the convolution micro-kernels use; <see cref="HardwareInstructionSet"/> unless lowered (to test
    /// or measure a narrower path). Every path accumulates in the same order, so results are bit-identical across them.
    /// Applies to calls that start after it is set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is wider than <see cref="HardwareInstructionSet"/>.</exception>
    public static KernelInstructionSet InstructionSet
    {
        get => s_instructionSet;
        set
        {
            if (value < KernelInstructionSet.Scalar || value > HardwareInstructionSet)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"This CPU and runtime accelerate at most {HardwareInstructionSet}.");
            }

            s_instructionSet = value;
        }
    }

    /// <summary>
    /// Forces the portable scalar kernels even where vector instructions are available (for testing the fallback;
    /// <c>DOTNET_EnableAVX2=0</c> does the same for a whole process). Setting it to false restores <see cref="HardwareInstructionSet"/>.
    /// </summary>
    public static bool ForceScalar
    {
        get => s_instructionSet == KernelInstructionSet.Scalar;
        set => s_instructionSet = value ? KernelInstructionSet.Scalar : HardwareInstructionSet;
    }

    internal static bool UseAvx2Fma => s_instructionSet >= KernelInstructionSet.Avx2Fma;
}
