using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace ResNetGen.Tests.Weights;

/// <summary>
/// Damaged, truncated and hand-made hostile files: every one ends in a <see cref="WeightLoadException"/> naming the file
/// (never IndexOutOfRange, Overflow, OutOfMemory or a hang), and lengths are checked before anything is allocated.
/// </summary>
public sealed class DamagedFileTests
{
    private static readonly List<StateDictEntry> Scalar = [new("w", StateDictEntryKind.BatchNormWeight, 2)];

    /// <summary>Fuzz trials per file; set RESNETGEN_FUZZ_TRIALS to run more locally.</summary>
    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("RESNETGEN_FUZZ_TRIALS"), out int n) ? n : 400;

    private static void LoadsOrFailsCleanly(byte[] bytes, IReadOnlyList<StateDictEntry> entries)
    {
        try
        {
            StateDict loaded = StateDictLoader.Load(new MemoryStream(bytes), entries, "fuzz");
            Assert.Equal(entries.Select(x => x.Name), loaded.Keys); // a flip in tensor data is undetectable, and fine
        }
        catch (WeightLoadException e)
        {
            Assert.StartsWith("fuzz", e.Message);
        }
    }

    private static WeightLoadException FailsWithPickle(byte[] pickle, params (string Key, byte[] Data)[] storages) =>
        WeightFixtures.LoadFails(WeightFixtures.TorchZip(pickle, storages), Scalar, "crafted.pth");

    // ---- .pth: truncation and corruption of real files ----

    [Theory]
    [InlineData("mixed.pth")]
    [InlineData("views.pth")]
    [InlineData("mixed.safetensors")]
    [InlineData("views.safetensors")]
    public void Every_truncation_fails_cleanly(string file)
    {
        byte[] bytes = WeightFixtures.Bytes(file);
        var entries = WeightFixtures.Entries(WeightFixtures.Files[file]);
        for (int length = 0; length < bytes.Length; length++)
        {
            var e = WeightFixtures.LoadFails(bytes[..length], entries, "cut." + file);
            Assert.StartsWith("cut." + file, e.Message);
            Assert.Equal("cut." + file, e.Source);
        }
    }

    [Theory]
    [InlineData("mixed.pth")]
    [InlineData("views.pth")]
    [InlineData("checkpoint.pth")]
    [InlineData("mixed.safetensors")]
    [InlineData("views.safetensors")]
    public void Random_corruption_loads_or_fails_cleanly(string file)
    {
        byte[] original = WeightFixtures.Bytes(file);
        var entries = WeightFixtures.Entries(WeightFixtures.Files[file]);
        var random = new Random(1234);
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            LoadsOrFailsCleanly(bytes, entries);
        }
    }

    [Theory]
    [InlineData("mixed.pth", "mixed/data.pkl")]
    [InlineData("views.pth", "views/data.pkl")]
    [InlineData("mixed_protocol4.pth", "mixed_protocol4/data.pkl")]
    [InlineData("checkpoint.pth", "checkpoint/data.pkl")]
    public void Random_corruption_of_the_pickle_loads_or_fails_cleanly(string file, string record)
    {
        byte[] original = WeightFixtures.Bytes(file);
        var entries = WeightFixtures.Entries(WeightFixtures.Files[file]);
        var random = new Random(4321);
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] bytes = WeightFixtures.RewriteZip(original, (name, data) =>
            {
                if (name != record)
                {
                    return data;
                }

                data = (byte[])data.Clone();
                int flips = 1 + random.Next(3);
                for (int i = 0; i < flips; i++)
                {
                    data[random.Next(data.Length)] = random.Next(4) == 0 ? (byte)random.Next(256) : (byte)(data[random.Next(data.Length)]);
                }

                return data;
            });
            LoadsOrFailsCleanly(bytes, entries);
        }
    }

    [Fact]
    public void A_missing_storage_record_is_named()
    {
        byte[] file = WeightFixtures.RewriteZip(WeightFixtures.Bytes("mixed.pth"), (name, data) => name == "mixed/data/0" ? null : data);

        var e = WeightFixtures.LoadFails(file, WeightFixtures.Entries("mixed"), "holes.pth");

        Assert.Contains("'mixed/data/0'", e.Message);
        Assert.Contains("'conv1.weight'", e.Message);
    }

    [Fact]
    public void A_short_storage_record_is_caught_before_reading()
    {
        byte[] file = WeightFixtures.RewriteZip(WeightFixtures.Bytes("mixed.pth"), (name, data) => name == "mixed/data/0" ? data[..20] : data);

        var e = WeightFixtures.LoadFails(file, WeightFixtures.Entries("mixed"), "short.pth");

        Assert.Contains("holds 20 bytes", e.Message);
        Assert.Contains("needs 32", e.Message);
    }

    [Fact]
    public void A_pickle_without_stop_is_truncated()
    {
        byte[] pickle = WeightFixtures.Bytes("mixed.pth");
        byte[] file = WeightFixtures.RewriteZip(pickle, (name, data) => name == "mixed/data.pkl" ? data[..^1] : data);

        var e = WeightFixtures.LoadFails(file, WeightFixtures.Entries("mixed"), "nostop.pth");

        Assert.Contains("mixed/data.pkl", e.Message);
        Assert.Contains("without a STOP", e.Message);
    }

    // ---- hand-made pickles ----

    [Fact]
    public void Loads_a_hand_made_state_dict()
    {
        byte[] pickle = PickleWriter.StateDict(("w", w => w.Tensor("DoubleStorage", "0", 3, 1, [2], [1])));

        StateDict loaded = StateDictLoader.Load(
            new MemoryStream(WeightFixtures.TorchZip(pickle, ("0", new[] { 1.0, 0.1, -2.5 }.SelectMany(BitConverter.GetBytes).ToArray()))), Scalar);

        Assert.Equal(new[] { 0.1f, -2.5f }, loaded.Get("w").Data);
    }

    [Theory]
    [InlineData(3, 2, 1)]                         // offset 2 + 1 element past a 3-element storage
    [InlineData(2, 0, 2)]                         // stride 2 reaches element 2
    [InlineData(2, long.MaxValue - 1, 1)]         // offset near overflow
    [InlineData(2, 0, long.MaxValue)]             // stride overflow
    public void A_view_past_its_storage_is_refused(long numel, long offset, long stride)
    {
        byte[] pickle = PickleWriter.StateDict(("w", w => w.Tensor("FloatStorage", "0", numel, offset, [2], [stride])));

        var e = FailsWithPickle(pickle, ("0", new byte[numel * 4]));

        Assert.Contains("reaches past the end of its storage '0'", e.Message);
    }

    [Theory]
    [InlineData(-1L, 1L, "out of range")]
    [InlineData(2L, -1L, "negative stride")]
    [InlineData(1L << 40, 1L, "out of range")]
    public void Bad_sizes_and_strides_are_refused(long size, long stride, string expected)
    {
        byte[] pickle = PickleWriter.StateDict(("w", w => w.Tensor("FloatStorage", "0", 2, 0, [size], [stride])));

        Assert.Contains(expected, FailsWithPickle(pickle, ("0", new byte[8])).Message);
    }

    [Fact]
    public void Too_many_elements_are_refused_before_allocating()
    {
        byte[] pickle = PickleWriter.StateDict(("w", w => w.Tensor("FloatStorage", "0", long.MaxValue / 8, 0, [1 << 20, 1 << 20], [1 << 20, 1])));

        Assert.Contains("too many elements", FailsWithPickle(pickle).Message);
    }

    [Fact]
    public void A_huge_storage_claim_is_checked_against_the_record()
    {
        byte[] pickle = PickleWriter.StateDict(("w", w => w.Tensor("FloatStorage", "0", 1L << 40, 0, [2], [1])));

        var e = FailsWithPickle(pickle, ("0", new byte[8]));

        Assert.Contains("holds 8 bytes", e.Message);
    }

    [Fact]
    public void A_storage_described_twice_differently_is_refused()
    {
        byte[] pickle = PickleWriter.StateDict(
            ("w", w => w.Tensor("FloatStorage", "0", 2, 0, [2], [1])),
            ("v", w => w.Tensor("HalfStorage", "0", 2, 0, [2], [1])));

        Assert.Contains("described twice", FailsWithPickle(pickle, ("0", new byte[8])).Message);
    }

    [Fact]
    public void Deep_mark_nesting_is_bounded()
    {
        var w = new PickleWriter().Proto();
        for (int i = 0; i < 100_000; i++)
        {
            w.Mark();
        }

        Assert.Contains("MARKs nest deeper", FailsWithPickle(w.Stop().ToArray()).Message);
    }

    [Fact]
    public void Deep_tuple_nesting_is_bounded()
    {
        var w = new PickleWriter().Proto().EmptyTuple();
        for (int i = 0; i < 100_000; i++)
        {
            w.Op(0x85); // TUPLE1
        }

        Assert.Contains("tuples nest deeper", FailsWithPickle(w.Stop().ToArray()).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 0xff, 0xff, 0xff, 0x7f, (byte)'a' }, "runs past the end")]           // BINUNICODE length
    [InlineData(new byte[] { 0x80, 4, 0x8d, 0, 0, 0, 0, 0, 0, 0, 0x80, (byte)'.' }, "runs past the end")]             // BINUNICODE8 length
    [InlineData(new byte[] { 0x80, 4, 0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, (byte)'.' }, "FRAME")]     // FRAME length
    [InlineData(new byte[] { 0x80, 2, (byte)'h', 7, (byte)'.' }, "memo entry 7 is read before it is written")]
    [InlineData(new byte[] { 0x80, 2, (byte)'.' }, "stack is empty")]
    [InlineData(new byte[] { 0x80, 2, (byte)'u', (byte)'.' }, "no MARK")]
    [InlineData(new byte[] { 0x80, 2, (byte)'(', (byte)'K', 1, (byte)'u', (byte)'.' }, "stack is empty")]
    [InlineData(new byte[] { 0x80, 2, (byte)'}', (byte)'(', (byte)'K', 1, (byte)'u', (byte)'.' }, "even number")]
    [InlineData(new byte[] { 0x80, 2, (byte)'}', (byte)']', (byte)'K', 1, (byte)'s', (byte)'.' }, "cannot be a dict key")]
    [InlineData(new byte[] { 0x80, 2, (byte)'K', 0, (byte)'K', 1, (byte)'K', 2, (byte)'s', (byte)'.' }, "SETITEM needs a dict")]
    [InlineData(new byte[] { 0x80, 2, (byte)'i', (byte)'.' }, "opcode 0x69 ('i')")]                                    // INST: never
    [InlineData(new byte[] { 0x80, 2, (byte)'c', (byte)'o', (byte)'s' }, "not terminated")]
    [InlineData(new byte[] { 0x80, 9, (byte)'.' }, "protocol 9")]
    [InlineData(new byte[] { 0x80, 2, 0x8a, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, (byte)'.' }, "too large")]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 2, 0, 0, 0, 0xc3, 0x28, (byte)'.' }, "not valid UTF-8")]
    [InlineData(new byte[] { 0x80, 2, (byte)'K', 1, (byte)')', (byte)'R', (byte)'.' }, "needs a callable")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'Q', (byte)'.' }, "persistent id must be a tuple")]
    [InlineData(new byte[] { 0x80, 2, (byte)'K', 1, 0x85, (byte)'Q', (byte)'.' }, "persistent id is not of the form")]
    public void Malformed_pickles_are_named(byte[] pickle, string expected)
    {
        var e = FailsWithPickle(pickle);

        Assert.Contains(expected, e.Message);
        Assert.Contains("crafted.pth", e.Message);
    }

    [Fact]
    public void Rebuild_tensor_with_wrong_arguments_is_refused()
    {
        byte[] pickle = new PickleWriter().Proto().EmptyDict().Str("w").Global("torch._utils", "_rebuild_tensor_v2")
            .Mark().Int(1).Tuple().Reduce().Op((byte)'s').Stop().ToArray();

        Assert.Contains("_rebuild_tensor_v2 needs 6 or 7 arguments", FailsWithPickle(pickle).Message);
    }

    [Fact]
    public void Rebuild_parameter_unwraps_to_its_tensor()
    {
        var w = new PickleWriter().Proto().EmptyDict().Str("w").Global("torch._utils", "_rebuild_parameter").Mark();
        w.Tensor("FloatStorage", "0", 2, 0, [2], [1]);
        w.Op(0x88).Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce().Op((byte)'s').Stop();

        StateDict loaded = StateDictLoader.Load(new MemoryStream(WeightFixtures.TorchZip(w.ToArray(), ("0", WeightFixtures.Floats(3, 4)))), Scalar);

        Assert.Equal(new[] { 3f, 4f }, loaded.Get("w").Data);
    }

    [Fact]
    public void A_non_string_key_is_refused()
    {
        var w = new PickleWriter().Proto().EmptyDict().Int(0);
        w.Tensor("FloatStorage", "0", 2, 0, [2], [1]);
        byte[] pickle = w.Op((byte)'s').Stop().ToArray();

        Assert.Contains("has a key that is an int", FailsWithPickle(pickle, ("0", new byte[8])).Message);
    }

    [Fact]
    public void A_duplicated_record_is_refused()
    {
        byte[] pickle = PickleWriter.StateDict(("w", w => w.Tensor("FloatStorage", "0", 2, 0, [2], [1])));
        byte[] file = WeightFixtures.Zip(("archive/data.pkl", pickle), ("archive/data/0", new byte[8]), ("archive/data/0", new byte[8]));

        Assert.Contains("twice", WeightFixtures.LoadFails(file, Scalar).Message);
    }

    [Fact]
    public void A_key_set_twice_in_one_dict_is_refused()
    {
        // Python would keep the later value, but torch.save never writes a key twice, and a file whose meaning depends on
        // which of two values a reader keeps is refused (as duplicate safetensors keys and zip records are).
        byte[] pickle = PickleWriter.StateDict(
            ("w", w => w.Tensor("FloatStorage", "0", 2, 0, [1], [1])),
            ("w", w => w.Tensor("FloatStorage", "0", 2, 0, [2], [1])));

        var e = FailsWithPickle(pickle, ("0", WeightFixtures.Floats(5, 6)));

        Assert.Contains("sets the key 'w' twice", e.Message);
    }

    // ---- .safetensors ----

    private static readonly List<StateDictEntry> Pair = [new("w", StateDictEntryKind.BatchNormWeight, 2)];

    [Fact]
    public void Safetensors_hand_made_file_loads()
    {
        byte[] file = WeightFixtures.Safetensors("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", WeightFixtures.Floats(1.5f, -2));

        Assert.Equal(new[] { 1.5f, -2f }, StateDictLoader.Load(new MemoryStream(file), Pair).Get("w").Data);
    }

    [Fact]
    public void Safetensors_header_length_past_the_end_is_refused()
    {
        byte[] file = WeightFixtures.Safetensors("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", WeightFixtures.Floats(1, 2));
        BitConverter.GetBytes(100_000UL).CopyTo(file, 0);

        var e = WeightFixtures.LoadFails(file, Pair, "w.safetensors");

        Assert.Contains("w.safetensors", e.Message);
        Assert.Contains("header claims 100000 bytes", e.Message);
    }

    [Fact]
    public void Safetensors_header_length_near_ulong_max_is_refused()
    {
        byte[] file = WeightFixtures.Safetensors("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", WeightFixtures.Floats(1, 2));
        BitConverter.GetBytes(ulong.MaxValue - 3).CopyTo(file, 0);

        Assert.Contains("header claims", WeightFixtures.LoadFails(file, Pair).Message);
    }

    [Theory]
    [InlineData("[0,16]", "outside the data section of 8 bytes")]
    [InlineData("[8,4]", "outside the data section")]
    [InlineData("[0,18446744073709551615]", "outside the data section")]
    [InlineData("[0,4]", "needs 8 bytes")]
    [InlineData("[-1,7]", "data_offsets [begin, end]")]
    [InlineData("[0]", "data_offsets [begin, end]")]
    [InlineData("\"0,8\"", "data_offsets [begin, end]")]
    public void Safetensors_bad_offsets_are_refused(string offsets, string expected)
    {
        byte[] file = WeightFixtures.Safetensors($$$"""{"w":{"dtype":"F32","shape":[2],"data_offsets":{{{offsets}}}}}""", WeightFixtures.Floats(1, 2));

        var e = WeightFixtures.LoadFails(file, Pair, "bad.safetensors");

        Assert.Contains(expected, e.Message);
        Assert.Contains("bad.safetensors", e.Message);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}""", "not valid JSON")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "invalid dimension")]
    [InlineData("""{"w":{"dtype":"F32","shape":[65536,65536,65536],"data_offsets":[0,8]}}""", "too many elements")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", "invalid dimension")]
    [InlineData("""{"w":{"dtype":"F32","data_offsets":[0,8]}}""", "no shape")]
    [InlineData("""{"w":{"shape":[2],"data_offsets":[0,8]}}""", "no dtype")]
    [InlineData("""{"w":3}""", "not an object")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "twice")]
    public void Safetensors_bad_headers_are_refused(string header, string expected)
    {
        var e = WeightFixtures.LoadFails(WeightFixtures.Safetensors(header, WeightFixtures.Floats(1, 2)), Pair, "bad.safetensors");

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Safetensors_truncated_data_is_caught_by_the_offsets()
    {
        byte[] file = WeightFixtures.Bytes("mixed.safetensors");
        ulong header = BitConverter.ToUInt64(file, 0);

        var e = WeightFixtures.LoadFails(file[..((int)header + 8 + 10)], WeightFixtures.Entries("mixed"), "cut.safetensors");

        Assert.Contains("outside the data section of 10 bytes", e.Message);
    }

    [Fact]
    public void Safetensors_deep_json_is_refused()
    {
        string deep = new string('[', 1000) + new string(']', 1000);
        var e = WeightFixtures.LoadFails(WeightFixtures.Safetensors("{\"w\":" + deep + "}", []), Pair);

        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Safetensors_int64_and_bfloat16_convert_like_torch()
    {
        byte[] data = BitConverter.GetBytes(123456789L)
            .Concat(BitConverter.GetBytes((ushort)0x3F80)).Concat(BitConverter.GetBytes((ushort)0x0001)) // bf16 1.0, smallest subnormal
            .ToArray();
        byte[] file = WeightFixtures.Safetensors(
            """{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}}""", data);

        StateDict loaded = StateDictLoader.Load(new MemoryStream(file), [new("n", StateDictEntryKind.BatchNormBatchesTracked), new("b", StateDictEntryKind.BatchNormBias, 2)]);

        Assert.Equal(new[] { 123456792f }, loaded.Get("n").Data);
        Assert.Equal(new[] { 1f, BitConverter.Int32BitsToSingle(0x10000) }, loaded.Get("b").Data);
        Assert.Equal(new[] { "n", "b" }, loaded.Keys);
    }

    [Fact]
    public void Messages_use_the_given_source_for_streams()
    {
        var e = WeightFixtures.LoadFails(Encoding.ASCII.GetBytes("garbage!"), Pair, "upload #3");

        Assert.Equal("upload #3", e.Source);
        Assert.StartsWith("upload #3", e.Message);
    }
}
