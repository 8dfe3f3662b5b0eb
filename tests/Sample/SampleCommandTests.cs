using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ResNetGen.Sample;
using Xunit;

namespace ResNetGen.Tests.Sample;

/// <summary>
/// The sample end to end, in-process through its command line (<see cref="SampleCommand.Run"/>): the committed images,
/// weights written here as .safetensors, bad input of every kind. resnet18 keeps it quick.
/// </summary>
public sealed class SampleCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("resnetgen-sample-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void With_no_arguments_it_runs_resnet50_on_the_built_in_image_and_says_the_weights_are_random()
    {
        (int exit, string output, string error) = Run();
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("", error);
        Assert.Contains("torchvision resnet50", output);
        Assert.Contains("RANDOM", output);
        Assert.Contains("built-in test pattern", output);
        Assert.Contains("probability", output);
        Assert.Contains("Latency: first call", output);
        Assert.Equal(5, output.Split('\n').Count(line => line.Contains(" %")));
    }

    [Fact]
    public void A_folder_is_classified_in_name_order_as_json()
    {
        (int exit, string output, string error) = Run("--image", SampleGoldens.Images, "--model", "resnet18", "--top", "3", "--batch", "2", "--json");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("", error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal("resnet18", root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("randomWeights").GetBoolean());
        string[] files = [.. root.GetProperty("images").EnumerateArray().Select(i => Path.GetFileName(i.GetProperty("file").GetString()!))];
        Assert.Equal(SampleGoldens.All.Select(g => g.File).Order(StringComparer.Ordinal), files);
        foreach (JsonElement image in root.GetProperty("images").EnumerateArray())
        {
            JsonElement[] top = [.. image.GetProperty("top").EnumerateArray()];
            Assert.Equal(3, top.Length);
            Assert.Equal(ImageNetClasses.Name(top[0].GetProperty("classIndex").GetInt32()), top[0].GetProperty("label").GetString());
            Assert.True(top[0].GetProperty("probability").GetDouble() >= top[2].GetProperty("probability").GetDouble());
            Assert.True(image.GetProperty("forwardMs").GetDouble() > 0);
            Assert.False(image.TryGetProperty("error", out _));
        }

        JsonElement summary = root.GetProperty("summary");
        Assert.Equal(SampleGoldens.All.Count, summary.GetProperty("classified").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.True(summary.GetProperty("imagesPerSecond").GetDouble() > 0);
    }

    [Fact]
    public void Weights_from_a_file_give_the_same_logits_as_the_network_built_from_them()
    {
        StateDict weights = StateDict.CreateRandom(ResNetGen.Sample.ResNet18.Parameters, seed: 11);
        string path = WriteSafetensors(weights, ResNetGen.Sample.ResNet18.Parameters, "resnet18.safetensors");
        string image = SampleGoldens.Get("landscape.jpg").Path;

        (int exit, string output, string error) = Run("--weights", path, "--image", image, "--model", "resnet18", "--top", "5", "--json");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("", error);

        var network = ResNetGen.Sample.ResNet18.FromStateDict(weights);
        var logits = new float[1000];
        network.Forward(SampleGoldens.Get("landscape.jpg").Tensor(), logits);
        Prediction[] expected = ImageClassifier.TopK(logits, 5);

        using JsonDocument json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("randomWeights").GetBoolean());
        JsonElement[] top = [.. json.RootElement.GetProperty("images")[0].GetProperty("top").EnumerateArray()];
        Assert.Equal(expected.Select(p => p.ClassIndex), top.Select(t => t.GetProperty("classIndex").GetInt32()));
        Assert.Equal(expected.Select(p => p.Logit), top.Select(t => t.GetProperty("logit").GetSingle()));
    }

    [Fact]
    public void Weights_for_another_architecture_say_which_model_to_run_first_then_the_keys_and_exit_code_3()
    {
        string path = WriteSafetensors(
            StateDict.CreateRandom(ResNetGen.Sample.ResNet18.Parameters, seed: 1), ResNetGen.Sample.ResNet18.Parameters, "resnet18.safetensors");

        (int exit, string output, string error) = Run("--weights", path, "--model", "resnet34");
        Assert.Equal(ExitCodes.WeightsError, exit);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // The fix for this command line first; then the counts and the keys, and no advice to change a declaration,
        // which a user of the sample cannot do.
        Assert.Equal("error: The file fits --model resnet18, not --model resnet34: run again with --model resnet18.", lines[0]);
        Assert.Contains("do not match the network", lines[1]);
        Assert.Contains("missing", lines[1]);
        Assert.Contains(path, lines[1]);
        Assert.Contains(lines, line => line.Contains("layer1.2.conv1.weight")); // resnet34 has three blocks in layer1, resnet18 two
        Assert.All(lines.Skip(1), line => Assert.StartsWith("  ", line));
        Assert.DoesNotContain(lines, line => line.Contains("[ResNet(", StringComparison.Ordinal) || line.Contains("declare", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("rank", output);
    }

    [Fact]
    public void A_weights_error_in_json_lists_every_key()
    {
        string path = WriteSafetensors(
            StateDict.CreateRandom(ResNetGen.Sample.ResNet18.Parameters, seed: 1), ResNetGen.Sample.ResNet18.Parameters, "resnet18.safetensors");

        (int exit, string output, _) = Run("--weights", path, "--model", "resnet50", "--json");
        Assert.Equal(ExitCodes.WeightsError, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement failure = json.RootElement.GetProperty("error");
        int missing = failure.GetProperty("missingKeys").GetArrayLength();
        int unexpected = failure.GetProperty("unexpectedKeys").GetArrayLength();
        int mismatched = failure.GetProperty("shapeMismatches").GetArrayLength();
        Assert.True(missing > 100, $"{missing} missing keys");
        Assert.True(unexpected + mismatched > 0);
        Assert.Equal("resnet18", failure.GetProperty("fitsModel").GetString());
    }

    [Fact]
    public void Bad_images_in_a_folder_are_one_line_each_and_the_rest_is_still_classified()
    {
        File.Copy(SampleGoldens.Get("gray.pgm").Path, Path.Combine(_directory, "a-good.pgm"));
        File.Copy(SampleGoldens.Get("palette.png").Path, Path.Combine(_directory, "z-good.png"));
        File.WriteAllBytes(Path.Combine(_directory, "truncated.jpg"), File.ReadAllBytes(SampleGoldens.Get("landscape.jpg").Path)[..2000]);
        File.WriteAllBytes(Path.Combine(_directory, "corrupt.png"), File.ReadAllBytes(SampleGoldens.Get("portrait.png").Path)[..300]);
        File.WriteAllText(Path.Combine(_directory, "not-an-image.jpeg"), "hello");
        File.WriteAllBytes(Path.Combine(_directory, "empty.ppm"), []);
        File.WriteAllText(Path.Combine(_directory, "notes.txt"), "not an image extension: skipped");

        (int exit, string output, string error) = Run("--image", _directory, "--model", "resnet18", "--top", "1");
        Assert.Equal(ExitCodes.ImageErrors, exit);
        string[] errors = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, errors.Length);
        Assert.All(errors, line => Assert.StartsWith("error: " + _directory, line));
        Assert.Contains(errors, line => line.Contains("truncated.jpg: corrupt or truncated JPEG"));
        Assert.Contains(errors, line => line.Contains("corrupt.png: corrupt or unsupported PNG"));
        Assert.Contains(errors, line => line.Contains("not-an-image.jpeg: not a supported image"));
        Assert.Contains(errors, line => line.Contains("empty.ppm: the file is empty"));
        Assert.Contains("a-good.pgm", output);
        Assert.Contains("z-good.png", output);
        Assert.Equal(4, output.Split('\n').Count(line => line.Contains("not classified:")));
        Assert.Contains("Classified 2 of 6 image(s)", output);
        Assert.Contains("images/s", output);
    }

    [Fact]
    public void An_empty_folder_is_one_error_line_and_exit_code_2()
    {
        (int exit, string output, string error) = Run("--image", _directory);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Equal($"error: --image {_directory}: the folder has no images (*.jpg, *.jpeg, *.png, *.ppm, *.pgm, *.pbm, *.pnm)", error.Trim());
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("--model", "resnet9")]
    [InlineData("--top", "0")]
    [InlineData("--batch", "-1")]
    [InlineData("--threads", "0")]
    [InlineData("--image")]
    [InlineData("--unknown")]
    public void Bad_options_are_one_error_line_and_exit_code_2(params string[] args)
    {
        (int exit, string output, string error) = Run(args);
        Assert.Equal(ExitCodes.UsageError, exit);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Equal("Run with --help to see every option.", lines[^1].Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public void Missing_files_are_errors_not_crashes()
    {
        string missing = Path.Combine(_directory, "missing.pth");
        (int exit, _, string error) = Run("--weights", missing, "--model", "resnet18");
        Assert.Equal(ExitCodes.WeightsError, exit);
        Assert.StartsWith($"error: {missing}: there is no such file", error);

        (exit, _, error) = Run("--image", Path.Combine(_directory, "missing.jpg"));
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("no such file or folder", error);
    }

    [Fact]
    public void Help_explains_every_option()
    {
        (int exit, string output, _) = Run("--help");
        Assert.Equal(ExitCodes.Success, exit);
        foreach (string option in new[] { "--weights", "--image", "--model", "--top", "--threads", "--batch", "--json", "Exit codes" })
        {
            Assert.Contains(option, output);
        }

        Assert.All(ModelCatalog.Names, name => Assert.Contains(name, output));
    }

    [Fact]
    public void Every_sample_network_is_the_torchvision_model_it_is_named_after()
    {
        // The sample declares its networks as attributes; their printed module trees show they are the table's architectures.
        Assert.All(ModelCatalog.All, model => Assert.Equal(TorchvisionArchitecture.Find(model.Name)?.TorchvisionRepr, model.TorchvisionRepr));
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = SampleCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString().Replace("\r", ""));
    }

    private string WriteSafetensors(StateDict weights, IReadOnlyList<StateDictEntry> entries, string name) =>
        SafetensorsFile.Write(Path.Combine(_directory, name), weights, entries);
}
