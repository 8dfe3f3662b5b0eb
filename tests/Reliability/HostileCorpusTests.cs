using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Reliability;

/// <summary>
/// The hostile corpus of <c>tools/make_hostile_corpus.py</c> (tests/Goldens/hostile/): every file ends in a
/// <see cref="WeightLoadException"/> whose message names the file and contains the fragment the manifest gives, within
/// the memory bound and the watchdog's time limit, and without any of the code its pickle names being run (each payload
/// would create a marker file; the script proves that Python's own pickle does).
/// </summary>
public sealed class HostileCorpusTests
{
    private static readonly Lazy<Corpus> Manifest = new(Corpus.Read);

    private readonly ITestOutputHelper _output;

    public HostileCorpusTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Files => new(Manifest.Value.Cases.Select(c => c.File));

    [Fact]
    public void The_valid_bases_load_to_the_same_tensors()
    {
        Corpus corpus = Manifest.Value;
        StateDict pth = StateDictLoader.Load(corpus.PathOf("base.pth"), corpus.Base);
        StateDict safetensors = StateDictLoader.Load(corpus.PathOf("base.safetensors"), corpus.Base);

        foreach (StateDictEntry entry in corpus.Base)
        {
            Assert.Equal(pth.Get(entry.Name).Data, safetensors.Get(entry.Name).Data);
        }

        Assert.Equal(new[] { 1.5f, 0.25f }, pth.Get("bn1.weight").Data);
        Assert.Equal(new[] { 7f }, pth.Get("bn1.num_batches_tracked").Data);
    }

