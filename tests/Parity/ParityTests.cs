using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Parity;

/// <summary>
/// Parity with torchvision 0.14: each generated network, with the formula's weights (proved bit-identical to the ones
/// torch ran by the golden's fingerprint), gives torchvision's logits within ‖out − ref‖ / ‖ref‖ ≤ 1e-4 per image and
/// the same top-1 class. The goldens come from <c>tools/make_parity_goldens.py</c>; CI re-proves them against the real
/// torchvision with <c>tools/check_parity_goldens.py</c>.
/// </summary>
public sealed class ParityTests
{
    /// <summary>‖out − ref‖ / ‖ref‖ allowed for every image.</summary>
    private const double Tolerance = OutputComparison.ParityTolerance;

    private static readonly IReadOnlyDictionary<string, ParityCase> Cases = new[]
    {
        new ParityCase("resnet18", ParityResNet18.Parameters, ParityResNet18.BatchSize, ParityResNet18.InputChannels,
            ParityResNet18.InputHeight, ParityResNet18.InputWidth, ParityResNet18.NumClasses, w => ParityResNet18.FromStateDict(w).Forward),
        new ParityCase("resnet34", ParityResNet34.Parameters, ParityResNet34.BatchSize, ParityResNet34.InputChannels,
            ParityResNet34.InputHeight, ParityResNet34.InputWidth, ParityResNet34.NumClasses, w => ParityResNet34.FromStateDict(w).Forward),
        new ParityCase("resnet50", ParityResNet50.Parameters, ParityResNet50.BatchSize, ParityResNet50.InputChannels,
            ParityResNet50.InputHeight, ParityResNet50.InputWidth, ParityResNet50.NumClasses, w => ParityResNet50.FromStateDict(w).Forward),
        new ParityCase("resnet101", ParityResNet101.Parameters, ParityResNet101.BatchSize, ParityResNet101.InputChannels,
            ParityResNet101.InputHeight, ParityResNet101.InputWidth, ParityResNet101.NumClasses, w => ParityResNet101.FromStateDict(w).Forward),
        new ParityCase("resnet152", ParityResNet152.Parameters, ParityResNet152.BatchSize, ParityResNet152.InputChannels,
            ParityResNet152.InputHeight, ParityResNet152.InputWidth, ParityResNet152.NumClasses, w => ParityResNet152.FromStateDict(w).Forward),
        new ParityCase("resnext50_32x4d", ParityResNeXt50_32x4d.Parameters, ParityResNeXt50_32x4d.BatchSize, ParityResNeXt50_32x4d.InputChannels,
            ParityResNeXt50_32x4d.InputHeight, ParityResNeXt50_32x4d.InputWidth, ParityResNeXt50_32x4d.NumClasses, w => ParityResNeXt50_32x4d.FromStateDict(w).Forward),
        new ParityCase("wide_resnet50_2", ParityWideResNet50_2.Parameters, ParityWideResNet50_2.BatchSize, ParityWideResNet50_2.InputChannels,
            ParityWideResNet50_2.InputHeight, ParityWideResNet50_2.InputWidth, ParityWideResNet50_2.NumClasses, w => ParityWideResNet50_2.FromStateDict(w).Forward),
        new ParityCase("resnet50_dilated", ParityDilatedResNet50.Parameters, ParityDilatedResNet50.BatchSize, ParityDilatedResNet50.InputChannels,
            ParityDilatedResNet50.InputHeight, ParityDilatedResNet50.InputWidth, ParityDilatedResNet50.NumClasses, w => ParityDilatedResNet50.FromStateDict(w).Forward),
        new ParityCase("resnet50_classes10_96x64", ParityResNet50Classes10.Parameters, ParityResNet50Classes10.BatchSize, ParityResNet50Classes10.InputChannels,
            ParityResNet50Classes10.InputHeight, ParityResNet50Classes10.InputWidth, ParityResNet50Classes10.NumClasses, w => ParityResNet50Classes10.FromStateDict(w).Forward),
        new ParityCase("resnet18_batch2", ParityResNet18Batch2.Parameters, ParityResNet18Batch2.BatchSize, ParityResNet18Batch2.InputChannels,
            ParityResNet18Batch2.InputHeight, ParityResNet18Batch2.InputWidth, ParityResNet18Batch2.NumClasses, w => ParityResNet18Batch2.FromStateDict(w).Forward),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    private readonly ITestOutputHelper _output;

    public ParityTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Configs => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Configs))]
    public void Matches_torchvision(string config)
    {
        ParityCase parity = Cases[config];
        ParityGolden golden = ParityGolden.Read(config);

        // The golden describes this declaration.
        Assert.Equal(ParityFormula.Version, golden.FormulaVersion);
        Assert.Equal(
            (golden.Batch, golden.Channels, golden.Height, golden.Width, golden.NumClasses),
            (parity.Batch, parity.Channels, parity.Height, parity.Width, parity.NumClasses));
        Assert.Equal(golden.ResidualLastBatchNorm, ParityFormula.ResidualLastBatchNorm(parity.Parameters));

        // The weights and the input are bit-identical to the ones torchvision ran.
        var clock = Stopwatch.StartNew();
        StateDict weights = ParityFormula.Weights(parity.Parameters);
        TimeSpan weightTime = clock.Elapsed;
        AssertSameFingerprint("weights", golden.Weights, ParityFormula.Fingerprint(weights));
        float[] input = ParityFormula.Input(parity.Batch * parity.Channels * parity.Height * parity.Width);
        AssertSameFingerprint("input", golden.Input, ParityFormula.Fingerprint(new[] { KeyValuePair.Create("input", input) }));

        clock.Restart();
        ForwardAction forward = parity.Build(weights);
        TimeSpan buildTime = clock.Elapsed;
        var output = new float[parity.Batch * parity.NumClasses];
        clock.Restart();
        forward(input, output);
        TimeSpan forwardTime = clock.Elapsed;

        Assert.Equal(parity.Batch, golden.Logits.Length);
        var errors = new double[parity.Batch];
        var top1 = new int[parity.Batch];
        for (int image = 0; image < parity.Batch; image++)
        {
            float[] expected = golden.Logits[image];
            Assert.Equal(parity.NumClasses, expected.Length);
            ReadOnlySpan<float> actual = output.AsSpan(image * parity.NumClasses, parity.NumClasses);
            errors[image] = OutputComparison.RelativeError(actual, expected);
            top1[image] = OutputComparison.Top1(actual);
        }

        double overall = OutputComparison.RelativeError(output, golden.Logits.SelectMany(row => row).ToArray());
        double maxAbs = output.Select((v, i) => Math.Abs((double)v - golden.Logits[i / parity.NumClasses][i % parity.NumClasses])).Max();
        _output.WriteLine(
            $"{config}: relative error {overall:E2} (per image {string.Join(", ", errors.Select(e => e.ToString("E2")))}; " +
            $"max |out - ref| {maxAbs:E2}), top-1 [{string.Join(", ", top1)}] vs torchvision [{string.Join(", ", golden.Top1)}] " +
            $"(torchvision margin {string.Join(", ", golden.Top1Margin.Select(m => m.ToString("G3")))}); " +
            $"weights {weightTime.TotalMilliseconds:F0} ms, load {buildTime.TotalMilliseconds:F0} ms, forward {forwardTime.TotalMilliseconds:F0} ms");

        for (int image = 0; image < parity.Batch; image++)
        {
            Assert.True(
                errors[image] <= Tolerance,
                $"{config} image {image}: ‖out − ref‖ / ‖ref‖ = {errors[image]:E2} > {Tolerance:E0}");
            Assert.True(
                top1[image] == golden.Top1[image],
                $"{config} image {image}: top-1 class {top1[image]}, torchvision {golden.Top1[image]} (torchvision's margin {golden.Top1Margin[image]:G3})");
        }
    }

    [Fact]
    public void Every_golden_has_a_test_and_every_test_a_golden()
    {
        Assert.Equal(ParityGolden.AvailableConfigs().ToArray(), Cases.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Formula_reproduces_the_hash_and_first_values_torch_used()
    {
        // SplitMix64 from state 0 gives the well-known first output 0xE220A8397B1DCDAF.
        Assert.Equal(0xE220A8397B1DCDAFUL, ParityFormula.Hash(0));

        // The sampled entries of resnet18's golden, rebuilt without running anything.
        ParityGolden golden = ParityGolden.Read("resnet18");
        StateDict weights = ParityFormula.Weights(ParityResNet18.Parameters);
        foreach ((string name, string[] expected) in golden.Weights.FirstValuesBits)
        {
            string[] actual = weights.Get(name).Data.Take(4).Select(v => $"0x{BitConverter.SingleToUInt32Bits(v):X8}").ToArray();
            Assert.True(expected.SequenceEqual(actual), $"{name}: [{string.Join(", ", actual)}], torch [{string.Join(", ", expected)}]");
        }
    }

    private static void AssertSameFingerprint(string what, ParityFingerprint expected, ParityFingerprint actual)
    {
        Assert.True(expected.Entries == actual.Entries, $"{what}: {actual.Entries} tensors, torch had {expected.Entries}");
        Assert.True(expected.Elements == actual.Elements, $"{what}: {actual.Elements} elements, torch had {expected.Elements}");
        foreach ((string name, string[] bits) in expected.FirstValuesBits)
        {
            Assert.True(actual.FirstValuesBits.TryGetValue(name, out string[]? mine), $"{what}: no tensor '{name}'");
            Assert.True(bits.SequenceEqual(mine!), $"{what} {name}: first values [{string.Join(", ", mine!)}], torch [{string.Join(", ", bits)}]");
        }

        Assert.True(expected.Checksum == actual.Checksum, $"{what}: checksum {actual.Checksum}, torch {expected.Checksum}");

        // The float64 sums are informative (summation order differs from numpy's pairwise sum): equal to 1e-9 of Σ|x|.
        double slack = 1e-9 * expected.AbsSum;
        Assert.True(Math.Abs(expected.Sum - actual.Sum) <= slack, $"{what}: sum {actual.Sum:R}, torch {expected.Sum:R}");
        Assert.True(Math.Abs(expected.AbsSum - actual.AbsSum) <= slack, $"{what}: sum of |x| {actual.AbsSum:R}, torch {expected.AbsSum:R}");
    }
}

/// <summary>A generated network's <c>Forward</c>.</summary>
internal delegate void ForwardAction(ReadOnlySpan<float> input, Span<float> output);

/// <summary>A parity config bound to its generated class.</summary>
internal sealed record ParityCase(
    string Name,
    IReadOnlyList<StateDictEntry> Parameters,
    int Batch,
    int Channels,
    int Height,
    int Width,
    int NumClasses,
    Func<StateDict, ForwardAction> Build);
