using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace ResNetGen.Tests.Weights;

/// <summary>Binding is strict like <c>load_state_dict(strict=True)</c>, and every difference is in one exception.</summary>
public sealed class StrictBindingTests
{
    public static TheoryData<string> Formats => new() { "mixed.pth", "mixed.safetensors", "dataparallel.pth", "checkpoint.pth" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_missing_key_is_listed(string file)
    {
        var expected = WeightFixtures.Entries("mixed");
        expected.Insert(3, new StateDictEntry("layer1.0.conv1.weight", StateDictEntryKind.ConvolutionWeight, 2, 2, 3, 3));
        string path = WeightFixtures.PathOf(file);

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(path, expected));

        Assert.Equal(new[] { "layer1.0.conv1.weight" }, e.MissingKeys);
        Assert.Empty(e.UnexpectedKeys);
        Assert.Empty(e.ShapeMismatches);
        Assert.Equal(path, e.Source);
        Assert.Contains(path, e.Message);
        Assert.Contains("Missing keys (1):", e.Message);
        Assert.Contains("layer1.0.conv1.weight", e.Message);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void An_unexpected_key_is_listed(string file)
    {
        var expected = WeightFixtures.Entries("mixed").Where(entry => entry.Name != "bn1.running_var").ToList();

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(WeightFixtures.PathOf(file), expected));

        Assert.Equal(new[] { "bn1.running_var" }, e.UnexpectedKeys);
        Assert.Empty(e.MissingKeys);
        Assert.Contains("Unexpected keys (1):\n    bn1.running_var", e.Message.ReplaceLineEndings("\n"));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_shape_mismatch_names_both_shapes(string file)
    {
        var expected = WeightFixtures.Entries("mixed")
            .Select(entry => entry.Name == "fc.weight" ? new StateDictEntry("fc.weight", StateDictEntryKind.LinearWeight, 10, 2) : entry)
            .ToList();

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(WeightFixtures.PathOf(file), expected));

        ShapeMismatch mismatch = Assert.Single(e.ShapeMismatches);
        Assert.Equal("fc.weight", mismatch.Name);
        Assert.Equal(new[] { 10, 2 }, mismatch.ExpectedShape);
        Assert.Equal(new[] { 3, 2 }, mismatch.FoundShape);
        Assert.Contains("fc.weight: expected [10, 2], found [3, 2]", e.Message);
        Assert.Contains("NumClasses", e.Message);
    }

    [Fact]
    public void Every_difference_is_in_one_exception()
    {
        var expected = new List<StateDictEntry>
        {
            new("conv1.weight", StateDictEntryKind.ConvolutionWeight, 2, 1, 3, 3),   // mismatch
            new("bn1.weight", StateDictEntryKind.BatchNormWeight, 2),
            new("bn1.bias", StateDictEntryKind.BatchNormBias, 2),
            new("bn1.running_mean", StateDictEntryKind.BatchNormRunningMean, 2),
            new("bn1.running_var", StateDictEntryKind.BatchNormRunningVar, 2),
            new("bn1.num_batches_tracked", StateDictEntryKind.BatchNormBatchesTracked, 1),   // mismatch: the file's is a scalar
            new("bn2.weight", StateDictEntryKind.BatchNormWeight, 2),                 // missing
            new("fc.weight", StateDictEntryKind.LinearWeight, 3, 2),
            new("classifier.bias", StateDictEntryKind.LinearBias, 3),                 // missing
        };
        string path = WeightFixtures.PathOf("dataparallel.pth");

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(path, expected));

        Assert.Equal(new[] { "bn2.weight", "classifier.bias" }, e.MissingKeys);
        Assert.Equal(new[] { "fc.bias" }, e.UnexpectedKeys);
        Assert.Equal(new[] { "conv1.weight", "bn1.num_batches_tracked" }, e.ShapeMismatches.Select(m => m.Name));
        Assert.Contains("bn1.num_batches_tracked: expected [1], found []", e.Message);
        Assert.Contains("conv1.weight: expected [2, 1, 3, 3], found [2, 1, 2, 2]", e.Message);
        Assert.Contains("'module.' was stripped", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Keys_are_reported_without_the_DataParallel_prefix()
    {
        var expected = WeightFixtures.Entries("mixed").Skip(1).ToList();

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(WeightFixtures.PathOf("dataparallel.pth"), expected));

        Assert.Equal(new[] { "conv1.weight" }, e.UnexpectedKeys);
    }

    [Fact]
    public void The_nesting_key_is_named()
    {
        var expected = WeightFixtures.Entries("mixed").Skip(1).ToList();

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(WeightFixtures.PathOf("checkpoint.pth"), expected));

        Assert.Contains("""under ["state_dict"]""", e.Message);
    }

    [Fact]
    public void Weights_for_another_architecture_are_called_that()
    {
        var expected = new List<StateDictEntry> { new("layer4.2.bn3.weight", StateDictEntryKind.BatchNormWeight, 2048) };

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(WeightFixtures.PathOf("mixed.pth"), expected));

        Assert.Equal(8, e.UnexpectedKeys.Count);
        Assert.Contains("different architecture", e.Message);
    }

    [Fact]
    public void A_non_tensor_under_an_expected_key_is_missing_with_a_note()
    {
        byte[] pickle = PickleWriter.StateDict(
            ("w", w => w.Tensor("FloatStorage", "0", 2, 0, [2], [1])),
            ("n", w => w.Int(5)));
        byte[] file = WeightFixtures.TorchZip(pickle, ("0", WeightFixtures.Floats(1, 2)));
        var expected = new List<StateDictEntry> { new("w", StateDictEntryKind.BatchNormWeight, 2), new("n", StateDictEntryKind.BatchNormBatchesTracked) };

        var e = WeightFixtures.LoadFails(file, expected, "odd.pth");

        Assert.Equal(new[] { "n" }, e.MissingKeys);
        Assert.Contains("n (the file holds an int there, not a tensor)", e.Message);
    }

    [Fact]
    public void Only_a_prefix_on_every_key_is_stripped()
    {
        byte[] pickle = PickleWriter.StateDict(
            ("module.w", w => w.Tensor("FloatStorage", "0", 2, 0, [2], [1])),
            ("v", w => w.Tensor("FloatStorage", "0", 2, 1, [1], [1])));
        byte[] file = WeightFixtures.TorchZip(pickle, ("0", WeightFixtures.Floats(1, 2)));

        StateDict loaded = StateDictLoader.Load(new MemoryStream(file), [new("module.w", StateDictEntryKind.BatchNormWeight, 2), new("v", StateDictEntryKind.BatchNormBias, 1)]);

        Assert.Equal(new[] { 1f, 2f }, loaded.Get("module.w").Data);
        Assert.Equal(new[] { 2f }, loaded.Get("v").Data);
    }

    [Fact]
    public void Unneeded_tensors_with_damaged_storages_are_not_read_but_still_unexpected()
    {
        // Keys are checked before any storage is read, so the report is about keys, not about the missing record.
        byte[] pickle = PickleWriter.StateDict(
            ("w", w => w.Tensor("FloatStorage", "0", 2, 0, [2], [1])),
            ("extra", w => w.Tensor("FloatStorage", "9", 2, 0, [2], [1])));
        byte[] file = WeightFixtures.TorchZip(pickle, ("0", WeightFixtures.Floats(1, 2)));

        var e = WeightFixtures.LoadFails(file, [new("w", StateDictEntryKind.BatchNormWeight, 2)]);

        Assert.Equal(new[] { "extra" }, e.UnexpectedKeys);
    }
}
