using System;
using System.IO;
using System.Linq;
using ResNetGen.Sample;
using ResNetGen.Tests.MLNet;
using Xunit;

namespace ResNetGen.Tests.Sample;

/// <summary>The sample's <c>train</c> and <c>predict</c> commands, run in-process on a small folder of real digits.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("resnetgen-train-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Train_reports_accuracy_per_label_and_saves_a_model_that_predict_uses()
    {
        string folder = SmallFolder(["0", "1", "7"], perLabel: 10);
        string model = Path.Combine(_directory, "digits.zip");
        (int exit, string output, string error) = Run("train", folder, "--model", "resnet18", "--output", model, "--test-fraction", "0.3");
        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("Weights: RANDOM (resnet18 CreateRandom(0))", output);
        Assert.Contains("Featurised 30 images", output);
        foreach (string label in new[] { "0", "1", "7" })
        {
            Assert.Matches($@"(?m)^  {label}\s+\d+\s+\d+\s+", output);
        }

        Assert.Contains("Held-out accuracy: ", output);
        Assert.True(File.Exists(model));

        string[] images = [Path.Combine(folder, "1", "a.png"), Path.Combine(folder, "7", "b.png")];
        File.Copy(Directory.GetFiles(Path.Combine(DigitsData.Folder, "1")).Order(StringComparer.Ordinal).Last(), images[0]);
        File.Copy(Directory.GetFiles(Path.Combine(DigitsData.Folder, "7")).Order(StringComparer.Ordinal).Last(), images[1]);
        (exit, output, error) = Run("predict", model, images[0], images[1], "--top", "2");
        Assert.True(exit == ExitCodes.Success, error);
        string[] lines = [.. output.Split('\n').Where(l => l.Contains(".png: ", StringComparison.Ordinal))];
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"\.png: [017]   \([017] \d+\.\d %, [017] \d+\.\d %\)", line));
    }

    [Fact]
    public void Train_and_predict_refuse_bad_input_with_one_error_line()
    {
        string folder = SmallFolder(["3"], perLabel: 2);
        (int exit, _, string error) = Run("train", folder);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("needs a sub-folder of images per label, at least two; found 1", error);

        (exit, _, error) = Run("train", SmallFolder(["4", "5"], perLabel: 2), "--weights", Path.Combine(_directory, "missing.pth"));
        Assert.Equal(ExitCodes.WeightsError, exit);
        Assert.Contains("does not exist", error);

        (exit, _, error) = Run("predict", Path.Combine(_directory, "none.zip"), "x.png");
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("no model file", error);

        (exit, _, error) = Run("train", folder, "--test-fraction", "0.99");
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("--test-fraction must be between 0.05 and 0.9", error);
    }

    private string SmallFolder(string[] labels, int perLabel)
    {
        string folder = Path.Combine(_directory, "set-" + string.Concat(labels));
        foreach (string label in labels)
        {
            Directory.CreateDirectory(Path.Combine(folder, label));
            foreach (string file in Directory.GetFiles(Path.Combine(DigitsData.Folder, label)).Order(StringComparer.Ordinal).Take(perLabel))
            {
                File.Copy(file, Path.Combine(folder, label, Path.GetFileName(file)));
            }
        }

        return folder;
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = SampleCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
