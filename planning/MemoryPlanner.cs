using System;
using System.Collections.Generic;

namespace ResNetGen.Planning
{
    /// <summary>Where a buffer lives at run time.</summary>
    internal enum BufferLocation
    {
        /// <summary>The caller's input span.</summary>
        Input,

        /// <summary>The caller's output span.</summary>
        Output,

        /// <summary>A slice of the per-call arena.</summary>
        Arena,
    }

    /// <summary>A backend's buffer (a value of the graph for the images a kernel call runs, or a workspace) and its place in memory.</summary>
    /// <param name="Id">The buffer's index.</param>
    /// <param name="Location">Where it lives.</param>
    /// <param name="Offset">Its first float in the arena (0 outside the arena).</param>
    /// <param name="Length">Floats.</param>
    /// <param name="FirstUse">The op that writes it first (-1 for the input).</param>
    /// <param name="LastUse">The last op that touches it.</param>
    /// <param name="Overwrites">
    /// The buffer whose memory this one takes, written in place by the op that reads that buffer for the last time
    /// (<see cref="BufferUse.InPlaceOf"/>), or -1. The two then have the same offset and length.
    /// </param>
    internal sealed record PlannedBuffer(int Id, BufferLocation Location, long Offset, long Length, int FirstUse, int LastUse, int Overwrites = -1);

    /// <summary>The buffers one scheduled op touches: the one it writes, those it reads, and its workspace (-1 for none).</summary>
    /// <param name="Destination">The buffer the op writes.</param>
    /// <param name="Reads">The buffers it reads.</param>
    /// <param name="Workspace">Its scratch buffer, or -1.</param>
    /// <param name="InPlaceOf">
    /// A buffer among <paramref name="Reads"/> the op may overwrite with its result (each output element written only after
    /// the same element of that buffer was read, and no other element of it read afterwards: a residual added in an
    /// epilogue), or -1. The planner gives the destination that buffer's memory when nothing reads it later.
    /// </param>
    /// <param name="AlsoWrites">
    /// A second buffer the op writes while it runs, or -1: the destination of an op it runs in the same call (a max pool
    /// pooled band by band as a convolution makes its rows), alive from this op on.
    /// </param>
    internal readonly record struct BufferUse(int Destination, EquatableArray<int> Reads, int Workspace, int InPlaceOf = -1, int AlsoWrites = -1);

    /// <summary>
    /// Places every intermediate feature map and workspace in one arena so that buffers alive at the same time never
    /// overlap and buffers with disjoint lifetimes share memory. An op's result written in place of a buffer it reads for
    /// the last time (<see cref="BufferUse.InPlaceOf"/>) shares that buffer's memory: the pair, and any chain of such pairs,
    /// is placed as one. Greedy by size: the largest buffer is placed first, each at the lowest offset that is free for its
    /// whole lifetime.
    /// </summary>
    internal static class MemoryPlanner
    {
        /// <summary>Offsets are multiples of 16 floats (64 bytes, one cache line).</summary>
        public const int Alignment = 16;

        /// <summary>Gives every buffer its lifetime and, unless it is the caller's input or output, its arena offset.</summary>
        /// <param name="lengths">Floats per buffer, indexed by buffer id.</param>
        /// <param name="ops">The buffers each op touches, in execution order.</param>
        /// <param name="input">The id of the caller's input buffer.</param>
        /// <param name="output">The id of the caller's output buffer.</param>
        /// <param name="arenaLength">Floats in the arena.</param>
        /// <param name="withoutReuse">Floats the arena would need if no two buffers shared memory.</param>
        public static EquatableArray<PlannedBuffer> Assign(
            IReadOnlyList<long> lengths, IReadOnlyList<BufferUse> ops, int input, int output, out long arenaLength, out long withoutReuse)
        {
            (int[] first, int[] last) = Lifetimes(lengths.Count, ops, input);
            int[] overwrites = InPlacePairs(lengths, ops, last, input, output);

            // Each chain of in-place pairs becomes one storage, alive from its first buffer's first use to its last one's last.
            int[] storage = new int[lengths.Count];
            int[] storageFirst = (int[])first.Clone();
            int[] storageLast = (int[])last.Clone();
            for (int i = 0; i < storage.Length; i++)
            {
                storage[i] = i;
                while (overwrites[storage[i]] >= 0)
                {
                    storage[i] = overwrites[storage[i]];
                }

                storageFirst[storage[i]] = Math.Min(storageFirst[storage[i]], first[i]);
                storageLast[storage[i]] = Math.Max(storageLast[storage[i]], last[i]);
            }

            long[] offsets = PlaceLargestFirst(lengths, storageFirst, storageLast, i => storage[i] == i && i != input && i != output, out arenaLength, out withoutReuse);
            for (int i = 0; i < storage.Length; i++)
            {
                withoutReuse += storage[i] != i ? Align(lengths[i]) : 0;
            }

            var buffers = new PlannedBuffer[lengths.Count];
            for (int i = 0; i < buffers.Length; i++)
            {
                BufferLocation location = i == input ? BufferLocation.Input : i == output ? BufferLocation.Output : BufferLocation.Arena;
                buffers[i] = new PlannedBuffer(i, location, location == BufferLocation.Arena ? offsets[storage[i]] : 0, lengths[i], first[i], last[i], overwrites[i]);
            }

            return new EquatableArray<PlannedBuffer>(buffers);
        }