    [Theory]
    [InlineData("legacy-base.pth")]
    [InlineData("legacy-base-rebuild-tensor.pth")]
    public void The_legacy_format_bases_load_to_the_same_tensors(string file)
    {
        Corpus corpus = Manifest.Value;
        StateDict pth = StateDictLoader.Load(corpus.PathOf("base.pth"), corpus.Base);
        StateDict legacy = StateDictLoader.Load(corpus.PathOf(file), corpus.Base);

        foreach (StateDictEntry entry in corpus.Base)
        {
            Assert.Equal(pth.Get(entry.Name).Data, legacy.Get(entry.Name).Data);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Is_refused_with_the_problem_named(string file)
    {
        Corpus corpus = Manifest.Value;
        CorpusCase hostile = corpus.Cases.Single(c => c.File == file);
        string path = corpus.PathOf(file);
        if (hostile.Marker is not null && File.Exists(hostile.Marker))
        {
            File.Delete(hostile.Marker);
        }

        LoadAttempt attempt = HostileLoad.RunOne(HostileLoad.FromPath(path, corpus.EntriesFor(hostile)));

        Assert.True(attempt.Other is null, attempt.ToString());
        Assert.False(attempt.Loaded, $"{file} ({hostile.What}) loaded.");
        WeightLoadException refusal = attempt.Refusal!;
        Assert.Equal(path, refusal.Source);
        Assert.StartsWith(path + ":", refusal.Message);
        Assert.True(refusal.Message.Length > path.Length + 30, refusal.Message);
        Assert.Contains(hostile.Expect, refusal.Message);
        Assert.True(attempt.WithinBound, attempt.ToString());
        if (hostile.Marker is not null)
        {
            Assert.False(File.Exists(hostile.Marker), $"{file}: the payload ran and created {hostile.Marker}.");
        }
    }

    /// <summary>A user's path: a generated network's <c>Load</c>, from a path and from a stream, refuses as the loader does.</summary>
    [Theory]
    [InlineData("globals-os-system.pth")]
    [InlineData("globals-torch-load.pth")]
    [InlineData("exhaustion-tuple-dag-key.pth")]
    [InlineData("zip-bomb-deflated-pickle-16mb.pth")]
    [InlineData("outside-symlink-record.pth")]
    [InlineData("lengths-safetensors-header-length-ulong-max.safetensors")]
    [InlineData("outside-storage-key-nul.pth")]
    public void A_generated_network_refuses_it_too(string file)
    {
        Corpus corpus = Manifest.Value;
        string path = corpus.PathOf(file);
        string? marker = corpus.Cases.Single(c => c.File == file).Marker;

        var fromPath = Assert.Throws<WeightLoadException>(() => ConcurrentNet.Load(path));
        using var stream = File.OpenRead(path);
        var fromStream = Assert.Throws<WeightLoadException>(() => ConcurrentNet.Load(stream));

        Assert.StartsWith(path + ":", fromPath.Message);
        Assert.StartsWith("stream:", fromStream.Message);
        Assert.DoesNotContain('\0', fromPath.Message); // values from the file are quoted with control characters escaped
        Assert.False(marker is not null && File.Exists(marker));
    }

    /// <summary>The figures for the README: every case again, by category, with the largest allocation and time.</summary>
    [Fact]
    public void All_files_are_refused_within_their_bounds_with_no_payload_run_and_figures_by_category()
    {
        Corpus corpus = Manifest.Value;
        string markers = Path.GetDirectoryName(corpus.Cases.First(c => c.Marker is not null).Marker)!;
        if (Directory.Exists(markers))
        {
            Directory.Delete(markers, recursive: true);
        }

        LoadAttempt[] attempts = HostileLoad.RunAll(corpus.Cases.Select(c => HostileLoad.FromPath(corpus.PathOf(c.File), corpus.EntriesFor(c))).ToList());

        _output.WriteLine($"{"category",-12} {"files",6} {"refused",8} {"max allocated",14} {"max bound use",14} {"max ms",8}");
        foreach (var group in corpus.Cases.Zip(attempts).GroupBy(p => p.First.Category))
        {
            var list = group.Select(p => p.Second).ToList();
            _output.WriteLine(
                $"{group.Key,-12} {list.Count,6} {list.Count(a => a.Refusal is not null),8} {list.Max(a => a.AllocatedBytes),14:N0} " +
                $"{list.Max(a => (double)a.AllocatedBytes / a.Bound),14:P1} {list.Max(a => a.Milliseconds),8:F1}");
        }

        _output.WriteLine($"all {attempts.Length} files: {attempts.Sum(a => a.Milliseconds):F0} ms in all");
        Assert.All(attempts, a => Assert.True(a.Refusal is not null && a.WithinBound, a.ToString()));
        Assert.False(Directory.Exists(markers) && Directory.EnumerateFileSystemEntries(markers).Any(), "a payload created a marker.");
    }

    internal sealed record CorpusCase(string File, string Category, string Binds, string What, string Expect, string? Marker);

    internal sealed record Corpus(string Folder, IReadOnlyList<StateDictEntry> Base, IReadOnlyList<StateDictEntry> HandMade, IReadOnlyList<CorpusCase> Cases)
    {
        public string PathOf(string file) => Path.Combine(Folder, file);

        public IReadOnlyList<StateDictEntry> EntriesFor(CorpusCase c) => c.Binds == "base" ? Base : HandMade;

        public static Corpus Read()
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "Goldens", "hostile");
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
            JsonElement root = json.RootElement;
            return new Corpus(
                folder,
                Entries(root.GetProperty("entries")),
                Entries(root.GetProperty("hand_made_entries")),
                root.GetProperty("cases").EnumerateArray().Select(c => new CorpusCase(
                    c.GetProperty("file").GetString()!,
                    c.GetProperty("category").GetString()!,
                    c.GetProperty("binds").GetString()!,
                    c.GetProperty("what").GetString()!,
                    c.GetProperty("expect").GetString()!,
                    c.TryGetProperty("marker", out JsonElement marker) ? marker.GetString() : null)).ToList());
        }

        private static List<StateDictEntry> Entries(JsonElement list) =>
            list.EnumerateArray()
                .Select(e => new StateDictEntry(
                    e.GetProperty("name").GetString()!,
                    Weights.WeightFixtures.KindOf(e.GetProperty("name").GetString()!),
                    e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray()))
                .ToList();
    }
}
