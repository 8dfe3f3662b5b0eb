using System;
using System.CommandLine;
using System.IO;

namespace ResNetGen.Sample.Training;

/// <summary>The <c>train</c> and <c>predict</c> commands: transfer learning on a folder of images, with ML.NET.</summary>
internal static class TrainingCommands
{
    /// <summary>The model file <c>train</c> writes when <c>--output</c> is not given.</summary>
    public const string DefaultModelFile = "model.zip";

    /// <summary>Adds both commands to <paramref name="root"/>, writing to the given streams.</summary>
    public static void AddTo(RootCommand root, TextWriter output, TextWriter error)
    {
        var folder = new Argument<string>("folder")
        {
            Description = "A folder with one sub-folder per label, each holding that label's images (JPEG, PNG, BMP, GIF or WebP).",
        };
        var model = new Option<string>("--model", "-m")
        {
            HelpName = "name",
            Description = "The network whose pooled features the classifier learns from: " + string.Join(", ", ModelCatalog.Names) + " (default resnet18).",
            DefaultValueFactory = _ => "resnet18",
        };
        model.AcceptOnlyFromAmong(ModelCatalog.Names);
        var weights = new Option<string?>("--weights", "-w")
        {
            HelpName = "file",
            Description = "torchvision weights for --model (.pth or .safetensors), e.g. ImageNet-pretrained ones. Without it the network "
                + "has seeded random weights (CreateRandom(0)): its features still train a classifier, a worse one.",
        };
        var modelOutput = new Option<string>("--output", "-o")
        {
            HelpName = "file",
            Description = $"Where to save the trained ML.NET model (default {DefaultModelFile}). It refers to the weights by path; it does not contain them.",
            DefaultValueFactory = _ => DefaultModelFile,
        };
        var testFraction = new Option<double>("--test-fraction")
        {
            HelpName = "F",
            Description = "The share of images held out to measure accuracy, 0.05 to 0.9 (default 0.25).",
            DefaultValueFactory = _ => 0.25,
        };
        testFraction.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0.05 or > 0.9)
            {
                result.AddError("--test-fraction must be between 0.05 and 0.9.");
            }
        });
        var seed = new Option<int>("--seed")
        {
            HelpName = "N",
            Description = "Seeds the held-out split and the trainer (default 0).",
            DefaultValueFactory = _ => 0,
        };
        Option<int?> trainThreads = Threads();
        var train = new Command("train", "Trains a classifier on a folder of images: the network's features (ResNetGen.ML) and ML.NET's "
            + "L-BFGS maximum-entropy trainer; prints the accuracy per label on a held-out part and saves the model.")
        {
            folder, model, weights, modelOutput, testFraction, seed, trainThreads,
        };
#if SAMPLE_TRAINING
        train.SetAction(result => new TransferLearning(output, error).Train(new TrainOptions(
            result.GetValue(folder)!, result.GetValue(model)!, result.GetValue(weights), result.GetValue(modelOutput)!,
            result.GetValue(testFraction), result.GetValue(seed), result.GetValue(trainThreads))));
#else
        train.SetAction(_ => NotInThisBuild(error));
#endif
        root.Subcommands.Add(train);

        var modelFile = new Argument<string>("model") { Description = "A model saved by train." };
        var images = new Argument<string[]>("images") { Description = "Images to classify.", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top", "-k")
        {
            HelpName = "K",
            Description = "Labels listed per image, most likely first (default 3).",
            DefaultValueFactory = _ => 3,
        };
        top.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--top must be at least 1.");
            }
        });
        var predict = new Command("predict", "Labels images with a model saved by train, with the classifier's probability of each label.")
        {
            modelFile, images, top,
        };
#if SAMPLE_TRAINING
        predict.SetAction(result => new TransferLearning(output, error).Predict(result.GetValue(modelFile)!, result.GetValue(images)!, result.GetValue(top)));
#else
        predict.SetAction(_ => NotInThisBuild(error));
#endif
        root.Subcommands.Add(predict);
    }

    private static Option<int?> Threads() => new("--threads", "-t")
    {
        HelpName = "N",
        Description = "Threads that share each network call (default: every core, or RESNETGEN_THREADS).",
    };

#if !SAMPLE_TRAINING
    private static int NotInThisBuild(TextWriter error)
    {
        error.WriteLine("error: train and predict run ML.NET, which this trimmed or NativeAOT build leaves out (ML.NET supports neither); "
            + "run the JIT-compiled sample: dotnet run --project consumer-sample -c Release -- train FOLDER");
        return ExitCodes.UsageError;
    }
#endif
}

/// <summary>What <c>train</c> was asked for.</summary>
/// <param name="Folder">One sub-folder per label.</param>
/// <param name="Model">A name from <see cref="ModelCatalog"/>.</param>
/// <param name="Weights">A weight file, or null for random weights.</param>
/// <param name="Output">Where to save the model.</param>
/// <param name="TestFraction">The share of images held out.</param>
/// <param name="Seed">Seeds the split and the trainer.</param>
/// <param name="Threads">Threads per network call, or null for every core.</param>
internal sealed record TrainOptions(string Folder, string Model, string? Weights, string Output, double TestFraction, int Seed, int? Threads);