        /// <summary>
        /// For each buffer, the one whose memory it takes (-1 for none): an op's destination takes the buffer it may write in
        /// place of when both live in the arena, have the same length, the op reads that buffer once and nothing reads it later.
        /// Buffers are written by ops in order, so a chain's earlier buffers always come first in <paramref name="ops"/>.
        /// </summary>
        private static int[] InPlacePairs(IReadOnlyList<long> lengths, IReadOnlyList<BufferUse> ops, int[] last, int input, int output)
        {
            var overwrites = new int[lengths.Count];
            for (int i = 0; i < overwrites.Length; i++)
            {
                overwrites[i] = -1;
            }

            for (int index = 0; index < ops.Count; index++)
            {
                BufferUse op = ops[index];
                int old = op.InPlaceOf;
                if (old < 0 || old == input || old == output || op.Destination == input || op.Destination == output || old == op.Destination ||
                    lengths[old] != lengths[op.Destination] || last[old] != index || overwrites[op.Destination] >= 0)
                {
                    continue;
                }

                int reads = 0;
                foreach (int read in op.Reads)
                {
                    reads += read == old ? 1 : 0;
                }

                if (reads == 1)
                {
                    overwrites[op.Destination] = old;
                }
            }

            return overwrites;
        }

        /// <summary>
        /// The index of the first op that writes each buffer and of the last op that touches it. The input is alive from
        /// before the first op; a workspace only while its own op runs.
        /// </summary>
        private static (int[] First, int[] Last) Lifetimes(int count, IReadOnlyList<BufferUse> ops, int input)
        {
            var first = new int[count];
            var last = new int[count];
            for (int i = 0; i < count; i++)
            {
                first[i] = int.MaxValue;
                last[i] = -1;
            }

            for (int index = 0; index < ops.Count; index++)
            {
                BufferUse op = ops[index];
                first[op.Destination] = Math.Min(first[op.Destination], index);
                Use(op.Destination, index);
                foreach (int read in op.Reads)
                {
                    Use(read, index);
                }

                if (op.Workspace >= 0)
                {
                    first[op.Workspace] = index;
                    Use(op.Workspace, index);
                }

                if (op.AlsoWrites >= 0)
                {
                    first[op.AlsoWrites] = Math.Min(first[op.AlsoWrites], index);
                    Use(op.AlsoWrites, index);
                }
            }

            first[input] = -1;
            return (first, last);

            void Use(int buffer, int index) => last[buffer] = Math.Max(last[buffer], index);
        }

        /// <summary>Arena offsets of the buffers <paramref name="placed"/> selects, largest first, each at the lowest offset free for its whole lifetime.</summary>
        private static long[] PlaceLargestFirst(
            IReadOnlyList<long> lengths, int[] first, int[] last, Func<int, bool> placed, out long arenaLength, out long withoutReuse)
        {
            var order = new List<int>();
            for (int i = 0; i < lengths.Count; i++)
            {
                if (placed(i))
                {
                    order.Add(i);
                }
            }

            // Largest first; ties in creation order, so the plan is deterministic.
            order.Sort((a, b) => lengths[a] != lengths[b] ? lengths[b].CompareTo(lengths[a]) : a.CompareTo(b));

            var offsets = new long[lengths.Count];
            var done = new List<int>();
            arenaLength = 0;
            withoutReuse = 0;
            foreach (int buffer in order)
            {
                long size = Align(lengths[buffer]);
                withoutReuse += size;
                var overlapping = new List<(long Start, long End)>();
                foreach (int other in done)
                {
                    if (first[buffer] <= last[other] && first[other] <= last[buffer])
                    {
                        overlapping.Add((offsets[other], offsets[other] + Align(lengths[other])));
                    }
                }

                offsets[buffer] = LowestFreeOffset(overlapping, size);
                done.Add(buffer);
                arenaLength = Math.Max(arenaLength, offsets[buffer] + size);
            }

            return offsets;
        }

        /// <summary>The lowest offset where <paramref name="size"/> floats fit between the ranges already taken.</summary>
        private static long LowestFreeOffset(List<(long Start, long End)> taken, long size)
        {
            taken.Sort((a, b) => a.Start.CompareTo(b.Start));
            long offset = 0;
            foreach ((long start, long end) in taken)
            {
                if (offset + size <= start)
                {
                    break;
                }

                offset = Math.Max(offset, end);
            }

            return offset;
        }

        private static long Align(long length) => (length + Alignment - 1) / Alignment * Alignment;
    }
}
