using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace ResNetGen.Imaging;

/// <summary>
/// A system image library this package calls through <c>[LibraryImport]</c>: found once by its usual file names, with a
/// message naming the package to install when it is missing, so a missing library is an error about one image, not a crash.
/// </summary>
internal sealed class NativeImageLibrary
{
    /// <summary>libjpeg-turbo's TurboJPEG API (Debian and Ubuntu: <c>libturbojpeg0</c>).</summary>
    public static readonly NativeImageLibrary TurboJpeg = new(
        "turbojpeg", "libturbojpeg0", ["libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib", "libturbojpeg.dylib", "turbojpeg.dll"]);

    /// <summary>libspng (Debian and Ubuntu: <c>libspng0</c>).</summary>
    public static readonly NativeImageLibrary Spng = new(
        "spng", "libspng0", ["libspng.so.0", "libspng.so", "libspng.0.dylib", "libspng.dylib", "spng.dll"]);

    private static int s_resolverRegistered;

    private readonly Lazy<nint> _handle;

    /// <summary>Describes a library imported as <paramref name="importName"/>, looked up under <paramref name="fileNames"/> in order.</summary>
    public NativeImageLibrary(string importName, string debianPackage, IReadOnlyList<string> fileNames)
    {
        ImportName = importName;
        DebianPackage = debianPackage;
        FileNames = fileNames;
        _handle = new Lazy<nint>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The name the <c>[LibraryImport]</c> declarations use.</summary>
    public string ImportName { get; }

    /// <summary>The Debian/Ubuntu package that installs the library.</summary>
    public string DebianPackage { get; }

    /// <summary>File names tried, the Linux soname first.</summary>
    public IReadOnlyList<string> FileNames { get; }

    /// <summary>Whether the library could be loaded.</summary>
    public bool IsAvailable => _handle.Value != 0;

    /// <summary>The one-line explanation given when the library is missing.</summary>
    public string MissingMessage =>
        $"{FileNames[0]} is not installed; on Debian or Ubuntu: sudo apt-get install {DebianPackage}";

    /// <summary>Throws <see cref="ImageDecodeException"/> saying what to install when the library cannot be loaded.</summary>
    public void EnsureAvailable(string what)
    {
        if (!IsAvailable)
        {
            throw new ImageDecodeException($"cannot decode {what}: {MissingMessage}");
        }
    }

    /// <summary>Routes this assembly's imports of <see cref="TurboJpeg"/> and <see cref="Spng"/> to the files found.</summary>
    public static void RegisterResolver()
    {
        if (Interlocked.Exchange(ref s_resolverRegistered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeImageLibrary).Assembly, Resolve);
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName == TurboJpeg.ImportName)
        {
            return TurboJpeg._handle.Value;
        }

        return libraryName == Spng.ImportName ? Spng._handle.Value : 0;
    }

    private nint Load()
    {
        foreach (string name in FileNames)
        {
            if (NativeLibrary.TryLoad(name, out nint handle))
            {
                return handle;
            }
        }

        return 0;
    }
}
