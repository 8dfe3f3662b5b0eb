using System;

namespace ResNetGen.Weights;

/// <summary>
/// The bounds that keep a hostile weight file from making <see cref="StateDictLoader"/> allocate or work without limit.
/// Each is far above what a real checkpoint needs: the figures in brackets are for torchvision's resnet152 saved with
/// its SGD optimizer state (935 state_dict entries, 1,401 zip records, a 161 KB pickle).
/// </summary>
/// <remarks>
/// Together they give the bound the reliability tests measure: one load allocates at most
/// 2 x the file's size + 4 bytes per expected tensor element + 64 MiB + 32 KiB per expected entry.
/// </remarks>
internal static class LoadLimits
{
    /// <summary>Records a torch zip may hold [1,401]. .NET's <c>ZipArchive</c> spends several hundred bytes on each.</summary>
    public static long MaxZipEntries(int expectedEntries) => 16_384 + (4L * expectedEntries);

    /// <summary>Bytes of zip central directory accepted [about 130 KB].</summary>
    public static long MaxCentralDirectoryBytes(int expectedEntries) => (4L << 20) + (1024L * expectedEntries);

    /// <summary>
    /// Uncompressed bytes read from a torch zip's records (the pickle and the storages the network uses). torch.save
    /// stores records uncompressed, so they never add up to more than the file; only a zip bomb's deflated records can.
    /// </summary>
    public static long MaxRecordBytes(long fileLength) => (2 * fileLength) + (1L << 20);

    /// <summary>Managed memory the pickle reader may allocate [about 4 MB].</summary>
    public static long MaxPickleAllocatedBytes(int expectedEntries) => (16L << 20) + (8L * 1024 * expectedEntries);

    /// <summary>Bytes of safetensors JSON header accepted (at most the format's own 100 MB) [about 100 KB]; parsing costs about 15 bytes per byte.</summary>
    public static long MaxSafetensorsHeaderBytes(int expectedEntries) => Math.Min(100_000_000, (1L << 20) + (512L * expectedEntries));
}
