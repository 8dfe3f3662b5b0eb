using System.Collections.Generic;

namespace ResNetGen.Planning
{
    /// <summary>
    /// The choices of the CPU schedule that depend on the CPU, as measured for one family of CPUs: where Winograd F(4x4, 3x3)
    /// pays against the direct kernels. Everything else in <see cref="CpuSchedule"/> (the arena, the image-by-image rule,
    /// the direct algorithm of each convolution) is the same on every CPU, so one emitted network runs every profile and
    /// a profile only picks, per convolution Winograd can compute, between the two algorithms the generator emitted.
    /// </summary>
    /// <param name="Name">The profile's name, as <c>RESNETGEN_CPU_PROFILE</c> and <c>tune</c> spell it.</param>
    /// <param name="Cpus">The CPUs it is for, in words.</param>
    /// <param name="WinogradMinimumTiles">Winograd runs from this many 4x4 output blocks per call (batch x blocks per image).</param>
    /// <param name="WinogradLargestSide">Winograd runs only on output maps whose height and width are at most this.</param>
    /// <param name="Evidence">What the thresholds rest on.</param>
    internal sealed record CpuTuningProfile(string Name, string Cpus, int WinogradMinimumTiles, int WinogradLargestSide, string Evidence)
    {
        /// <summary>No limit on the map size Winograd runs on.</summary>
        public const int AnySide = int.MaxValue;

        /// <summary>Whether Winograd runs a convolution that Winograd can compute, of <paramref name="tiles"/> 4x4 output blocks per call.</summary>
        public bool WinogradPays(long tiles, int outHeight, int outWidth) =>
            tiles >= WinogradMinimumTiles && outHeight <= WinogradLargestSide && outWidth <= WinogradLargestSide;
    }

    /// <summary>The profiles measured so far, and the fallback for CPUs never measured.</summary>
    internal static class CpuProfiles
    {
        /// <summary>
        /// CPUs never measured: the rule measured on Zen 4, whose 256-bit FMA units make multiplications as dear as on
        /// most AVX2 and AVX-512 cores.
        /// </summary>
        public static readonly CpuTuningProfile Generic = new(
            "generic", "any CPU without a measured profile", CpuTuning.WinogradMinimumTiles, CpuTuningProfile.AnySide,
            "Zen 4's rule: the fewer FMAs per cycle, the more Winograd saves, and most CPUs have no more than Zen 4.");

        /// <summary>AMD Zen 3 (family 25 without AVX-512): AVX2 on two 256-bit FMA units.</summary>
        public static readonly CpuTuningProfile Zen3 = new(
            "zen3", "AMD Zen 3 (family 25, AVX2)", CpuTuning.WinogradMinimumTiles, CpuTuningProfile.AnySide,
            "Zen 4's rule: Zen 3 has the same FMA width per cycle, and its AVX2 kernels do twice Zen 4's loads per FMA, so Winograd saves at least as much.");

        /// <summary>AMD Zen 4 (family 25 with AVX-512): AVX-512 on 256-bit units.</summary>
        public static readonly CpuTuningProfile Zen4 = new(
            "zen4", "AMD Zen 4 (family 25, AVX-512 on 256-bit units)", CpuTuning.WinogradMinimumTiles, CpuTuningProfile.AnySide,
            "Measured against ONNX Runtime, 2 threads: Winograd from 16 blocks took ResNet-50 at 224x224 from 0.97 to 0.91 of ONNX Runtime's time and ResNet-18 from 1.01 to 0.74.");

        /// <summary>AMD Zen 5 (family 26): AVX-512 on full 512-bit FMA units.</summary>
        public static readonly CpuTuningProfile Zen5 = new(
            "zen5", "AMD Zen 5 (family 26, AVX-512 on 512-bit units)", CpuTuning.WinogradMinimumTiles, 14,
            "Measured per layer on ResNet-50 at 224x224, 2 threads: with FMAs twice Zen 4's speed the transforms' memory traffic sets Winograd's cost; it won 0.91-0.98 on the 14x14 maps and lost on 56x56 and 28x28.");

        /// <summary>Intel Xeon with AVX-512 (Sapphire Rapids class, two 512-bit FMA units).</summary>
        public static readonly CpuTuningProfile IntelAvx512 = new(
            "intel-avx512", "Intel Xeon with AVX-512 (family 6)", CpuTuning.WinogradMinimumTiles, CpuTuningProfile.AnySide,
            "Measured per layer on ResNet-50 at 224x224, 2 threads, on a Xeon that the hypervisor reports as family 6 model 167, with AMX (a Sapphire Rapids-class core): Winograd took 0.69 of the direct time on 56x56 maps, 0.52 on 28x28, 0.68 on 14x14, and was level on 7x7 at batch 1 (4 blocks, left direct).");

        /// <summary>Every built-in profile, the fallback first.</summary>
        public static IReadOnlyList<CpuTuningProfile> BuiltIn { get; } = new[] { Generic, Zen3, Zen4, Zen5, IntelAvx512 };

        /// <summary>
        /// The profile for a CPU from its CPUID: vendor string, family and model (the display values, extended fields
        /// added) and whether it has AVX-512F.
        /// </summary>
        public static CpuTuningProfile Identify(string vendor, int family, int model, bool avx512)
        {
            if (vendor == "AuthenticAMD")
            {
                if (family == 25)
                {
                    return avx512 ? Zen4 : Zen3;
                }

                return family == 26 ? Zen5 : Generic;
            }

            return vendor == "GenuineIntel" && family == 6 && avx512 ? IntelAvx512 : Generic;
        }
    }
}
