using System;
using System.Linq;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>
/// <c>ForwardFeatures</c> gives the pooled vector <c>fc</c> reads, and both entry points run a partial batch
/// (1 to BatchSize whole images) without the caller padding it.
/// </summary>
public sealed class FeaturesAndPartialBatchTests
{
    /// <summary>Stated tolerance against the float64 reference, the same as the whole-network tests'.</summary>
    private const double Tolerance = 1e-5;

    [Fact]
    public void Features_match_the_float64_reference_before_fc()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBottleneckNet.Parameters, seed: 31);
        TinyBottleneckNet network = TinyBottleneckNet.FromStateDict(weights);
        float[] input = TestWeights.Input(TinyBottleneckNet.InputLength, seed: 32);
        var features = new float[TinyBottleneckNet.BatchSize * TinyBottleneckNet.FeatureLength];

        network.ForwardFeatures(input, features);

        double[] expected = new ReferenceResNet(weights, bottleneck: true, new[] { 1, 2, 1, 1 }, groups: 4, widthPerGroup: 8, new[] { false, true, true })
            .ForwardFeatures(input, 1, TinyBottleneckNet.InputChannels, TinyBottleneckNet.InputHeight, TinyBottleneckNet.InputWidth);
        Assert.Equal(512 * 4, TinyBottleneckNet.FeatureLength);
        Assert.True(OutputComparison.RelativeError(features, expected) <= Tolerance, $"relative error {OutputComparison.RelativeError(features, expected):E2}");
    }

    [Fact]
    public void Features_of_a_batch_are_the_rows_forward_classifies()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 33);
        TinyBasicNet network = TinyBasicNet.FromStateDict(weights);
        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 34);
        var features = new float[TinyBasicNet.BatchSize * TinyBasicNet.FeatureLength];
        var logits = new float[TinyBasicNet.OutputLength];

        network.ForwardFeatures(input, features);
        network.Forward(input, logits);

        // fc applied to the features in float64 gives Forward's logits, image by image.
        Tensor weight = weights.Get("fc.weight");
        Tensor bias = weights.Get("fc.bias");
        double[] expected = new double[logits.Length];
        for (int n = 0; n < TinyBasicNet.BatchSize; n++)
        {
            for (int o = 0; o < TinyBasicNet.NumClasses; o++)
            {
                double sum = bias.Data[o];
                for (int i = 0; i < TinyBasicNet.FeatureLength; i++)
                {
                    sum += (double)weight.Data[(o * TinyBasicNet.FeatureLength) + i] * features[(n * TinyBasicNet.FeatureLength) + i];
                }

                expected[(n * TinyBasicNet.NumClasses) + o] = sum;
            }
        }

        Assert.True(OutputComparison.RelativeError(logits, expected) <= Tolerance, $"relative error {OutputComparison.RelativeError(logits, expected):E2}");
    }

    [Fact]
    public void A_partial_batch_gives_the_rows_of_the_full_batch()
    {
        // Both batch-2 networks, one with Winograd layers, whose workspaces are planned for the full batch.
        AssertPartialBatch(WinogradBasicNet.CreateRandom(5), WinogradBasicNet.InputLength, WinogradBasicNet.NumClasses, WinogradBasicNet.FeatureLength, (n, i, o) => n.Forward(i, o), (n, i, f) => n.ForwardFeatures(i, f));
        AssertPartialBatch(TinyBasicNet.CreateRandom(6), TinyBasicNet.InputLength, TinyBasicNet.NumClasses, TinyBasicNet.FeatureLength, (n, i, o) => n.Forward(i, o), (n, i, f) => n.ForwardFeatures(i, f));
    }

    [Fact]
    public void Partial_batch_lengths_are_checked_and_named()
    {
        TinyBasicNet network = TinyBasicNet.CreateRandom(0);
        int image = TinyBasicNet.InputLength / TinyBasicNet.BatchSize;

        var error = Assert.Throws<ArgumentException>(() => network.Forward(new float[image + 1], new float[TinyBasicNet.NumClasses]));
        Assert.Equal("input", error.ParamName);
        Assert.Contains($"1 to 2 whole images of {image} floats each", error.Message);

        error = Assert.Throws<ArgumentException>(() => network.Forward(new float[3 * image], new float[3 * TinyBasicNet.NumClasses]));
        Assert.Equal("input", error.ParamName);

        error = Assert.Throws<ArgumentException>(() => network.Forward(new float[image], new float[TinyBasicNet.OutputLength]));
        Assert.Equal("output", error.ParamName);
        Assert.Contains($"exactly {TinyBasicNet.NumClasses} floats (1 images x NumClasses)", error.Message);

        error = Assert.Throws<ArgumentException>(() => network.ForwardFeatures(new float[image], new float[TinyBasicNet.NumClasses]));
        Assert.Equal("features", error.ParamName);
        Assert.Contains($"exactly {TinyBasicNet.FeatureLength} floats (1 images x FeatureLength)", error.Message);

        TinyBottleneckNet single = TinyBottleneckNet.CreateRandom(0);
        error = Assert.Throws<ArgumentException>(() => single.ForwardFeatures(new float[TinyBottleneckNet.InputLength], new float[TinyBottleneckNet.OutputLength]));
        Assert.Equal("features", error.ParamName);
        Assert.Contains($"exactly {TinyBottleneckNet.FeatureLength} floats (BatchSize x FeatureLength)", error.Message);
    }

    [Fact]
    public void Steady_state_ForwardFeatures_and_partial_batches_allocate_nothing()
    {
        TinyBasicNet network = TinyBasicNet.CreateRandom(0);
        int image = TinyBasicNet.InputLength / TinyBasicNet.BatchSize;
        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 1);
        var features = new float[TinyBasicNet.BatchSize * TinyBasicNet.FeatureLength];
        var logits = new float[TinyBasicNet.NumClasses];
        for (int i = 0; i < 50; i++)
        {
            network.ForwardFeatures(input, features);
            network.Forward(input.AsSpan(0, image), logits);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            network.ForwardFeatures(input, features);
            network.Forward(input.AsSpan(0, image), logits);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void AssertPartialBatch<TNet>(TNet network, int inputLength, int classes, int featureLength, Action<TNet, float[], float[]> forward, Action<TNet, float[], float[]> forwardFeatures)
    {
        float[] input = TestWeights.Input(inputLength, seed: 9);
        int image = inputLength / 2;
        var full = new float[2 * classes];
        var fullFeatures = new float[2 * featureLength];
        forward(network, input, full);
        forwardFeatures(network, input, fullFeatures);

        for (int n = 0; n < 2; n++)
        {
            float[] one = input.Skip(n * image).Take(image).ToArray();
            var logits = new float[classes];
            var features = new float[featureLength];
            forward(network, one, logits);
            forwardFeatures(network, one, features);

            // The same kernels over the same image: the same floats as that image's row of the full batch.
            Assert.Equal(full.Skip(n * classes).Take(classes).ToArray(), logits);
            Assert.Equal(fullFeatures.Skip(n * featureLength).Take(featureLength).ToArray(), features);
        }
    }
}
