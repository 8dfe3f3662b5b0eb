using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace ResNetGen.Benchmarks;

/// <summary>
/// ONNX Runtime (its CPU execution provider, MLAS kernels) running a workload's ONNX file in this process, set up as a
/// .NET user tuning for latency would: all graph optimisations, sequential execution, <c>threads</c> intra-op threads
/// (the caller's included) and no inter-op pool. Input and output live in pinned arrays bound once through
/// <see cref="OrtIoBinding"/>, so <see cref="Run"/> copies nothing and allocates nothing on the managed heap.
/// </summary>
internal sealed class OnnxRuntimePeer : IDisposable
{
    /// <summary>Largest ‖ONNX Runtime − ResNetGen‖ / ‖ResNetGen‖ accepted on the same weights and input.</summary>
    public const double Tolerance = OutputComparison.ParityTolerance;

    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly OrtIoBinding _binding;

    /// <param name="workload">The network; its ONNX file comes from <see cref="PeerModels.Onnx"/>.</param>
    /// <param name="threads">Intra-op threads, as ResNetGen's worker count.</param>
    /// <param name="profilePrefix">When set, ONNX Runtime records every node's time into a JSON file starting with this path.</param>
    public OnnxRuntimePeer(Workload workload, int threads, string? profilePrefix = null)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (profilePrefix is not null)
        {
            // The prefix first: setting EnableProfiling starts the profiler with the prefix set at that moment.
            _options.ProfileOutputPathPrefix = profilePrefix;
            _options.EnableProfiling = true;
        }

        _session = new InferenceSession(PeerModels.Onnx(workload), _options);
        Input = GC.AllocateArray<float>(workload.InputLength, pinned: true);
        Output = GC.AllocateArray<float>(workload.OutputLength, pinned: true);
        _inputValue = OrtValue.CreateTensorValueFromMemory(Input, workload.InputShape.Select(d => (long)d).ToArray());
        _outputValue = OrtValue.CreateTensorValueFromMemory(Output, workload.OutputShape.Select(d => (long)d).ToArray());
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_session.InputNames.Single(), _inputValue);
        _binding.BindOutput(_session.OutputNames.Single(), _outputValue);
    }

    /// <summary>The bound input, NCHW: write the image here before <see cref="Run"/>.</summary>
    public float[] Input { get; }

    /// <summary>The bound output: the logits of the last <see cref="Run"/>.</summary>
    public float[] Output { get; }

    /// <summary>One inference from <see cref="Input"/> into <see cref="Output"/>.</summary>
    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>Ends profiling and returns the path of the JSON file ONNX Runtime wrote.</summary>
    public string EndProfiling() => _session.EndProfiling();

    /// <summary>
    /// Runs <paramref name="input"/> through ONNX Runtime and checks its logits against <paramref name="expected"/>,
    /// ResNetGen's on the same weights: the comparison only means something if both compute the same function.
    /// </summary>
    /// <exception cref="InvalidOperationException">The relative error exceeds <see cref="Tolerance"/>.</exception>
    public void CheckAgainst(Workload workload, float[] input, float[] expected)
    {
        input.CopyTo(Input, 0);
        Run();
        double error = OutputComparison.RelativeError(Output, expected);
        if (!(error <= Tolerance))
        {
            throw new InvalidOperationException(
                $"{workload.Name}: ONNX Runtime's logits differ from ResNetGen's on the same weights by a relative error of {error:E2} " +
                $"(at most {Tolerance:E0} expected). The model files are in {PeerModels.Folder}; delete them to have them made again.");
        }
    }

    /// <summary>Managed bytes this thread allocates per <see cref="Run"/>, over <paramref name="calls"/> calls after one warm-up call.</summary>
    public double AllocatedBytesPerRun(int calls)
    {
        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            Run();
        }

        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }

    public void Dispose()
    {
        _binding.Dispose();
        _outputValue.Dispose();
        _inputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
