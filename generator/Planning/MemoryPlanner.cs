using System;
using System.Collections.Generic;

namespace ResNetGen.Planning
{
    /// <summary>
    /// Places every intermediate feature map and workspace in one arena so that buffers alive at the same time never
    /// overlap and buffers with disjoint lifetimes share memory. Greedy by size: the largest buffer is placed first,
    /// each at the lowest offset that is free for its whole lifetime.
    /// </summary>
    internal static class MemoryPlanner
    {
        /// <summary>Offsets are multiples of 16 floats (64 bytes, one cache line).</summary>
        public const int Alignment = 16;

        public static EquatableArray<PlannedBuffer> Assign(
            IReadOnlyList<long> lengths, IReadOnlyList<PlanOp> ops, int input, int output, out long arenaLength, out long withoutReuse)
        {
            int count = lengths.Count;
            var first = new int[count];
            var last = new int[count];
            for (int i = 0; i < count; i++)
            {
                first[i] = int.MaxValue;
                last[i] = -1;
            }

            for (int index = 0; index < ops.Count; index++)
            {
                PlanOp op = ops[index];
                first[op.Destination] = Math.Min(first[op.Destination], index);
                last[op.Destination] = Math.Max(last[op.Destination], index);
                Use(op.Source, index);
                if (op is ConvolutionOp convolution)
                {
                    if (convolution.Residual >= 0)
                    {
                        Use(convolution.Residual, index);
                    }

                    // A workspace lives only while its op runs.
                    if (convolution.Workspace >= 0)
                    {
                        first[convolution.Workspace] = index;
                        Use(convolution.Workspace, index);
                    }
                }
            }

            first[input] = -1;

            var order = new List<int>();
            for (int i = 0; i < count; i++)
            {
                if (i != input && i != output)
                {
                    order.Add(i);
                }
            }

            // Largest first; ties in creation order, so the plan is deterministic.
            order.Sort((a, b) => lengths[a] != lengths[b] ? lengths[b].CompareTo(lengths[a]) : a.CompareTo(b));

            var offsets = new long[count];
            var placed = new List<int>();
            arenaLength = 0;
            withoutReuse = 0;
            foreach (int buffer in order)
            {
                long size = Align(lengths[buffer]);
                withoutReuse += size;
                var conflicts = new List<(long Start, long End)>();
                foreach (int other in placed)
                {
                    if (first[buffer] <= last[other] && first[other] <= last[buffer])
                    {
                        conflicts.Add((offsets[other], offsets[other] + Align(lengths[other])));
                    }
                }

                conflicts.Sort((a, b) => a.Start.CompareTo(b.Start));
                long offset = 0;
                foreach ((long start, long end) in conflicts)
                {
                    if (offset + size <= start)
                    {
                        break;
                    }

                    offset = Math.Max(offset, end);
                }

                offsets[buffer] = offset;
                placed.Add(buffer);
                arenaLength = Math.Max(arenaLength, offset + size);
            }

            var buffers = new PlannedBuffer[count];
            for (int i = 0; i < count; i++)
            {
                BufferLocation location = i == input ? BufferLocation.Input : i == output ? BufferLocation.Output : BufferLocation.Arena;
                buffers[i] = new PlannedBuffer(i, location, location == BufferLocation.Arena ? offsets[i] : 0, lengths[i], first[i], last[i]);
            }

            return new EquatableArray<PlannedBuffer>(buffers);

            void Use(int buffer, int index) => last[buffer] = Math.Max(last[buffer], index);
        }

        private static long Align(long length) => (length + Alignment - 1) / Alignment * Alignment;
    }
}
