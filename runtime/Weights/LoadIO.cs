using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ResNetGen.Weights;

/// <summary>Counts the tensor bytes read and reports them to the caller's <see cref="IProgress{T}"/>.</summary>
internal sealed class ProgressTracker
{
    private readonly IProgress<LoadProgress>? _progress;
    private long _read;

    public ProgressTracker(IProgress<LoadProgress>? progress, long totalBytes)
    {
        _progress = progress;
        TotalBytes = totalBytes;
        _progress?.Report(new LoadProgress(0, totalBytes));
    }

    public long TotalBytes { get; }

    public void Advance(long bytes)
    {
        _read += bytes;
        _progress?.Report(new LoadProgress(_read, TotalBytes));
    }
}

/// <summary>Bounded reads that turn a short stream into a <see cref="WeightLoadException"/> naming the file.</summary>
internal static class LoadIO
{
    /// <summary>Progress is reported after each chunk of this many bytes.</summary>
    private const int ChunkBytes = 4 << 20;

    /// <summary>Fills <paramref name="destination"/> from <paramref name="stream"/>, reporting progress per chunk.</summary>
    /// <exception cref="WeightLoadException">The stream ends first; the message names <paramref name="what"/>.</exception>
    public static void ReadExactly(Stream stream, Span<byte> destination, ProgressTracker? tracker, string source, string what)
    {
        while (destination.Length > 0)
        {
            Span<byte> chunk = destination.Slice(0, Math.Min(ChunkBytes, destination.Length));
            int read = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            if (read < chunk.Length)
            {
                throw new WeightLoadException(source, $"{source}: {what} ends early (the file is truncated or damaged).");
            }

            tracker?.Advance(read);
            destination = destination.Slice(read);
        }
    }

    /// <summary>Largest scratch buffer <see cref="ReadConverted"/> uses: small enough to stay in a core's L2 cache.</summary>
    internal const int ScratchBytes = 1 << 20;

    /// <summary>
    /// Fills <paramref name="destination"/> with <paramref name="destination"/>.Length contiguous little-endian elements of
    /// <paramref name="dtype"/> read from <paramref name="stream"/>, converted to float32. float32 is read straight into
    /// the destination; other types go through <paramref name="scratch"/> (created or grown here, to at most
    /// <see cref="ScratchBytes"/>, and kept for the next call) one chunk at a time, so no copy of the whole tensor is made.
    /// </summary>
    /// <exception cref="WeightLoadException">The stream ends first; the message names <paramref name="what"/>.</exception>
    public static void ReadConverted(
        Stream stream, WeightDType dtype, Span<float> destination, ref byte[]? scratch, ProgressTracker? tracker, string source, string what)
    {
        if (dtype == WeightDType.Float32 && BitConverter.IsLittleEndian)
        {
            ReadExactly(stream, MemoryMarshal.AsBytes(destination), tracker, source, what);
            return;
        }

        int size = WeightDTypes.Size(dtype);
        long byteCount = (long)destination.Length * size;
        int wanted = (int)Math.Min(ScratchBytes, byteCount);
        if (scratch is null || scratch.Length < wanted)
        {
            scratch = new byte[wanted];
        }

        int perChunk = Math.Min(scratch.Length, ScratchBytes) / size;
        while (destination.Length > 0)
        {
            int count = Math.Min(perChunk, destination.Length);
            Span<byte> chunk = scratch.AsSpan(0, count * size);
            int read = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            if (read < chunk.Length)
            {
                throw new WeightLoadException(source, $"{source}: {what} ends early (the file is truncated or damaged).");
            }

            tracker?.Advance(read);
            WeightDTypes.Convert(dtype, chunk, destination.Slice(0, count));
            destination = destination.Slice(count);
        }
    }
}
