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
    internal sealed record PlannedBuffer(int Id, BufferLocation Location, long Offset, long Length, int FirstUse, int LastUse);

    /// <summary>The buffers one scheduled op touches: the one it writes, those it reads, and its workspace (-1 for none).</summary>
    internal readonly record struct BufferUse(int Destination, EquatableArray<int> Reads, int Workspace);

    /// <summary>
    /// Places every intermediate feature map and workspace in one arena so that buffers alive at the same time never
    /// overlap and buffers with disjoint lifetimes share memory. Greedy by size: the largest buffer is placed first,
    /// each at the lowest offset that is free for its whole lifetime.
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
            long[] offsets = PlaceLargestFirst(lengths, first, last, input, output, out arenaLength, out withoutReuse);

            var buffers = new PlannedBuffer[lengths.Count];
            for (int i = 0; i < buffers.Length; i++)
            {
                BufferLocation location = i == input ? BufferLocation.Input : i == output ? BufferLocation.Output : BufferLocation.Arena;
                buffers[i] = new PlannedBuffer(i, location, location == BufferLocation.Arena ? offsets[i] : 0, lengths[i], first[i], last[i]);
            }

            return new EquatableArray<PlannedBuffer>(buffers);
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
            }

            first[input] = -1;
            return (first, last);

            void Use(int buffer, int index) => last[buffer] = Math.Max(last[buffer], index);
        }

        /// <summary>Arena offsets, largest buffer first, each at the lowest offset free for its whole lifetime.</summary>
        private static long[] PlaceLargestFirst(
            IReadOnlyList<long> lengths, int[] first, int[] last, int input, int output, out long arenaLength, out long withoutReuse)
        {
            var order = new List<int>();
            for (int i = 0; i < lengths.Count; i++)
            {
                if (i != input && i != output)
                {
                    order.Add(i);
                }
            }

            // Largest first; ties in creation order, so the plan is deterministic.
            order.Sort((a, b) => lengths[a] != lengths[b] ? lengths[b].CompareTo(lengths[a]) : a.CompareTo(b));

            var offsets = new long[lengths.Count];
            var placed = new List<int>();
            arenaLength = 0;
            withoutReuse = 0;
            foreach (int buffer in order)
            {
                long size = Align(lengths[buffer]);
                withoutReuse += size;
                var overlapping = new List<(long Start, long End)>();
                foreach (int other in placed)
                {
                    if (first[buffer] <= last[other] && first[other] <= last[buffer])
                    {
                        overlapping.Add((offsets[other], offsets[other] + Align(lengths[other])));
                    }
                }

                offsets[buffer] = LowestFreeOffset(overlapping, size);
                placed.Add(buffer);
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
