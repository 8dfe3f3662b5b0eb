using Xunit;

namespace ResNetGen.Tests.Kernels;

/// <summary>
/// Tests that switch <see cref="ResNetGen.Kernels.KernelSettings.ForceScalar"/> or replace <see cref="ResNetGen.Kernels.WorkerPool.Shared"/>
/// run alone, so no other test sees the switch.
/// </summary>
[CollectionDefinition(nameof(KernelSettingsCollection), DisableParallelization = true)]
public sealed class KernelSettingsCollection
{
}
