using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace ResNetGen.Tests.Parity;

/// <summary>
/// The C# twin of the formula in <c>tools/make_parity_goldens.py</c> (version <see cref="Version"/>): every state_dict
/// entry and every input element is a pure function of its position, computed only with operations that IEEE double
/// rounds correctly (integer hashing, +, −, ×, ÷, √) and rounded once to float32, so these tensors are bit-identical
/// to the ones torchvision ran. <see cref="Fingerprint(IEnumerable{KeyValuePair{string, float[]}})"/> proves it
/// against the fingerprint recorded in each golden.
/// </summary>
/// <remarks>
/// <code>
/// key   = (stream &lt;&lt; 32) | element   stream 0 = input, t + 1 = the t-th state_dict entry; element = flat row-major index
/// h     = SplitMix64 output for state key;  u = (h &gt;&gt; 11) · 2^-53
/// conv weight (2u − 1) · √(6 / fan_in)      bn weight 0.5 + u  (last bn of a residual branch: 0.1 + 0.2u)
/// bn bias     (u − 0.5) · 0.2               running_mean (u − 0.5) · 0.4     running_var 0.5 + 1.5u
/// num_batches_tracked t                     fc weight and bias (2u − 1) / √fan_in
/// input       (2u − 1) · 2
/// </code>
/// </remarks>
internal static class ParityFormula
{
    /// <summary>The formula version these methods implement; each golden records the version it was made with.</summary>
    public const int Version = 1;

    /// <summary>SplitMix64's output for the state <paramref name="key"/> (one step from that state).</summary>
    public static ulong Hash(ulong key)
    {
        unchecked
        {
            ulong z = key + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>u in [0, 1) for one element of one stream: 53 hash bits, exact in double.</summary>
    public static double Uniform(uint stream, long element) =>
        (Hash(((ulong)stream << 32) | (ulong)element) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The input: <c>(2u − 1) · 2</c> on stream 0, NCHW over the whole batch.</summary>
    public static float[] Input(int length)
    {
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
        {
            double u = Uniform(0, i);
            data[i] = (float)(((2.0 * u) - 1.0) * 2.0);
        }

        return data;
    }

    /// <summary>The last batch norm of each residual branch: <c>bn3</c> in bottleneck networks, <c>bn2</c> in basic ones.</summary>
    public static string ResidualLastBatchNorm(IReadOnlyList<StateDictEntry> entries) =>
        entries.Any(e => e.Name.Contains(".bn3.", StringComparison.Ordinal)) ? "bn3" : "bn2";

    /// <summary>Every entry of <paramref name="entries"/> (a generated class's <c>Parameters</c>), in order, from the formula.</summary>
    public static StateDict Weights(IReadOnlyList<StateDictEntry> entries)
    {
        string lastBatchNorm = ResidualLastBatchNorm(entries);
        var residualLast = new Regex(@"^layer\d+\.\d+\." + lastBatchNorm + @"\.weight$", RegexOptions.CultureInvariant);
        StateDictEntry fc = entries.Single(e => e.Kind == StateDictEntryKind.LinearWeight);
        double fcScale = Math.Sqrt(fc.Shape[1]);

        var result = new StateDict($"parity formula v{Version}");
        for (int t = 0; t < entries.Count; t++)
        {
            StateDictEntry entry = entries[t];
            uint stream = (uint)(t + 1);
            var data = new float[entry.ElementCount];
            switch (entry.Kind)
            {
                case StateDictEntryKind.ConvolutionWeight:
                    double bound = Math.Sqrt(6.0 / ((long)entry.Shape[1] * entry.Shape[2] * entry.Shape[3]));
                    for (int i = 0; i < data.Length; i++)
                    {
                        double u = Uniform(stream, i);
                        data[i] = (float)(((2.0 * u) - 1.0) * bound);
                    }

                    break;
                case StateDictEntryKind.BatchNormWeight when residualLast.IsMatch(entry.Name):
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)(0.1 + (0.2 * Uniform(stream, i)));
                    }

                    break;
                case StateDictEntryKind.BatchNormWeight:
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)(0.5 + Uniform(stream, i));
                    }

                    break;
                case StateDictEntryKind.BatchNormBias:
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)((Uniform(stream, i) - 0.5) * 0.2);
                    }

                    break;
                case StateDictEntryKind.BatchNormRunningMean:
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)((Uniform(stream, i) - 0.5) * 0.4);
                    }

                    break;
                case StateDictEntryKind.BatchNormRunningVar:
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)(0.5 + (1.5 * Uniform(stream, i)));
                    }

                    break;
                case StateDictEntryKind.BatchNormBatchesTracked:
                    // An int64 scalar in torch; its value is the entry's index t.
                    data[0] = t;
                    break;
                case StateDictEntryKind.LinearWeight:
                case StateDictEntryKind.LinearBias:
                    for (int i = 0; i < data.Length; i++)
                    {
                        double u = Uniform(stream, i);
                        data[i] = (float)(((2.0 * u) - 1.0) / fcScale);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"No formula for {entry} of kind {entry.Kind}.");
            }

            result.Add(entry.Name, new Tensor(entry.Shape.ToArray(), data));
        }

        return result;
    }

    /// <summary>The fingerprint of <c>make_parity_goldens.py</c>: an exact, order-sensitive checksum of the float32 bit
    /// patterns, float64 sums, and the first four values' bits of the sampled entries.</summary>
    public static ParityFingerprint Fingerprint(IEnumerable<KeyValuePair<string, float[]>> tensors)
    {
        ulong checksum = 0;
        double sum = 0;
        double absSum = 0;
        long elements = 0;
        int entries = 0;
        var samples = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach ((string name, float[] data) in tensors)
        {
            ulong weighted = 0;
            double tensorSum = 0;
            double tensorAbsSum = 0;
            unchecked
            {
                for (int i = 0; i < data.Length; i++)
                {
                    weighted += BitConverter.SingleToUInt32Bits(data[i]) * (ulong)(i + 1);
                    tensorSum += data[i];
                    tensorAbsSum += Math.Abs((double)data[i]);
                }

                checksum += weighted * (ulong)((2 * entries) + 1);
            }

            sum += tensorSum;
            absSum += tensorAbsSum;
            elements += data.Length;
            if (SampledEntries.Contains(name))
            {
                samples[name] = data.Take(4).Select(v => $"0x{BitConverter.SingleToUInt32Bits(v):X8}").ToArray();
            }

            entries++;
        }

        return new ParityFingerprint(entries, elements, $"0x{checksum:X16}", sum, absSum, samples);
    }

    /// <summary>The fingerprint of a state dict, in its insertion order.</summary>
    public static ParityFingerprint Fingerprint(StateDict weights) =>
        Fingerprint(weights.Select(pair => new KeyValuePair<string, float[]>(pair.Key, pair.Value.Data)));

    /// <summary>Entries whose first values the goldens record (as in <c>SAMPLED</c> of the Python script).</summary>
    public static readonly IReadOnlySet<string> SampledEntries = new HashSet<string>(StringComparer.Ordinal)
    {
        "conv1.weight", "bn1.weight", "bn1.running_mean", "bn1.running_var", "layer1.0.conv1.weight", "fc.weight", "fc.bias",
    };
}

/// <summary>What a golden records about a set of tensors, to prove they are bit-identical to torch's.</summary>
internal sealed record ParityFingerprint(
    int Entries,
    long Elements,
    string Checksum,
    double Sum,
    double AbsSum,
    IReadOnlyDictionary<string, string[]> FirstValuesBits);
