using System.Runtime.CompilerServices;

namespace ResNetGen.Tests;

/// <summary>
/// Every test builds its networks under the <c>generic</c> CPU profile unless it says otherwise, so that the algorithms a
/// test exercises (Winograd or direct) do not depend on the CPU the suite runs on. The profiles themselves are tested in
/// <see cref="Planning.CpuProfileTests"/>.
/// </summary>
internal static class GenericCpuProfile
{
    [ModuleInitializer]
    internal static void Use() => CpuProfile.Current = CpuProfile.Named("generic");
}
