using System;
using System.Collections.Generic;
using System.Linq;
using ResNetGen.Kernels;
using Xunit;

namespace ResNetGen.Tests.Kernels;

/// <summary>
/// The kernel instruction sets this machine can run (all of them on an AVX-512 CPU; CI also runs the kernel tests with
/// <c>DOTNET_EnableAVX512=0</c> and <c>DOTNET_EnableAVX2=0</c>), and a way to run code on one of them. Tests that use it
/// switch a process-wide setting, so they belong to <see cref="KernelSettingsCollection"/>.
/// </summary>
internal static class InstructionSets
{
    /// <summary>Every instruction set up to the hardware's, narrowest first.</summary>
    public static IReadOnlyList<KernelInstructionSet> Supported { get; } =
        Enum.GetValues<KernelInstructionSet>().Where(set => set <= KernelSettings.HardwareInstructionSet).ToArray();

    /// <summary><see cref="Supported"/> as theory data.</summary>
    public static TheoryData<KernelInstructionSet> Data()
    {
        var data = new TheoryData<KernelInstructionSet>();
        foreach (KernelInstructionSet set in Supported)
        {
            data.Add(set);
        }

        return data;
    }

    /// <summary>Runs <paramref name="action"/> with the kernels on <paramref name="set"/>, then restores the hardware's.</summary>
    public static T Using<T>(KernelInstructionSet set, Func<T> action)
    {
        KernelSettings.InstructionSet = set;
        try
        {
            return action();
        }
        finally
        {
            KernelSettings.InstructionSet = KernelSettings.HardwareInstructionSet;
        }
    }

    /// <inheritdoc cref="Using{T}(KernelInstructionSet, Func{T})"/>
    public static void Using(KernelInstructionSet set, Action action) => Using(set, () =>
    {
        action();
        return 0;
    });
}
