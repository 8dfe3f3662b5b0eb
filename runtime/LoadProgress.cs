namespace ResNetGen;

/// <summary>
/// How far <see cref="StateDictLoader"/> has read a weight file's tensor data, reported through
/// <see cref="System.IProgress{T}"/> while the storages are read.
/// </summary>
/// <param name="BytesRead">Bytes of tensor data read so far.</param>
/// <param name="TotalBytes">Bytes of tensor data the load will read in all (the tensors the network needs).</param>
public readonly record struct LoadProgress(long BytesRead, long TotalBytes)
{
    /// <summary>The fraction done, from 0 to 1 (1 when there is nothing to read).</summary>
    public double Fraction => TotalBytes <= 0 ? 1.0 : (double)BytesRead / TotalBytes;
}
