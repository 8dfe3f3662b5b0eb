namespace ResNetGen;

/// <summary>How the bytes of one pixel of an <see cref="ImagePixels"/> are laid out; 8 bits per channel.</summary>
public enum ImagePixelFormat
{
    /// <summary>Three bytes per pixel: red, green, blue (PIL's mode "RGB").</summary>
    Rgb24 = 0,

    /// <summary>Four bytes per pixel: red, green, blue, alpha. Alpha is ignored, as PIL's <c>convert("RGB")</c> drops it.</summary>
    Rgba32 = 1,

    /// <summary>One byte per pixel, a gray level, used for all three channels as PIL's <c>convert("RGB")</c> does.</summary>
    Gray8 = 2,
}
