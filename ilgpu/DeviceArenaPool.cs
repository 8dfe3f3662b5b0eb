using System;
using System.Collections.Generic;
using ILGPU.Runtime;

namespace ResNetGen.Ilgpu;

/// <summary>
/// Hands out device arenas, one per concurrent <c>Forward</c> call; returned arenas are kept, so a network called from
/// N threads at once settles at N arenas and allocates no device memory after that.
/// </summary>
internal sealed class DeviceArenaPool : IDisposable
{
    private readonly Stack<DeviceArena> _free = new();
    private readonly Accelerator _accelerator;
    private readonly int _length;
    private readonly int _inputLength;
    private readonly int _outputLength;
    private readonly List<DeviceArena> _all = new();

    public DeviceArenaPool(Accelerator accelerator, int length, int inputLength, int outputLength)
    {
        _accelerator = accelerator;
        _length = length;
        _inputLength = inputLength;
        _outputLength = outputLength;
    }

    /// <summary>Arenas created so far (the most calls that have been in flight at once).</summary>
    public int Created
    {
        get
        {
            lock (_free)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>Takes an arena for one call; give it back with <see cref="Return"/>.</summary>
    public DeviceArena Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out DeviceArena? arena))
            {
                return arena;
            }
        }

        var created = new DeviceArena(_accelerator, _length, _inputLength, _outputLength);
        lock (_free)
        {
            _all.Add(created);
        }

        return created;
    }

    /// <summary>Gives back an arena taken with <see cref="Rent"/>, after its stream has finished.</summary>
    public void Return(DeviceArena arena)
    {
        lock (_free)
        {
            _free.Push(arena);
        }
    }

    /// <summary>Frees every arena.</summary>
    public void Dispose()
    {
        lock (_free)
        {
            foreach (DeviceArena arena in _all)
            {
                arena.Dispose();
            }

            _all.Clear();
            _free.Clear();
        }
    }
}
