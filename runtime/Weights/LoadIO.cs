using System;
using System.IO;

namespace ResNetGen;

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
}
