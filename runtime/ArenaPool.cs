using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ResNetGen;

/// <summary>
/// Hands out the per-call working memory of a generated network. Each concurrent <c>Forward</c> call rents its own
/// arena; returned arenas are kept for later calls, so a network called from N threads at once settles at N arenas
/// and allocates nothing after that.
/// </summary>
/// <remarks>
/// Only the <see cref="Rent"/> that creates an arena allocates: the arena, and room for it in the list of free arenas
/// beyond the first <see cref="InitialCapacity"/>; <see cref="Return"/> never allocates. Arenas are pinned, like the
/// packed weights (the kernels read and write them through pointers), so they are allocated outside the heap's small
/// object space, where a thread's allocation context is not involved.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ArenaPool
{
    /// <summary>Free arenas the pool has room for before it grows its list (calls in flight at once, in most programs).</summary>
    private const int InitialCapacity = 16;

    private readonly Stack<float[]> _free = new(InitialCapacity);

    /// <summary>Creates a pool of arenas of <paramref name="length"/> floats.</summary>
    public ArenaPool(int length) => Length = length;

    /// <summary>Floats in each arena.</summary>
    public int Length { get; }

    /// <summary>Arenas created so far (the most calls that have been in flight at once).</summary>
    public int Created { get; private set; }

    /// <summary>Takes an arena for one call; give it back with <see cref="Return"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float[] Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out float[]? arena))
            {
                return arena;
            }

            Created++;
            _free.EnsureCapacity(Created);
        }

        return GC.AllocateArray<float>(Length, pinned: true);
    }

    /// <summary>Gives back an arena taken with <see cref="Rent"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Return(float[] arena)
    {
        lock (_free)
        {
            _free.Push(arena);
        }
    }
}
