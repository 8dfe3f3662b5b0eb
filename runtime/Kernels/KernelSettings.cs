using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ResNetGen.Kernels;

/// <summary>Which hardware paths the kernels take.</summary>
public static class KernelSettings
{
    /// <summary>True when this CPU and runtime support the AVX2 + FMA micro-kernels.</summary>
    public static bool HardwareSupportsAvx2Fma { get; } = Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Forces the portable scalar kernels even where AVX2 + FMA are available (for testing the fallback;
    /// <c>DOTNET_EnableAVX2=0</c> does the same for a whole process).
    /// </summary>
    public static bool ForceScalar { get; set; }

    internal static bool UseAvx2Fma => HardwareSupportsAvx2Fma && !ForceScalar;
}
