using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResNetGen.Kernels;
using ResNetGen.Tests.Kernels;
using ResNetGen.Tests.Networks;
using ResNetGen.Tests.Parity;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Reliability;

/// <summary>
/// Non-finite and extreme numbers: NaN and ±Inf pixels give torchvision's NaN/Inf pattern (goldens from
/// <c>tools/make_numeric_goldens.py</c>) on every kernel instruction set, without touching the other images of the batch or later
/// calls; denormal inputs and weights are timed against normal ones; extreme but finite weights run without a crash.
/// These tests switch <see cref="KernelSettings.InstructionSet"/>, so they run alone.
/// </summary>
[Collection(nameof(Kernels.KernelSettingsCollection))]
public sealed class NumericEdgeTests
{
    /// <summary>‖out − ref‖ / ‖ref‖ allowed for an image whose logits are all finite, as in the parity tests.</summary>
    private const double Tolerance = OutputComparison.ParityTolerance;

    private static readonly Lazy<Golden> NonFinite = new(Golden.Read);

    private readonly ITestOutputHelper _output;

    public NumericEdgeTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [MemberData(nameof(InstructionSets.Data), MemberType = typeof(InstructionSets))]
    public void NaN_and_Inf_pixels_propagate_as_in_torchvision(KernelInstructionSet instructionSet)
    {
        Golden golden = NonFinite.Value;
        StateDict weights = ParityFormula.Weights(NumericNet.Parameters);
        Assert.Equal(golden.WeightsChecksum, ParityFormula.Fingerprint(weights).Checksum);
        float[] input = golden.Input();
        NumericNet net = NumericNet.FromStateDict(weights);

        float[] logits = Forward(net, input, instructionSet);

        for (int image = 0; image < NumericNet.BatchSize; image++)
        {
            float[] actual = logits.AsSpan(image * NumericNet.NumClasses, NumericNet.NumClasses).ToArray();
            float[] expected = golden.Logits[image];
            _output.WriteLine($"image {image} ({golden.What(image)}): torch [{string.Join(", ", expected.Take(3))}, ...], " +
                              $"ResNetGen [{string.Join(", ", actual.Take(3))}, ...]");
            Assert.Equal(expected.Select(Kind), actual.Select(Kind));
            if (expected.All(float.IsFinite))
            {
                double error = OutputComparison.RelativeError(actual, expected);
                Assert.True(error <= Tolerance, $"image {image}: relative error {error:E2} against torchvision");
            }
        }
    }

    [Fact]
    public void A_call_with_NaN_and_Inf_leaves_nothing_behind_for_the_next_call()
    {
        Golden golden = NonFinite.Value;
        StateDict weights = ParityFormula.Weights(NumericNet.Parameters);
        float[] clean = ParityFormula.Input(NumericNet.InputLength);
        float[] expected = Forward(NumericNet.FromStateDict(weights), clean, KernelSettings.HardwareInstructionSet);
        NumericNet net = NumericNet.FromStateDict(weights);

        // Same arena (one caller), first poisoned with NaN and Inf everywhere they reach, then reused.
        Forward(net, golden.Input(), KernelSettings.HardwareInstructionSet);
        Forward(net, Enumerable.Repeat(float.NaN, NumericNet.InputLength).ToArray(), KernelSettings.HardwareInstructionSet);
        float[] after = Forward(net, clean, KernelSettings.HardwareInstructionSet);

        Assert.Equal(1, ConcurrencyTests.ArenaPoolOf(net).Created);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), after.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Extreme_but_finite_weights_and_inputs_run_without_a_crash()
    {
        var cases = new (string What, Func<StateDictEntry, int, float> Value)[]
        {
            ("every tensor float.MaxValue", (_, _) => float.MaxValue),
            ("alternating ±float.MaxValue", (_, i) => (i % 2 == 0 ? 1 : -1) * float.MaxValue),
            ("every tensor float.Epsilon (the smallest denormal)", (_, _) => float.Epsilon),
            ("running_var 0 and weights 1e30", (e, _) => e.Kind == StateDictEntryKind.BatchNormRunningVar ? 0f : 1e30f),
            ("running_var -1 (sqrt of a negative)", (e, _) => e.Kind == StateDictEntryKind.BatchNormRunningVar ? -1f : 0.5f),
            ("batch norm weight 1e38, running_var 1e-38", (e, _) => e.Kind switch
            {
                StateDictEntryKind.BatchNormWeight => 1e38f,
                StateDictEntryKind.BatchNormRunningVar => 1e-38f,
                _ => 1f,
            }),
        };
        float[][] inputs =
        [
            Enumerable.Repeat(float.MaxValue, ConcurrentNet.InputLength).ToArray(),
            Enumerable.Range(0, ConcurrentNet.InputLength).Select(i => i % 3 == 0 ? -float.MaxValue : float.MaxValue).ToArray(),
            TestWeights.Input(ConcurrentNet.InputLength, seed: 3),
        ];

        foreach ((string what, Func<StateDictEntry, int, float> value) in cases)
        {
            var weights = new StateDict(what);
            foreach (StateDictEntry entry in ConcurrentNet.Parameters)
            {
                weights.Add(entry.Name, new Tensor(entry.Shape.ToArray(), Enumerable.Range(0, (int)entry.ElementCount).Select(i => value(entry, i)).ToArray()));
            }

            ConcurrentNet net = ConcurrentNet.FromStateDict(weights);
            foreach (float[] input in inputs)
            {
                var first = new float[ConcurrentNet.OutputLength];
                var second = new float[ConcurrentNet.OutputLength];
                net.Forward(input, first);
                net.Forward(input, second);
                Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), second.Select(BitConverter.SingleToInt32Bits));
            }

