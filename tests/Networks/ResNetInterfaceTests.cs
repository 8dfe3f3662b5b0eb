using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>Every generated network implements <see cref="IResNet{TSelf}"/>, so code can pick one at run time.</summary>
public sealed class ResNetInterfaceTests
{
    [Fact]
    public void A_network_picked_at_run_time_runs_through_the_interface_as_it_runs_directly()
    {
        var factories = new Dictionary<string, Func<int, IResNet>>
        {
            ["basic"] = Create<TinyBasicNet>,
            ["bottleneck"] = Create<TinyBottleneckNet>,
            ["headless"] = Create<HeadlessBasicNet>,
        };

        IResNet picked = factories["bottleneck"](3);
        ResNetDimensions d = picked.Dimensions;
        float[] input = TestWeights.Input(d.InputLength, seed: 4);
        var viaInterface = new float[d.OutputLength];
        var direct = new float[TinyBottleneckNet.OutputLength];

        picked.Forward(input, viaInterface);
        TinyBottleneckNet.CreateRandom(3).Forward(input, direct);

        Assert.Equal(direct, viaInterface);
    }

    [Fact]
    public void Dimensions_and_static_members_are_the_generated_constants()
    {
        AssertStatics<TinyBasicNet>(TinyBasicNet.BatchSize, TinyBasicNet.InputLength, TinyBasicNet.OutputLength, TinyBasicNet.FeatureLength, TinyBasicNet.ParameterCount, TinyBasicNet.Parameters.Count);
        AssertStatics<HeadlessBasicNet>(HeadlessBasicNet.BatchSize, HeadlessBasicNet.InputLength, HeadlessBasicNet.OutputLength, HeadlessBasicNet.FeatureLength, HeadlessBasicNet.ParameterCount, HeadlessBasicNet.Parameters.Count);

        ResNetDimensions d = TinyBottleneckNet.CreateRandom(0).Dimensions;
        Assert.Equal(
            new ResNetDimensions(TinyBottleneckNet.BatchSize, TinyBottleneckNet.InputChannels, TinyBottleneckNet.InputHeight, TinyBottleneckNet.InputWidth, TinyBottleneckNet.NumClasses, TinyBottleneckNet.FeatureLength),
            d);
        Assert.Equal(TinyBottleneckNet.InputLength, d.InputLength);
        Assert.Equal(TinyBottleneckNet.OutputLength, d.OutputLength);
    }

    [Fact]
    public void Load_through_the_interface_reads_a_weight_file_strictly()
    {
        string path = Path.Combine(Path.GetTempPath(), "resnetgen-interface-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            File.WriteAllBytes(path, GeneratedLoadTests.Safetensors(TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 5), TinyBasicNet.Parameters));
            IResNet loaded = Open<TinyBasicNet>(path);
            Assert.Equal(TinyBasicNet.OutputLength, loaded.Dimensions.OutputLength);
            Assert.Throws<WeightLoadException>(() => Open<TinyBottleneckNet>(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IResNet Create<TNet>(int seed)
        where TNet : class, IResNet<TNet> => TNet.CreateRandom(seed);

    private static IResNet Open<TNet>(string path)
        where TNet : class, IResNet<TNet> => TNet.Load(path);

    private static void AssertStatics<TNet>(int batch, int input, int output, int features, long parameters, int keys)
        where TNet : class, IResNet<TNet>
    {
        Assert.Equal(batch, TNet.BatchSize);
        Assert.Equal(input, TNet.InputLength);
        Assert.Equal(output, TNet.OutputLength);
        Assert.Equal(features, TNet.FeatureLength);
        Assert.Equal(parameters, TNet.ParameterCount);
        Assert.Equal(keys, TNet.Parameters.Count);
        Assert.Equal(TNet.InputChannels * TNet.InputHeight * TNet.InputWidth * TNet.BatchSize, TNet.InputLength);
        Assert.Equal(TNet.NumClasses * TNet.BatchSize, TNet.OutputLength);
    }
}
