using System.Collections.Generic;
using System.ComponentModel;

namespace ResNetGen;

/// <summary>
/// Hands out the per-call working memory of a generated network. Each concurrent <c>Forward</c> call rents its own
/// arena; returned arenas are kept for later calls, so a network called from N threads at once settles at N arenas
/// and allocates nothing after that.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ArenaPool
{
    private readonly Stack<float[]> _free = new();

    /// <summary>Creates a pool of arenas of <paramref name="length"/> floats.</summary>
    public ArenaPool(int length) => Length = length;

    /// <summary>Floats in each arena.</summary>
    public int Length { get; }

    /// <summary>Arenas created so far (the most calls that have been in flight at once).</summary>
    public int Created { get; private set; }

    /// <summary>Takes an arena for one call; give it back with <see cref="Return"/>.</summary>
    public float[] Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out float[]? arena))
            {
                return arena;
            }

            Created++;
        }

        return new float[Length];
    }

    /// <summary>Gives back an arena taken with <see cref="Rent"/>.</summary>
    public void Return(float[] arena)
    {
        lock (_free)
        {
            _free.Push(arena);
        }
    }
}