            _output.WriteLine($"{what}: ran; logits of the last input: {Summarize(Forward(net, inputs[^1]))}");
        }
    }

    /// <summary>
    /// Denormal inputs, weights and activations against normal ones, timed as ratios within one run (interleaved rounds,
    /// medians). Prints the figures; speed claims belong in benchmarks, so nothing is asserted about them here.
    /// </summary>
    [Fact]
    public void Denormal_timing_is_reported()
    {
        StateDict normal = ParityFormula.Weights(NumericNet.Parameters);
        var variants = new List<(string Name, NumericNet Net, float[] Input)>
        {
            ("normal weights, normal input", NumericNet.FromStateDict(normal), ParityFormula.Input(NumericNet.InputLength)),
            ("normal weights, denormal input (x 1e-40)", NumericNet.FromStateDict(normal), Scaled(ParityFormula.Input(NumericNet.InputLength), 1e-40)),
            ("denormal conv weights (x 1e-39), normal input", NumericNet.FromStateDict(ScaledConvolutions(normal, 1e-39)), ParityFormula.Input(NumericNet.InputLength)),
            ("denormal activations in every layer (batch norm weight 1e-38, bias and mean 0)",
                NumericNet.FromStateDict(DenormalActivations(normal)), ParityFormula.Input(NumericNet.InputLength)),
        };

        const int Rounds = 9;
        const int Runs = 11;
        var medians = new double[variants.Count, Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            for (int v = 0; v < variants.Count; v++)
            {
                (_, NumericNet net, float[] input) = variants[v];
                var output = new float[NumericNet.OutputLength];
                net.Forward(input, output);
                var times = new double[Runs];
                for (int r = 0; r < Runs; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    net.Forward(input, output);
                    times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }

                Array.Sort(times);
                medians[v, round] = times[Runs / 2];
            }
        }

        for (int v = 0; v < variants.Count; v++)
        {
            double[] ratios = Enumerable.Range(0, Rounds).Select(r => medians[v, r] / medians[0, r]).ToArray();
            _output.WriteLine($"{variants[v].Name}: median {Enumerable.Range(0, Rounds).Select(r => medians[v, r]).Order().ElementAt(Rounds / 2):F2} ms, " +
                              $"median ratio to normal {ratios.Order().ElementAt(Rounds / 2):F2} " +
                              $"(per round [{string.Join(", ", ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}])");
        }
    }

    private static float[] Forward(NumericNet net, float[] input, KernelInstructionSet instructionSet) => InstructionSets.Using(instructionSet, () =>
    {
        var output = new float[NumericNet.OutputLength];
        net.Forward(input, output);
        return output;
    });

    private static float[] Forward(ConcurrentNet net, float[] input)
    {
        var output = new float[ConcurrentNet.OutputLength];
        net.Forward(input, output);
        return output;
    }

    private static string Kind(float value) =>
        float.IsNaN(value) ? "NaN" : float.IsPositiveInfinity(value) ? "+Inf" : float.IsNegativeInfinity(value) ? "-Inf" : "finite";

    private static string Summarize(float[] values) =>
        string.Join(", ", values.GroupBy(Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    private static float[] Scaled(float[] values, double scale) => values.Select(v => (float)(v * scale)).ToArray();

    private static StateDict ScaledConvolutions(StateDict weights, double scale)
    {
        var result = new StateDict("denormal convolutions");
        foreach ((string name, Tensor tensor) in weights)
        {
            bool convolution = tensor.Shape.Count == 4;
            result.Add(name, new Tensor(tensor.Shape.ToArray(), convolution ? Scaled(tensor.Data, scale) : tensor.Data));
        }

        return result;
    }

    private static StateDict DenormalActivations(StateDict weights)
    {
        var result = new StateDict("denormal activations");
        foreach ((string name, Tensor tensor) in weights)
        {
            float[] data = name.Contains("bn", StringComparison.Ordinal) || name.Contains("downsample.1", StringComparison.Ordinal)
                ? name.EndsWith(".weight", StringComparison.Ordinal) ? Scaled(tensor.Data, 1e-38)
                : name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith("running_mean", StringComparison.Ordinal) ? new float[tensor.Data.Length]
                : tensor.Data
                : tensor.Data;
            result.Add(name, new Tensor(tensor.Shape.ToArray(), data));
        }

        return result;
    }

    /// <summary>tests/Goldens/numeric/nonfinite.json.</summary>
    private sealed record Golden(string WeightsChecksum, string InputChecksum, JsonElement[] Changes, float[][] Logits)
    {
        public static Golden Read()
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Goldens", "numeric", "nonfinite.json");
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = json.RootElement;
            return new Golden(
                root.GetProperty("fingerprint").GetProperty("checksum").GetString()!,
                root.GetProperty("input_fingerprint").GetProperty("checksum").GetString()!,
                root.GetProperty("changes").EnumerateArray().Select(c => c.Clone()).ToArray(),
                root.GetProperty("logits").EnumerateArray()
                    .Select(row => row.EnumerateArray().Select(v => float.Parse(v.GetString()!, CultureInfo.InvariantCulture)).ToArray())
                    .ToArray());
        }

        public string What(int image) =>
            Changes.FirstOrDefault(c => c.GetProperty("image").GetInt32() == image) is { ValueKind: JsonValueKind.Object } c
                ? c.GetProperty("what").GetString()!
                : "unchanged";

        /// <summary>The formula's input with the golden's changes applied, exactly as the script applies them.</summary>
        public float[] Input()
        {
            float[] input = ParityFormula.Input(NumericNet.InputLength);
            Assert.Equal(InputChecksum, ParityFormula.Fingerprint(new[] { KeyValuePair.Create("input", input) }).Checksum);
            const int PerImage = NumericNet.InputChannels * NumericNet.InputHeight * NumericNet.InputWidth;
            foreach (JsonElement change in Changes)
            {
                int image = change.GetProperty("image").GetInt32();
                if (change.TryGetProperty("set", out JsonElement set))
                {
                    foreach (JsonElement pixel in set.EnumerateArray())
                    {
                        int c = pixel[0].GetInt32(), h = pixel[1].GetInt32(), w = pixel[2].GetInt32();
                        input[(image * PerImage) + (((c * NumericNet.InputHeight) + h) * NumericNet.InputWidth) + w] =
                            float.Parse(pixel[3].GetString()!, CultureInfo.InvariantCulture);
                    }
                }

                if (change.TryGetProperty("scale", out JsonElement scale))
                {
                    for (int i = image * PerImage; i < (image + 1) * PerImage; i++)
                    {
                        input[i] = (float)(input[i] * scale.GetDouble());
                    }
                }
            }

            return input;
        }
    }
}
