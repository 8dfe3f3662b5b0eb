using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>The generated <c>Load</c> and <c>FromStateDict</c>: a round trip through a file, progress, and strictness.</summary>
public sealed class GeneratedLoadTests
{
    [Fact]
    public void Load_from_stream_and_path_give_the_same_network_as_from_state_dict()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 41);
        byte[] file = Safetensors(weights, TinyBasicNet.Parameters);
        float[] input = TestWeights.Input(TinyBasicNet.InputLength, seed: 42);
        float[] expected = Run(TinyBasicNet.FromStateDict(weights), input);

        Assert.Equal(expected, Run(TinyBasicNet.Load(new MemoryStream(file)), input));

        string path = Path.Combine(Path.GetTempPath(), $"resnetgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, file);
            var reports = new List<LoadProgress>();
            TinyBasicNet loaded = TinyBasicNet.Load(path, new SynchronousProgress(reports.Add));

            Assert.Equal(expected, Run(loaded, input));
            Assert.NotEmpty(reports);
            Assert.Equal(reports[^1].TotalBytes, reports[^1].BytesRead);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Another_networks_weights_are_refused_with_every_difference()
    {
        byte[] file = Safetensors(TestWeights.WithRandomBatchNorm(TinyBasicNet.Parameters, seed: 43), TinyBasicNet.Parameters);

        var error = Assert.Throws<WeightLoadException>(() => TinyBottleneckNet.Load(new MemoryStream(file)));

        Assert.Contains("layer1.0.conv3.weight", error.MissingKeys);
        Assert.Contains(error.ShapeMismatches, m => m.Name == "conv1.weight");
        Assert.Contains("stream", error.Message);
    }

    [Fact]
    public void From_state_dict_is_strict()
    {
        StateDict complete = StateDict.CreateRandom(TinyBasicNet.Parameters, 1);
        var partial = new StateDict("my weights");
        foreach ((string name, Tensor tensor) in complete.Where(p => p.Key != "fc.bias"))
        {
            partial.Add(name, tensor);
        }

        partial.Add("extra.weight", new Tensor(new[] { 1 }, new float[1]));

        var error = Assert.Throws<WeightLoadException>(() => TinyBasicNet.FromStateDict(partial));
        Assert.Equal(new[] { "fc.bias" }, error.MissingKeys);
        Assert.Equal(new[] { "extra.weight" }, error.UnexpectedKeys);
        Assert.StartsWith("my weights", error.Message);
    }

    private static float[] Run(TinyBasicNet network, float[] input)
    {
        var output = new float[TinyBasicNet.OutputLength];
        network.Forward(input, output);
        return output;
    }

    /// <summary>Writes a state_dict as safetensors: an 8-byte header length, a JSON header, then the raw float32 data.</summary>
    internal static byte[] Safetensors(StateDict weights, IReadOnlyList<StateDictEntry> entries)
    {
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (StateDictEntry entry in entries)
        {
            bool counter = entry.Kind == StateDictEntryKind.BatchNormBatchesTracked;
            long size = counter ? 8 : entry.ElementCount * 4;
            header[entry.Name] = new { dtype = counter ? "I64" : "F32", shape = entry.Shape, data_offsets = new[] { offset, offset + size } };
            offset += size;
        }

        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var stream = new MemoryStream();
        stream.Write(BitConverter.GetBytes((long)json.Length));
        stream.Write(json);
        foreach (StateDictEntry entry in entries)
        {
            if (entry.Kind == StateDictEntryKind.BatchNormBatchesTracked)
            {
                stream.Write(BitConverter.GetBytes(7L));
            }
            else
            {
                foreach (float value in weights.Get(entry.Name).Data)
                {
                    stream.Write(BitConverter.GetBytes(value));
                }
            }
        }

        return stream.ToArray();
    }

    private sealed class SynchronousProgress(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}
