using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ResNetGen.Tests.Weights;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Reliability;

/// <summary>
/// Hostile files too large to commit, built here: each is big enough that the loader's old behaviour (allocating 8 to
/// 1,000 bytes per byte of file, or hanging) breaks the memory bound or the watchdog, and each must now be refused
/// quickly with a message naming the problem.
/// </summary>
public sealed class LargeHostileFileTests
{
    private static readonly List<StateDictEntry> W = [new("w", StateDictEntryKind.BatchNormWeight, 2)];

    private readonly ITestOutputHelper _output;

    public LargeHostileFileTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void A_zip_directory_of_200000_records_is_refused_before_it_is_parsed()
    {
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (Stream s = archive.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
            {
                s.Write(PickleWriter.StateDict(("w", w => w.Tensor("FloatStorage", "0", 2, 0, [2], [1]))));
            }

            for (int i = 0; i < 200_000; i++)
            {
                archive.CreateEntry(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture), CompressionLevel.NoCompression);
            }
        }

        AssertRefused(output.ToArray(), W, "zip directory claims 200,001 records");
    }

    [Fact]
    public void A_stored_16_MB_pickle_that_builds_an_object_per_byte_is_stopped_by_its_budget()
    {
        byte[] pickle = new byte[16 << 20];
        pickle.AsSpan().Fill((byte)']');
        pickle[0] = 0x80;
        pickle[1] = 2;
        pickle[^1] = (byte)'.';

        AssertRefused(WeightFixtures.TorchZip(pickle), W, "bytes of objects");
    }

    [Fact]
    public void Two_hundred_thousand_int_keys_that_collide_under_long_hashing_stay_linear()
    {
        var w = new PickleWriter().Proto().EmptyDict().Mark();
        for (long x = 1; x <= 200_000; x++)
        {
            w.Long((x << 32) | x).Op((byte)'N');
        }

        AssertRefused(WeightFixtures.TorchZip(w.SetItems().Stop().ToArray()), W, "cannot read the pickle");
    }

    [Fact]
    public void A_256_MB_storage_deflated_behind_a_two_element_view_is_a_zip_bomb()
    {
        const long Elements = 64L << 20;
        byte[] pickle = PickleWriter.StateDict(("w", w => w.Tensor("FloatStorage", "0", Elements, 0, [2], [1])));
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (Stream s = archive.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
            {
                s.Write(pickle);
            }

            using Stream data = archive.CreateEntry("archive/data/0", CompressionLevel.SmallestSize).Open();
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < Elements * 4; written += zeros.Length)
            {
                data.Write(zeros);
            }
        }

        AssertRefused(output.ToArray(), W, "zip bomb");
    }

    [Fact]
    public void A_16_MB_safetensors_header_is_refused_before_it_is_parsed()
    {
        // 8 M JSON tokens: JsonDocument spends about 15 bytes of memory per byte of such a header.
        var header = new StringBuilder("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":[");
        header.Insert(header.Length, "0,", 8 << 20).Append("0]}");

        AssertRefused(WeightFixtures.Safetensors(header.ToString(), WeightFixtures.Floats(1, 2)), W, "far larger than");
    }

    private void AssertRefused(byte[] file, IReadOnlyList<StateDictEntry> expected, string fragment)
    {
        LoadAttempt attempt = HostileLoad.RunOne(HostileLoad.FromBytes("large.pth", file, expected));
        _output.WriteLine(attempt.ToString());

        Assert.True(attempt.Refusal is not null, attempt.ToString());
        Assert.Contains(fragment, attempt.Refusal!.Message);
        Assert.True(attempt.WithinBound, attempt.ToString());
    }
}
