using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace ResNetGen.Tests.Weights;

/// <summary>Files that must not load get one clear <see cref="WeightLoadException"/> naming the file and saying why.</summary>
public sealed class RefusedFileTests
{
    [Fact]
    public void A_whole_pickled_model_asks_for_its_state_dict()
    {
        string path = WeightFixtures.PathOf("whole_model.pth");

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(path, WeightFixtures.Entries("mixed")));

        Assert.Equal(path, e.Source);
        Assert.Contains(path, e.Message);
        Assert.Contains("whole pickled model", e.Message);
        Assert.Contains("'torch.nn.modules.linear.Linear'", e.Message);
        Assert.Contains("torch.save(model.state_dict(), path)", e.Message);
    }

    [Theory]
    [InlineData("os_system.pth", "'os.system'")]
    [InlineData("builtins_eval.pth", "'builtins.eval'")]
    public void A_hostile_global_is_refused_by_name_and_never_run(string file, string global)
    {
        string path = WeightFixtures.PathOf(file);
        File.Delete("/tmp/resnetgen-pwned");

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(path, WeightFixtures.Entries("mixed")));

        Assert.Contains(path, e.Message);
        Assert.Contains(global, e.Message);
        Assert.Contains("refused", e.Message);
        Assert.Contains("nothing from the file was executed", e.Message);
        Assert.False(File.Exists("/tmp/resnetgen-pwned"));
    }

    [Theory]
    [InlineData("subprocess", "Popen")]
    [InlineData("builtins", "exec")]
    [InlineData("posix", "system")]
    [InlineData("torch", "load")]
    [InlineData("numpy.core.multiarray", "_reconstruct")]
    public void Any_global_outside_the_allow_list_is_refused(string module, string name)
    {
        byte[] pickle = new PickleWriter().Proto().Global(module, name).Str("x").Op(0x85).Reduce().Stop().ToArray();

        var e = WeightFixtures.LoadFails(WeightFixtures.TorchZip(pickle), WeightFixtures.Entries("mixed"), "hostile.pth");

        Assert.Contains($"'{module}.{name}'", e.Message);
        Assert.StartsWith("hostile.pth", e.Message);
    }

    [Fact]
    public void A_stack_global_for_a_model_class_gets_the_state_dict_advice()
    {
        byte[] pickle = new PickleWriter().Proto(4).Str("torchvision.models.resnet").Str("ResNet").Op(0x93).EmptyTuple().Op(0x81).Stop().ToArray();

        var e = WeightFixtures.LoadFails(WeightFixtures.TorchZip(pickle), WeightFixtures.Entries("mixed"), "resnet50.pth");

        Assert.Contains("'torchvision.models.resnet.ResNet'", e.Message);
        Assert.Contains("model.state_dict()", e.Message);
    }

    [Fact]
    public void An_unsupported_storage_type_is_named()
    {
        byte[] pickle = PickleWriter.StateDict(("mask", w => w.Tensor("BoolStorage", "0", 4, 0, [4], [1])));

        var e = WeightFixtures.LoadFails(WeightFixtures.TorchZip(pickle, ("0", new byte[4])), [new("mask", StateDictEntryKind.ConvolutionWeight, 4)]);

        Assert.Contains("torch.BoolStorage", e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Fact]
    public void A_big_endian_file_is_refused_with_the_reason()
    {
        byte[] file = WeightFixtures.RewriteZip(WeightFixtures.Bytes("mixed.pth"), (_, data) => data, ("mixed/byteorder", "big"u8.ToArray()));

        var e = WeightFixtures.LoadFails(file, WeightFixtures.Entries("mixed"), "be.pth");

        Assert.Contains("be.pth", e.Message);
        Assert.Contains("big-endian", e.Message);
        Assert.Contains("only little-endian", e.Message);
    }

    [Fact]
    public void A_torchscript_archive_is_explained()
    {
        string path = WeightFixtures.PathOf("torchscript.pt");

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(path, WeightFixtures.Entries("mixed")));

        Assert.Contains(path, e.Message);
        Assert.Contains("TorchScript", e.Message);
        Assert.Contains("torch.save(model.state_dict(), path)", e.Message);
    }

    [Fact]
    public void A_zip_that_is_not_a_torch_archive_is_explained()
    {
        byte[] file = WeightFixtures.Zip(("readme.txt", "hello"u8.ToArray()));

        var e = WeightFixtures.LoadFails(file, WeightFixtures.Entries("mixed"), "other.zip");

        Assert.Contains("not one written by torch.save", e.Message);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'}', (byte)'.' }, "bare pickle")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 2, 3, 4, 5, 6, 7, 8 }, "neither a PyTorch .pth file")]
    [InlineData(new byte[] { (byte)'{', (byte)'}' }, "neither")]
    public void Unknown_content_is_named(byte[] content, string expected)
    {
        var e = WeightFixtures.LoadFails(content, WeightFixtures.Entries("mixed"), "weights.bin");

        Assert.Contains("weights.bin", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_WeightLoadException_that_names_it()
    {
        string path = WeightFixtures.PathOf("no-such-file.pth");
        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(path, WeightFixtures.Entries("mixed")));
        Assert.Equal(path, e.Source);
        Assert.StartsWith($"{path}: there is no such file", e.Message);
        Assert.IsType<FileNotFoundException>(e.InnerException);

        string inMissingFolder = Path.Combine(WeightFixtures.PathOf("no-such-folder"), "weights.pth");
        e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(inMissingFolder, WeightFixtures.Entries("mixed")));
        Assert.IsType<DirectoryNotFoundException>(e.InnerException);
    }

    [Fact]
    public void A_folder_instead_of_a_file_is_a_WeightLoadException()
    {
        string folder = Path.GetDirectoryName(WeightFixtures.PathOf("mixed.pth"))!;
        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(folder, WeightFixtures.Entries("mixed")));
        Assert.StartsWith($"{folder}: cannot be opened", e.Message);
    }

    [Fact]
    public void Null_and_duplicate_manifests_are_argument_errors()
    {
        Assert.Throws<ArgumentNullException>(() => StateDictLoader.Load(WeightFixtures.PathOf("mixed.pth"), null!));
        var twice = WeightFixtures.Entries("mixed");
        twice.Add(twice[0]);
        var e = Assert.Throws<ArgumentException>(() => StateDictLoader.Load(WeightFixtures.PathOf("mixed.pth"), twice));
        Assert.Contains("conv1.weight", e.Message);
    }

    [Fact]
    public void A_top_level_that_is_not_a_dict_is_explained()
    {
        byte[] pickle = new PickleWriter().Proto().Op((byte)']').Stop().ToArray();

        var e = WeightFixtures.LoadFails(WeightFixtures.TorchZip(pickle), WeightFixtures.Entries("mixed"));

        Assert.Contains("a list at the top level, not a state_dict", e.Message);
    }

    [Fact]
    public void A_dict_without_tensors_lists_its_keys()
    {
        byte[] pickle = new PickleWriter().Proto().EmptyDict().Mark().Str("epoch").Int(3).Str("weights").EmptyDict().SetItems().Stop().ToArray();

        var e = WeightFixtures.LoadFails(WeightFixtures.TorchZip(pickle), WeightFixtures.Entries("mixed"), "ckpt.pth");

        Assert.Contains("without any tensors", e.Message);
        Assert.Contains("'epoch', 'weights'", e.Message);
        Assert.Contains("'state_dict'", e.Message);
    }

    [Fact]
    public void An_unsupported_safetensors_dtype_is_named()
    {
        byte[] file = WeightFixtures.Safetensors("""{"mask":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}""", new byte[2]);

        var e = WeightFixtures.LoadFails(file, [new("mask", StateDictEntryKind.ConvolutionWeight, 2)], "m.safetensors");

        Assert.Contains("'BOOL'", e.Message);
        Assert.Contains("F32, F16, BF16, F64, I64", e.Message);
    }
}
