using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace ResNetGen.Ilgpu;

/// <summary>
/// ILGPU's CUDA binding imports the library name <c>cuda</c>, which .NET looks for as <c>libcuda.so</c> on Linux; many
/// machines with an NVIDIA driver only have <c>libcuda.so.1</c> (the development symlink comes with the CUDA toolkit).
/// This resolver answers <c>cuda</c> with <c>libcuda.so</c> or <c>libcuda.so.1</c>. ILGPU installs its own resolver only
/// under WSL (for <c>/usr/lib/wsl/lib</c>), so there this one stays out of the way.
/// </summary>
public static class CudaDriverLibrary
{
    private static int s_registered;

    /// <summary>
    /// Installs the resolver for ILGPU's assembly (once; later calls do nothing). It runs by itself when this assembly
    /// is loaded; call it before <c>Context.Create(b =&gt; b.Cuda())</c> if that comes before any use of ResNetGen.Ilgpu.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0 || !OperatingSystem.IsLinux() || IsWsl())
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Another resolver is already installed for ILGPU's assembly; it decides.
        }
    }

#pragma warning disable CA2255 // A library's module initializer: the resolver must be in place before ILGPU first calls the driver.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterOnLoad() => Register();

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!string.Equals(libraryName, "cuda", StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        foreach (string candidate in new[] { "libcuda.so", "libcuda.so.1" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out IntPtr handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    private static bool IsWsl()
    {
        try
        {
            return Directory.Exists("/usr/lib/wsl/lib") && File.ReadAllText("/proc/version").Contains("microsoft", StringComparison.OrdinalIgnoreCase);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
