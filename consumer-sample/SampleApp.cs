using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ResNetGen.Imaging;
using ResNetGen.Kernels;
using ResNetGen.Sample.Output;
using Spectre.Console;

namespace ResNetGen.Sample;

/// <summary>Runs the sample for parsed options, writing to the given streams (the tests run it in-process).</summary>
internal sealed partial class SampleApp
{
    private const int RandomSeed = 0;
    private const int RepeatRuns = 5;

    private readonly SampleOptions _options;
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly IAnsiConsole _console;
    private readonly ConsoleReport _report;
    private readonly JsonReport? _json;

    /// <summary>Prepares a run of <paramref name="options"/>.</summary>
    public SampleApp(SampleOptions options, TextWriter output, TextWriter error)
    {
        _options = options;
        _out = output;
        _error = error;
        // Colours, live progress bars and the terminal's width only on a terminal; redirected output is plain text
        // whose lines are not wrapped.
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            _console.Profile.Width = 240;
        }

        _report = new ConsoleReport(_console);
        if (options.Json)
        {
            _json = new JsonReport
            {
                Model = options.Model,
                Weights = options.Pretrained ? TorchvisionWeights.Default(options.Model)?.ToString() : options.Weights,
                RandomWeights = options.Weights is null && !options.Pretrained,
                Threads = options.Threads ?? WorkerPool.Shared.ThreadCount,
                Batch = options.Batch,
            };
        }
    }

    private bool Interactive => _json is null && _console.Profile.Capabilities.Interactive;

    /// <summary>Classifies, reports, and returns one of <see cref="ExitCodes"/>.</summary>
    public int Run()
    {
        ModelInfo? model = ModelCatalog.Find(_options.Model);
        if (model is null)
        {
            return Fail(ExitCodes.UsageError, $"unknown --model '{_options.Model}'; one of: {string.Join(", ", ModelCatalog.Names)}");
        }

        if (!TryListInputs(out List<ImageInput> inputs, out string? inputDescription, out string? inputError))
        {
            return Fail(ExitCodes.UsageError, inputError!);
        }

        if (_json is null)
        {
            _report.Line($"ResNetGen sample: torchvision {model.Name}, 3x224x224 input, batch {_options.Batch}, {_options.Threads ?? WorkerPool.Shared.ThreadCount} thread(s) per Forward, {KernelName(KernelSettings.InstructionSet)} kernels, CPU profile {CpuProfile.Current.Name}");
            _report.Line(string.Create(CultureInfo.InvariantCulture,
                $"         {model.ParameterCount:N0} parameters, {model.MultiplyAccumulates / 1e9:F2} G multiply-accumulates per image"));
        }

        IResNet? network = CreateNetwork(model, out int weightsExit, out ImageNetTransform transform);
        if (network is null)
        {
            return weightsExit;
        }

        if (_options.Threads is int threads)
        {
            network.ThreadCount = threads;
        }

        if (_json is null)
        {
            _report.Field("Images:", inputDescription!);
            _report.Field("", $"each: resize shorter side to {transform.ResizeSize} (PIL bilinear, antialiased), center crop {transform.CropSize}, normalise (ImageNet mean/std)");
            _report.Blank();
        }

        var classifier = new ImageClassifier(network, _options.Top, transform);
        return _options.Image is null ? RunBuiltIn(classifier, inputs[0]) : RunFiles(classifier, inputs);
    }

    /// <summary>How the header names the micro-kernels in use.</summary>
    private static string KernelName(KernelInstructionSet instructionSet) => instructionSet switch
    {
        KernelInstructionSet.Avx512 => "AVX-512",
        KernelInstructionSet.Avx2Fma => "AVX2/FMA",
        _ => "portable scalar",
    };

    private int RunBuiltIn(ImageClassifier classifier, ImageInput input)
    {
        // The first call pays one-time costs (JIT, worker threads); the median of the next calls is the steady state.
        ImageResult first = classifier.Classify(input, new float[classifier.InputLength], new float[1000]);
        double[] times = classifier.Repeat(input, RepeatRuns);
        Array.Sort(times);
        if (_json is not null)
        {
            _json.Add(first with { ForwardMilliseconds = times[RepeatRuns / 2] });
            _json.Summary = new JsonSummary { Classified = 1, Failed = 0, Seconds = times.Sum() / 1e3, ImagesPerSecond = 1e3 / times[RepeatRuns / 2] };
            _json.WriteTo(_out);
            return ExitCodes.Success;
        }

        _report.Image(first);
        _report.Line(string.Create(CultureInfo.InvariantCulture,
            $"Latency: first call {first.ForwardMilliseconds:F1} ms, median of {RepeatRuns} further calls {times[RepeatRuns / 2]:F1} ms."));
        return ExitCodes.Success;
    }

    private int RunFiles(ImageClassifier classifier, List<ImageInput> inputs)
    {
        classifier.WarmUp();
        var results = new List<ImageResult>(inputs.Count);
        bool liveBar = Interactive && inputs.Count > 1;
        var timer = Stopwatch.StartNew();

        void Report(ImageResult result)
        {
            results.Add(result);
            if (!result.Succeeded && !liveBar)
            {
                _error.WriteLine($"error: {result.Name}: {result.Error}");
            }
        }

        if (liveBar)
        {
            // Nothing else is written while the bar is live: the errors and the table follow it.
            _console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask($"Classifying {inputs.Count} images", maxValue: inputs.Count);
                    classifier.ClassifyAll(inputs, _options.Batch, result =>
                    {
                        Report(result);
                        task.Increment(1);
                    });
                });
            foreach (ImageResult failed in results.Where(r => !r.Succeeded))
            {
                _error.WriteLine($"error: {failed.Name}: {failed.Error}");
            }
        }
        else
        {
            classifier.ClassifyAll(inputs, _options.Batch, Report);
        }

        double seconds = timer.Elapsed.TotalSeconds;
        int classified = results.Count(r => r.Succeeded);
        int failures = results.Count - classified;
        double perSecond = classified / Math.Max(seconds, 1e-9);
        if (_json is not null)
        {
            results.ForEach(_json.Add);
            _json.Summary = new JsonSummary { Classified = classified, Failed = failures, Seconds = seconds, ImagesPerSecond = perSecond };
            _json.WriteTo(_out);
        }
        else if (inputs.Count == 1)
        {
            if (results[0].Succeeded)
            {
                _report.Image(results[0]);
            }
        }
        else
        {
            _report.Folder(results);
            double meanForward = results.Where(r => r.Succeeded).Select(r => r.ForwardMilliseconds).DefaultIfEmpty(0).Average();
            _report.Line(string.Create(CultureInfo.InvariantCulture,
                $"Classified {classified} of {inputs.Count} image(s) in {seconds:F2} s: {perSecond:F1} images/s, mean forward {meanForward:F1} ms{(failures > 0 ? $"; {failures} could not be read (see the errors)" : "")}."));
        }

        return failures > 0 ? ExitCodes.ImageErrors : ExitCodes.Success;
    }

    private int Fail(int exitCode, string message)
    {
        _error.WriteLine($"error: {message}");
        if (_json is not null)
        {
            _json.Error = new JsonError { Message = message };
            _json.WriteTo(_out);
        }

        return exitCode;
    }
}
