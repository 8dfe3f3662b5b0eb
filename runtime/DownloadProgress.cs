namespace ResNetGen;

/// <summary>How far a weight file's download has come, reported through <see cref="System.IProgress{T}"/>.</summary>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The file's size as the server announced it (Content-Length), or null when it did not.</param>
public readonly record struct DownloadProgress(long BytesReceived, long? TotalBytes)
{
    /// <summary>The fraction done, from 0 to 1, or null when the total is unknown.</summary>
    public double? Fraction => TotalBytes is long total ? (total <= 0 ? 1.0 : (double)BytesReceived / total) : null;
}
