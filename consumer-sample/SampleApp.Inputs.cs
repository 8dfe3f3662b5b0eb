using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ResNetGen.Imaging;

namespace ResNetGen.Sample;

// The images to classify: the built-in picture, one file, or every image directly in a folder, in name order.
internal sealed partial class SampleApp
{
    private bool TryListInputs(out List<ImageInput> inputs, out string? description, out string? error)
    {
        inputs = [];
        description = null;
        error = null;
        string? path = _options.Image;
        if (path is null)
        {
            inputs.Add(new ImageInput("built-in test pattern", null, SyntheticImage.Create()));
            description = $"built-in test pattern ({SyntheticImage.Width}x{SyntheticImage.Height}, deterministic; pass --image FILE or FOLDER for real ones)";
            return true;
        }

        if (File.Exists(path))
        {
            inputs.Add(new ImageInput(path, path, null));
            description = path;
            return true;
        }

        if (!Directory.Exists(path))
        {
            error = $"--image {path}: no such file or folder";
            return false;
        }

        try
        {
            inputs = [.. Directory.EnumerateFiles(path)
                .Where(f => ImageDecoder.Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(f => new ImageInput(f, f, null))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"--image {path}: cannot list the folder: {e.Message}";
            return false;
        }

        if (inputs.Count == 0)
        {
            error = $"--image {path}: the folder has no images ({string.Join(", ", ImageDecoder.Extensions.Select(x => "*" + x))})";
            return false;
        }

        description = $"{path}: {inputs.Count} image(s)";
        return true;
    }
}
