using System;

namespace ResNetGen.Imaging;

/// <summary>An image could not be read or decoded; the message is one line that says why (and what to install, if a library is missing).</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception with a one-line <paramref name="message"/>.</summary>
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line <paramref name="message"/> and its cause.</summary>
    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
