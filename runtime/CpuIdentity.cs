using System.Runtime.Intrinsics.X86;
using System.Text;

namespace ResNetGen;

/// <summary>What CPUID says about the processor: the vendor, the display family and model, and whether it has AVX-512F.</summary>
/// <param name="Vendor">"AuthenticAMD", "GenuineIntel", or empty where there is no CPUID (not x86).</param>
/// <param name="Family">The display family: the base family, plus the extended family when the base is 15.</param>
/// <param name="Model">The display model: the extended model's bits above the base model's for families 6 and 15 and above.</param>
/// <param name="HasAvx512">Whether the processor and runtime support AVX-512F.</param>
internal readonly record struct CpuIdentity(string Vendor, int Family, int Model, bool HasAvx512)
{
    /// <summary>The processor this process runs on.</summary>
    public static CpuIdentity OfThisProcessor()
    {
        if (!X86Base.IsSupported)
        {
            return new CpuIdentity(string.Empty, 0, 0, false);
        }

        (_, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        var vendor = new StringBuilder(12);
        foreach (int part in new[] { ebx, edx, ecx })
        {
            for (int shift = 0; shift < 32; shift += 8)
            {
                vendor.Append((char)((part >> shift) & 0xFF));
            }
        }

        (int signature, _, _, _) = X86Base.CpuId(1, 0);
        return FromSignature(vendor.ToString(), signature, Avx512F.IsSupported);
    }

    /// <summary>Decodes CPUID leaf 1's EAX (the processor signature) as the processor's documentation does.</summary>
    public static CpuIdentity FromSignature(string vendor, int signature, bool hasAvx512)
    {
        int baseFamily = (signature >> 8) & 0xF;
        int baseModel = (signature >> 4) & 0xF;
        int family = baseFamily == 0xF ? baseFamily + ((signature >> 20) & 0xFF) : baseFamily;
        int model = baseFamily is 0x6 or 0xF ? (((signature >> 16) & 0xF) << 4) | baseModel : baseModel;
        return new CpuIdentity(vendor, family, model, hasAvx512);
    }
}
