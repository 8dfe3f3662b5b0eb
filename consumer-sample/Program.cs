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
            var options = new CommandOptions();
            RootCommand root = options.CreateCommand();
            Training.TrainingCommands.AddTo(root, output, error);

            // Before parsing: a root command with subcommands and no action of its own would require one of them.
            root.SetAction(result => new SampleApp(options.Read(result), output, error).Run());
            ParseResult parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                ReportErrors(parsed, error);
                return ExitCodes.UsageError;
            }

            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }

        /// <summary>One line per error, even for messages that list the accepted values on several lines.</summary>
        private static void ReportErrors(ParseResult parsed, TextWriter error)
        {
            foreach (System.CommandLine.Parsing.ParseError parseError in parsed.Errors)
            {
                string message = string.Join(' ', parseError.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                error.WriteLine($"error: {message}");
            }

            error.WriteLine("Run with --help to see every option.");
        }

        /// <summary>Refuses values of <paramref name="option"/> outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
        private static void AcceptOnlyBetween<T>(Option<T> option, int min, int max)
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<T>() is int value && (value < min || value > max))
                {
                    result.AddError($"{option.Name} must be between {min} and {max}.");
                }
            });
        }

        /// <summary>Every option of the command, with its help text and limits.</summary>
        private sealed class CommandOptions
        {
            private readonly Option<string?> _weights = new("--weights", "-w")
            {
                HelpName = "file|url",
                Description = "torchvision weights for --model: a state_dict saved with torch.save (.pth, either format) or a .safetensors file, "
                    + "or an http(s) URL of one (downloaded once into torch.hub's cache). Without it (or --pretrained) the network gets "
                    + "seeded random weights (CreateRandom(0)) and its classes mean nothing.",
            };

            private readonly Option<bool> _pretrained = new("--pretrained")
            {
                Description = "torchvision's published ImageNet weights for --model (its DEFAULT: IMAGENET1K_V2 where there is one), "
                    + "downloaded once into torch.hub's cache ($TORCH_HOME/hub/checkpoints, by default ~/.cache/torch/hub/checkpoints) "
                    + "and checked; images are preprocessed with those weights' eval transform.",
            };

            private readonly Option<string?> _image = new("--image", "-i")
            {
                HelpName = "file|folder",
                Description = "A JPEG, PNG or PBM/PGM/PPM image, or a folder: every *.jpg, *.jpeg, *.png, *.ppm, *.pgm, *.pbm, *.pnm "
                    + "directly in it, in name order. Without it, a built-in test pattern.",
            };

            private readonly Option<string> _model = new("--model", "-m")
            {
                HelpName = "name",
                Description = "The architecture the weights are for: " + string.Join(", ", ModelCatalog.Names) + ".",
                DefaultValueFactory = _ => ModelCatalog.DefaultName,
            };

            private readonly Option<int> _top = new("--top", "-k")
            {
                HelpName = "K",
                Description = "How many classes to list per image, most likely first, with softmax probabilities (1..1000).",
                DefaultValueFactory = _ => 5,
            };

            private readonly Option<int?> _threads = new("--threads", "-t")
            {
                HelpName = "N",
                Description = "Threads that share each Forward call (default: every core, or RESNETGEN_THREADS).",
            };

            private readonly Option<int> _batch = new("--batch", "-b")
            {
                HelpName = "N",
                Description = "Images in flight at once, for folders: N images are decoded and run through Forward concurrently "
                    + "(Forward is thread-safe), which trades latency for throughput; e.g. --threads 1 --batch <cores>. "
                    + "The compiled networks keep batch size 1.",
                DefaultValueFactory = _ => 1,
            };

            private readonly Option<bool> _json = new("--json")
            {
                Description = "Print one JSON document (model, per-image top-K, timings, errors, totals) instead of tables.",
            };

            public CommandOptions()
            {
                _model.AcceptOnlyFromAmong(ModelCatalog.Names);
                AcceptOnlyBetween(_top, 1, 1000);
                AcceptOnlyBetween(_threads, 1, 1024);
                AcceptOnlyBetween(_batch, 1, 256);
                _pretrained.Validators.Add(result =>
                {
                    if (result.GetValueOrDefault<bool>() && result.Parent?.GetResult(_weights) is not null)
                    {
                        result.AddError("--pretrained and --weights cannot be used together: --pretrained loads torchvision's published weights.");
                    }
                });
            }

            public RootCommand CreateCommand() => new(
                "Classifies images with a torchvision ResNet compiled to C# by ResNetGen, preprocessed exactly as torchvision's "
                + "ImageNet eval transform (resize 256, center crop 224, normalise). With no options: resnet50 with random "
                + "weights on a built-in picture; --pretrained for torchvision's published ones. Exit codes: 0 all classified, 1 some images could not be read (the rest were "
                + "classified), 2 bad command line or no images, 3 the weights could not be loaded.")
            {
                _weights, _pretrained, _image, _model, _top, _threads, _batch, _json,
            };

            public SampleOptions Read(ParseResult result) => new(
                result.GetValue(_model)!,
                result.GetValue(_weights),
                result.GetValue(_image),
                result.GetValue(_top),
                result.GetValue(_threads),
                result.GetValue(_batch),
                result.GetValue(_json),
                result.GetValue(_pretrained));
        }
    }
}
