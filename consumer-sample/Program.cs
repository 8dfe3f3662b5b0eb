using System;
using System.CommandLine;
using System.IO;
using ResNetGen.Sample;

// resnetgen-sample: classifies images with a ResNet compiled by ResNetGen. With no arguments it runs resnet50 with
// seeded random weights on a built-in picture, so it works with nothing downloaded.
return SampleCommand.Run(args, Console.Out, Console.Error);

namespace ResNetGen.Sample
{
    /// <summary>The command line: options, their help, validation, and the hand-over to <see cref="SampleApp"/>.</summary>
    internal static class SampleCommand
    {
        /// <summary>Parses <paramref name="args"/> and runs the sample; returns one of <see cref="ExitCodes"/>.</summary>
        public static int Run(string[] args, TextWriter output, TextWriter error)
        {
            var weights = new Option<string?>("--weights", "-w")
            {
                HelpName = "file",
                Description = "torchvision weights for --model: a state_dict saved with torch.save (.pth) or a .safetensors file. "
                    + "Without it the network gets seeded random weights (CreateRandom(0)) and its classes mean nothing.",
            };
            var image = new Option<string?>("--image", "-i")
            {
                HelpName = "file|folder",
                Description = "A JPEG, PNG or PBM/PGM/PPM image, or a folder: every *.jpg, *.jpeg, *.png, *.ppm, *.pgm, *.pbm, *.pnm "
                    + "directly in it, in name order. Without it, a built-in test pattern.",
            };
            var model = new Option<string>("--model", "-m")
            {
                HelpName = "name",
                Description = "The architecture the weights are for: " + string.Join(", ", ModelCatalog.Names) + ".",
                DefaultValueFactory = _ => ModelCatalog.DefaultName,
            };
            model.AcceptOnlyFromAmong(ModelCatalog.Names);
            var top = new Option<int>("--top", "-k")
            {
                HelpName = "K",
                Description = "How many classes to list per image, most likely first, with softmax probabilities (1..1000).",
                DefaultValueFactory = _ => 5,
            };
            top.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() is < 1 or > 1000)
                {
                    result.AddError("--top must be between 1 and 1000.");
                }
            });
            var threads = new Option<int?>("--threads", "-t")
            {
                HelpName = "N",
                Description = "Threads that share each Forward call (default: every core, or RESNETGEN_THREADS).",
            };
            threads.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int?>() is < 1 or > 1024)
                {
                    result.AddError("--threads must be between 1 and 1024.");
                }
            });
            var batch = new Option<int>("--batch", "-b")
            {
                HelpName = "N",
                Description = "Images in flight at once, for folders: N images are decoded and run through Forward concurrently "
                    + "(Forward is thread-safe), which trades latency for throughput; e.g. --threads 1 --batch <cores>. "
                    + "The compiled networks keep batch size 1.",
                DefaultValueFactory = _ => 1,
            };
            batch.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() is < 1 or > 256)
                {
                    result.AddError("--batch must be between 1 and 256.");
                }
            });
            var json = new Option<bool>("--json")
            {
                Description = "Print one JSON document (model, per-image top-K, timings, errors, totals) instead of tables.",
            };

            var root = new RootCommand(
                "Classifies images with a torchvision ResNet compiled to C# by ResNetGen, preprocessed exactly as torchvision's "
                + "ImageNet eval transform (resize 256, center crop 224, normalise). With no options: resnet50 with random "
                + "weights on a built-in picture. Exit codes: 0 all classified, 1 some images could not be read (the rest were "
                + "classified), 2 bad command line or no images, 3 the weights could not be loaded.")
            {
                weights, image, model, top, threads, batch, json,
            };

            ParseResult parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (System.CommandLine.Parsing.ParseError parseError in parsed.Errors)
                {
                    // One line per error, even for messages that list the accepted values on several lines.
                    string message = string.Join(' ', parseError.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    error.WriteLine($"error: {message}");
                }

                error.WriteLine("Run with --help to see every option.");
                return ExitCodes.UsageError;
            }

            root.SetAction(result => new SampleApp(
                new SampleOptions(
                    result.GetValue(model)!,
                    result.GetValue(weights),
                    result.GetValue(image),
                    result.GetValue(top),
                    result.GetValue(threads),
                    result.GetValue(batch),
                    result.GetValue(json)),
                output,
                error).Run());
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }
    }
}
