using System.Linq;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>
/// A network declared <c>Headless</c> is torchvision's model after <c>model.fc = nn.Identity()</c>: its state_dict has no
/// <c>fc.*</c> keys and its output is the pooled features.
/// </summary>
public sealed class HeadlessNetworkTests
{
    [Fact]
    public void Headless_manifest_is_the_full_one_without_fc()
    {
        string[] full = TinyBasicNet.Parameters.Select(p => p.Name).ToArray();
        string[] headless = HeadlessBasicNet.Parameters.Select(p => p.Name).ToArray();

        Assert.Equal(full.Where(name => !name.StartsWith("fc.", System.StringComparison.Ordinal)), headless);
        Assert.Equal(TinyBasicNet.ParameterCount - (TinyBasicNet.NumClasses * TinyBasicNet.FeatureLength) - TinyBasicNet.NumClasses, HeadlessBasicNet.ParameterCount);
        Assert.Equal(TinyBasicNet.FeatureLength, HeadlessBasicNet.NumClasses);
        Assert.Equal(HeadlessBasicNet.BatchSize * HeadlessBasicNet.FeatureLength, HeadlessBasicNet.OutputLength);
    }

    [Fact]
    public void A_state_dict_without_fc_loads_and_gives_the_full_networks_features()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 41);
        var withoutFc = new StateDict();
        foreach (string key in weights.Keys.Where(k => !k.StartsWith("fc.", System.StringComparison.Ordinal)))
        {
            withoutFc.Add(key, weights.Get(key));
        }

        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 42);
        var expected = new float[TinyBasicNet.BatchSize * TinyBasicNet.FeatureLength];
        var output = new float[HeadlessBasicNet.OutputLength];
        var features = new float[HeadlessBasicNet.OutputLength];

        TinyBasicNet.FromStateDict(weights).ForwardFeatures(input, expected);
        HeadlessBasicNet headless = HeadlessBasicNet.FromStateDict(withoutFc);
        headless.Forward(input, output);
        headless.ForwardFeatures(input, features);

        Assert.Equal(expected, output);
        Assert.Equal(expected, features);
    }

    [Fact]
    public void A_state_dict_with_fc_is_refused_strictly()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 43);

        WeightLoadException error = Assert.Throws<WeightLoadException>(() => HeadlessBasicNet.FromStateDict(weights));
        Assert.Contains("fc.weight", error.Message);
    }
}
