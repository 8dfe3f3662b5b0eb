using System;
using System.Collections.Generic;
using System.Linq;

namespace ResNetGen.Tests.Networks;

/// <summary>Weights for network tests: torchvision's initialisation, then random batch norm statistics so folding is exercised.</summary>
internal static class TestWeights
{
    public static StateDict WithRandomBatchNorm(IReadOnlyList<StateDictEntry> entries, int seed)
    {
        StateDict initial = StateDict.CreateRandom(entries, seed);
        var random = new Random(seed);
        var result = new StateDict($"test weights {seed}");
        foreach (StateDictEntry entry in entries)
        {
            float[] data = initial.Get(entry.Name).Data;
            Func<double>? draw = entry.Kind switch
            {
                StateDictEntryKind.BatchNormWeight => () => 0.5 + random.NextDouble(),
                StateDictEntryKind.BatchNormBias => () => (random.NextDouble() - 0.5) * 0.2,
                StateDictEntryKind.BatchNormRunningMean => () => (random.NextDouble() - 0.5) * 0.2,
                StateDictEntryKind.BatchNormRunningVar => () => 0.5 + (1.5 * random.NextDouble()),
                _ => null,
            };
            if (draw is not null)
            {
                data = data.Select(_ => (float)draw()).ToArray();
            }

            result.Add(entry.Name, new Tensor(entry.Shape.ToArray(), data));
        }

        return result;
    }

    public static float[] Input(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
    }
}
