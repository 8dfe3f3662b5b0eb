using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResNetGen.Sample;
using ResNetGen.Tests.Pretrained;
using Xunit;

namespace ResNetGen.Tests.Sample;

/// <summary>
/// <c>--pretrained</c> and <c>--weights URL</c>: torchvision's weights from torch.hub's cache (where PyTorch would have put
/// them), a URL downloaded from an HTTP server in the test, and the one message a failed download gives.
/// </summary>
[Collection(TorchHubCollection.Name)]
public sealed class SamplePretrainedTests : IClassFixture<ServedWeights>
{
    private readonly ServedWeights _files;

    public SamplePretrainedTests(ServedWeights files) => _files = files;

    [Fact]
    public void Pretrained_uses_torchvisions_file_from_the_cache_with_its_transform()
    {
        using var home = new TorchHomeScope();
        Directory.CreateDirectory(home.Checkpoints);
        File.WriteAllBytes(Path.Combine(home.Checkpoints, "resnet18-f37072fd.pth"), _files.ResNet18File);
        GoldenImage image = SampleGoldens.Get("landscape.jpg");

        (int exit, string output, string error) = Run("--model", "resnet18", "--pretrained", "--image", image.Path, "--top", "3");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("", error);
        Assert.Contains("torchvision ResNet18_Weights.IMAGENET1K_V1 (top-1 69.758%, top-5 89.078% on ImageNet-1k as torchvision documents it)", output);
        Assert.Contains($"from {Path.Combine(home.Checkpoints, "resnet18-f37072fd.pth")}", output);
        Assert.DoesNotContain("Downloading", output);
        Assert.Contains("each: resize shorter side to 256", output);
        float[] logits = Logits(image.Tensor());
        Assert.Contains(ImageNetClasses.Name(Array.IndexOf(logits, logits.Max())), output);
    }

    [Fact]
    public void Weights_from_a_url_are_downloaded_into_the_cache_and_used()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        Uri url = server.Serve($"resnet18-{ServedWeights.Prefix(_files.ResNet18File)}.pth", _files.ResNet18File);
        GoldenImage image = SampleGoldens.Get("landscape.jpg");

        (int exit, string output, string error) = Run("--model", "resnet18", "--weights", url.ToString(), "--image", image.Path, "--top", "5", "--json");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("", error);
        Assert.Single(home.CachedFiles);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement top = json.RootElement.GetProperty("images")[0].GetProperty("top");
        float[] logits = Logits(image.Tensor());
        Assert.Equal(Array.IndexOf(logits, logits.Max()), top[0].GetProperty("classIndex").GetInt32());
    }

    [Fact]
    public void A_failed_download_is_one_error_naming_the_url_and_the_path()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        Uri url = server.UrlOf("resnet50-11ad3fa6.pth");

        (int exit, string output, string error) = Run("--model", "resnet50", "--weights", url.ToString());

        Assert.Equal(ExitCodes.WeightsError, exit);
        Assert.Equal(
            $"error: {url}: cannot be downloaded: the server answered 404 Not Found. To use a copy fetched another way, put it at " +
            $"{Path.Combine(home.Checkpoints, "resnet50-11ad3fa6.pth")}; it is used from there without a download\n",
            error);
        Assert.Contains($"Downloading {url} to {Path.Combine(home.Checkpoints, "resnet50-11ad3fa6.pth")}", output);
        Assert.Empty(home.CachedFiles);
    }

    [Fact]
    public void Pretrained_and_weights_together_are_a_usage_error()
    {
        (int exit, _, string error) = Run("--pretrained", "--weights", "resnet50.pth");

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("--pretrained and --weights cannot be used together", error);
    }

    private float[] Logits(float[] input)
    {
        var logits = new float[1000];
        ResNetGen.Sample.ResNet18.FromStateDict(_files.ResNet18Weights).Forward(input, logits);
        return logits;
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = SampleCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString().Replace("\r", ""));
    }
}
