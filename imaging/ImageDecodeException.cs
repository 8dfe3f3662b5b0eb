using System;

namespace ResNetGen.Imaging;

/// <summary>
/// An image could not be read or decoded. The message is one line that says why (and what to install, if a library is
/// missing); for <see cref="ImageDecoder.DecodeFile"/> it starts with the file's path, which <see cref="FilePath"/> also holds.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception with a one-line <paramref name="message"/>.</summary>
    public ImageDecodeException(string message)
        : base(message)
    {
        Reason = message;
    }

    /// <summary>Creates the exception with a one-line <paramref name="message"/> and its cause.</summary>
    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>
    /// Creates the exception for the file at <paramref name="filePath"/>: the message is <c>path: reason</c>.
    /// </summary>
    /// <param name="filePath">The file that could not be read or decoded.</param>
    /// <param name="reason">Why, in one line, without the path.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ImageDecodeException(string filePath, string reason, Exception? innerException)
        : base($"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file that could not be read or decoded; null when the image came from memory (<see cref="ImageDecoder.Decode"/>).</summary>
    public string? FilePath { get; }

    /// <summary>Why, in one line, without the file's path (for a report that names the file itself).</summary>
    public string Reason { get; }
}
