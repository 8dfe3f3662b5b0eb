using System;
using System.IO;
using Xunit;

namespace ResNetGen.Tests.Pretrained;

/// <summary>
/// Tests that set TORCH_HOME (or XDG_CACHE_HOME) run in this collection, one at a time and after the parallel ones, since
/// the variables are the process's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchHubCollection
{
    public const string Name = "torch.hub cache";
}

/// <summary>Points TORCH_HOME at a new empty folder for the lifetime of the scope, then restores it and deletes the folder.</summary>
internal sealed class TorchHomeScope : IDisposable
{
    private readonly string? _torchHome = Environment.GetEnvironmentVariable("TORCH_HOME");
    private readonly string? _xdgCache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");

    public TorchHomeScope()
    {
        Folder = Directory.CreateTempSubdirectory("resnetgen-torch-home-").FullName;
        Environment.SetEnvironmentVariable("TORCH_HOME", Folder);
    }

    public string Folder { get; }

    /// <summary>$TORCH_HOME/hub/checkpoints.</summary>
    public string Checkpoints => Path.Combine(Folder, "hub", "checkpoints");

    /// <summary>Every file in the cache folder, .partial ones included.</summary>
    public string[] CachedFiles => Directory.Exists(Checkpoints) ? Directory.GetFiles(Checkpoints) : [];

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("TORCH_HOME", _torchHome);
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _xdgCache);
        Directory.Delete(Folder, recursive: true);
    }
}
