namespace ResNetGen.Sample;

/// <summary>The exit codes of the sample.</summary>
internal static class ExitCodes
{
    /// <summary>Every image was classified.</summary>
    public const int Success = 0;

    /// <summary>At least one image could not be read or decoded; the others were classified.</summary>
    public const int ImageErrors = 1;

    /// <summary>Bad command line: an invalid option, a missing --image path, or a folder without images.</summary>
    public const int UsageError = 2;

    /// <summary>The weights could not be loaded: missing, damaged, or for another architecture.</summary>
    public const int WeightsError = 3;
}

/// <summary>What the command line asked for.</summary>
/// <param name="Model">A name from <see cref="ModelCatalog"/>.</param>
/// <param name="Weights">A .pth or .safetensors file or http(s) URL, or null for random (or pretrained) weights.</param>
/// <param name="Image">An image file or a folder of images, or null for the built-in picture.</param>
/// <param name="Top">How many classes to list per image.</param>
/// <param name="Threads">Threads per Forward call, or null for every core.</param>
/// <param name="Batch">Images in flight at once.</param>
/// <param name="Json">Print one JSON document instead of tables.</param>
/// <param name="Pretrained">Load torchvision's published weights for the model (downloaded once into torch.hub's cache).</param>
internal sealed record SampleOptions(string Model, string? Weights, string? Image, int Top, int? Threads, int Batch, bool Json, bool Pretrained = false);
