using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace ResNetGen.Tests.Weights;

/// <summary>Files written by torch.save (and their safetensors twins) load with torch's exact float32 values.</summary>
public sealed class TorchFileTests
{
    public static TheoryData<string> LoadableFiles => new(WeightFixtures.Files.Keys);

    [Theory]
    [MemberData(nameof(LoadableFiles))]
    public void Fixture_loads_with_torchs_exact_values_shapes_and_order(string file)
    {
        IReadOnlyList<ExpectedTensor> expected = WeightFixtures.Set(WeightFixtures.Files[file]);
        string path = WeightFixtures.PathOf(file);

        StateDict loaded = StateDictLoader.Load(path, WeightFixtures.Entries(expected));

        WeightFixtures.AssertExact(expected, loaded);
        Assert.Equal(path, loaded.Source);
    }

    [Fact]
    public void The_fixtures_cover_every_dtype_and_view_kind()
    {
        var mixed = WeightFixtures.Set("mixed");
        Assert.Equal(
            new[] { "bfloat16", "float16", "float32", "float64", "int64" },
            mixed.Select(t => t.DType).Distinct().Order());
        // int64 123456789 is not a float32: torch's .float() rounds it to 123456792, and so must the loader.
        Assert.Equal(123456792f, mixed.Single(t => t.Name == "bn1.num_batches_tracked").Values.Single());
        Assert.Empty(mixed.Single(t => t.Name == "bn1.num_batches_tracked").Shape);
        Assert.Contains("float16", WeightFixtures.Set("views").Select(t => t.DType));
    }

    [Fact]
    public void Num_batches_tracked_is_a_scalar_with_one_element()
    {
        StateDict loaded = StateDictLoader.Load(WeightFixtures.PathOf("mixed.pth"), WeightFixtures.Entries("mixed"));

        Tensor tracked = loaded.Get("bn1.num_batches_tracked");
        Assert.Empty(tracked.Shape);
        Assert.Equal(new[] { 123456792f }, tracked.Data);
    }

    [Fact]
    public void Result_follows_the_networks_order_not_the_files()
    {
        var expected = WeightFixtures.Set("views").Reverse().ToList();

        StateDict loaded = StateDictLoader.Load(WeightFixtures.PathOf("views.pth"), WeightFixtures.Entries(expected));

        WeightFixtures.AssertExact(expected, loaded);
    }

    [Fact]
    public void Views_sharing_one_storage_get_independent_arrays()
    {
        StateDict loaded = StateDictLoader.Load(WeightFixtures.PathOf("views.pth"), WeightFixtures.Entries("views"));

        // "b" is base[5:9] and "scalar" is base[7]: same storage, same element, separate copies.
        Assert.Equal(loaded.Get("b").Data[2], loaded.Get("scalar").Data[0]);
        Assert.NotSame(loaded.Get("a").Data, loaded.Get("b").Data);
    }

    [Theory]
    [InlineData("mixed.pth")]
    [InlineData("mixed.safetensors")]
    [InlineData("legacy.pth")]
    public void Streams_load_like_files_whether_seekable_or_not(string file)
    {
        var expected = WeightFixtures.Set("mixed");
        byte[] bytes = WeightFixtures.Bytes(file);

        StateDict seekable = StateDictLoader.Load(new MemoryStream(bytes), WeightFixtures.Entries(expected), file);
        StateDict forwardOnly = StateDictLoader.Load(new ForwardOnlyStream(new MemoryStream(bytes)), WeightFixtures.Entries(expected), file);
        var offset = new MemoryStream(new byte[] { 1, 2, 3 }.Concat(bytes).ToArray()) { Position = 3 };
        StateDict afterPrefix = StateDictLoader.Load(offset, WeightFixtures.Entries(expected), file);

        WeightFixtures.AssertExact(expected, seekable);
        WeightFixtures.AssertExact(expected, forwardOnly);
        WeightFixtures.AssertExact(expected, afterPrefix);
        Assert.Equal(file, seekable.Source);
    }

    [Fact]
    public void The_stream_is_left_open()
    {
        var stream = new MemoryStream(WeightFixtures.Bytes("mixed.pth"));

        StateDictLoader.Load(stream, WeightFixtures.Entries("mixed"));

        Assert.True(stream.CanRead);
    }

    [Theory]
    [InlineData("mixed.pth")]
    [InlineData("views.pth")]
    [InlineData("mixed.safetensors")]
    [InlineData("legacy.pth")]
    [InlineData("legacy_views.pth")]
    public void Progress_counts_up_to_the_total(string file)
    {
        var progress = new RecordingProgress();

        StateDictLoader.Load(WeightFixtures.PathOf(file), WeightFixtures.Entries(WeightFixtures.Files[file]), progress);

        Assert.True(progress.Reports.Count >= 2);
        long total = progress.Reports[0].TotalBytes;
        Assert.True(total > 0);
        Assert.Equal(0, progress.Reports[0].BytesRead);
        Assert.All(progress.Reports, r => Assert.Equal(total, r.TotalBytes));
        Assert.Equal(progress.Reports.Select(r => r.BytesRead).Order(), progress.Reports.Select(r => r.BytesRead));
        Assert.Equal(total, progress.Reports[^1].BytesRead);
        Assert.Equal(1.0, progress.Reports[^1].Fraction);
    }

    [Fact]
    public void Checkpoint_extras_next_to_the_state_dict_are_ignored()
    {
        // checkpoint.pth also holds 'epoch', 'arch', 'best_acc1' and an optimizer dict; only 'state_dict' is bound.
        StateDict loaded = StateDictLoader.Load(WeightFixtures.PathOf("checkpoint.pth"), WeightFixtures.Entries("mixed"));

        Assert.Equal(WeightFixtures.Set("mixed").Count, loaded.Count);
    }

    [Fact]
    public void A_little_endian_byteorder_record_is_accepted()
    {
        byte[] file = WeightFixtures.RewriteZip(WeightFixtures.Bytes("mixed.pth"), (_, data) => data, ("mixed/byteorder", "little"u8.ToArray()));

        StateDict loaded = StateDictLoader.Load(new MemoryStream(file), WeightFixtures.Entries("mixed"));

        WeightFixtures.AssertExact(WeightFixtures.Set("mixed"), loaded);
    }

    [Fact]
    public void A_compressed_archive_loads_too()
    {
        // torch.save stores records uncompressed, but a zip tool may have recompressed the file.
        var records = new List<(string, byte[])>();
        WeightFixtures.RewriteZip(WeightFixtures.Bytes("views.pth"), (name, data) => { records.Add((name, data)); return data; });
        var output = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] data) in records)
            {
                using Stream s = archive.CreateEntry(name, System.IO.Compression.CompressionLevel.Optimal).Open();
                s.Write(data);
            }
        }

        StateDict loaded = StateDictLoader.Load(new MemoryStream(output.ToArray()), WeightFixtures.Entries("views"));

        WeightFixtures.AssertExact(WeightFixtures.Set("views"), loaded);
    }
}
