using System;

namespace ResNetGen.Weights;

/// <summary>
/// Where the fields this project reads sit in zip records (PKWARE's APPNOTE.TXT, sections 4.3.7 to 4.3.16): record
/// signatures, lengths, and field offsets from a record's first byte. Everything else in an archive is read by
/// <see cref="System.IO.Compression.ZipArchive"/>.
/// </summary>
internal static class ZipLayout
{
    /// <summary>Signature of a local file header, the first record of a non-empty zip file.</summary>
    public static ReadOnlySpan<byte> LocalFileHeaderSignature => "PK\x03\x04"u8;

    /// <summary>Bits of a central directory header's external attributes above which a Unix writer stores the file mode.</summary>
    public const int CentralHeaderUnixModeShift = 16;

    /// <summary>The file-type bits of a Unix file mode.</summary>
    public const uint UnixFileTypeMask = 0xF000;

    /// <summary>The Unix file type of a symbolic link.</summary>
    public const uint UnixSymbolicLink = 0xA000;

    /// <summary>Signature of the end of central directory record, the last record of a zip file (an empty zip holds only it).</summary>
    public static ReadOnlySpan<byte> EndRecordSignature => "PK\x05\x06"u8;

    /// <summary>Length of the end of central directory record without its trailing comment.</summary>
    public const int EndRecordLength = 22;

    /// <summary>Longest comment that can follow the end of central directory record.</summary>
    public const int EndRecordMaxCommentLength = ushort.MaxValue;

    /// <summary>Offset in the end record of the total number of central directory records (2 bytes; 0xFFFF: see the zip64 record).</summary>
    public const int EndRecordTotalEntries = 10;

    /// <summary>Offset in the end record of the central directory's size in bytes (4 bytes; 0xFFFFFFFF: see the zip64 record).</summary>
    public const int EndRecordDirectorySize = 12;

    /// <summary>Signature of the zip64 end of central directory locator, which sits just before the end record.</summary>
    public static ReadOnlySpan<byte> Zip64LocatorSignature => "PK\x06\x07"u8;

    /// <summary>Length of the zip64 end of central directory locator.</summary>
    public const int Zip64LocatorLength = 20;

    /// <summary>Offset in the zip64 locator of the zip64 end record's position in the file (8 bytes).</summary>
    public const int Zip64LocatorRecordPosition = 8;

    /// <summary>Signature of the zip64 end of central directory record.</summary>
    public static ReadOnlySpan<byte> Zip64RecordSignature => "PK\x06\x06"u8;

    /// <summary>Length of the zip64 end of central directory record without its extensible data.</summary>
    public const int Zip64RecordLength = 56;

    /// <summary>Offset in the zip64 end record of the total number of central directory records (8 bytes).</summary>
    public const int Zip64RecordTotalEntries = 32;

    /// <summary>Offset in the zip64 end record of the central directory's size in bytes (8 bytes).</summary>
    public const int Zip64RecordDirectorySize = 40;
}
