using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ResNetGen.Tests.Weights;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Reliability;

/// <summary>
/// Random edits of valid weight files, with a fixed seed: every mutant either loads (an edit inside tensor data, a zip
/// timestamp or a CRC changes nothing torch checks either) or is refused with a <see cref="WeightLoadException"/> naming
/// it, within the memory bound and the watchdog's time limit. Half of the edits go inside the pickle (a legacy file's pickles) or the safetensors
/// JSON header (re-wrapped so that the container stays valid), where the parsers are exercised rather than the zip's checks.
/// </summary>
/// <remarks>
/// <c>RESNETGEN_MUTATIONS</c> sets the number of cases (default 20,000) and <c>RESNETGEN_MUTATION_SEED</c> the seed,
/// for a longer run: <c>RESNETGEN_MUTATIONS=1000000 dotnet test tests -c Release --filter FullyQualifiedName~MutationTests</c>.
/// Case i uses its own generator seeded from (seed, i), so any failure is reproduced by its number alone.
/// </remarks>
public sealed class MutationTests
{
    private static readonly int Count = int.TryParse(Environment.GetEnvironmentVariable("RESNETGEN_MUTATIONS"), out int n) ? n : 20_000;

    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("RESNETGEN_MUTATION_SEED"), out int s) ? s : 8_2024;

    private static readonly long[] Interesting =
    [
        0, 1, 2, 7, 8, 63, 64, 127, 128, 255, 256, 4096, 65535, 65536, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue,
        (long)uint.MaxValue + 1, long.MaxValue, long.MinValue, -1, -2, 1L << 40, 1L << 62,
    ];

    private readonly ITestOutputHelper _output;

    public MutationTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Random_edits_of_valid_files_load_or_are_refused_cleanly()
    {
        List<Base> bases = Bases();
        var clock = Stopwatch.StartNew();
        var tally = new Tally();
        const int Batch = 1000;
        for (int first = 0; first < Count; first += Batch)
        {
            var cases = new List<LoadCase>();
            for (int i = first; i < Math.Min(Count, first + Batch); i++)
            {
                var random = new Random(unchecked((Seed * 1_000_003) + i)); // not HashCode: its seed changes per process
                Base b = bases[random.Next(bases.Count)];
                (byte[] file, string how) = Mutate(b, random);
                cases.Add(HostileLoad.FromBytes($"mutant #{i} of {b.Name} ({how})", file, b.Expected));
            }

            foreach (LoadAttempt attempt in HostileLoad.RunAll(cases))
            {
                tally.Add(attempt);
            }
        }

        tally.Report(_output, $"{Count:N0} mutants (seed {Seed}) in {clock.Elapsed.TotalSeconds:F1} s");
        tally.AssertClean();
    }

    [Fact]
    public void Every_single_bit_flip_of_the_bases_loads_or_is_refused_cleanly()
    {
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        foreach (Base b in Bases().Where(b => b.Name.StartsWith("hostile/", StringComparison.Ordinal) || b.Name is "mixed.pth" or "legacy.pth"))
        {
            var cases = new List<LoadCase>();
            for (int bit = 0; bit < b.File.Length * 8; bit++)
            {
                byte[] file = (byte[])b.File.Clone();
                file[bit / 8] ^= (byte)(1 << (bit % 8));
                cases.Add(HostileLoad.FromBytes($"{b.Name} with bit {bit % 8} of byte {bit / 8} flipped", file, b.Expected));
            }

            foreach (LoadAttempt attempt in HostileLoad.RunAll(cases))
            {
                tally.Add(attempt);
            }
        }

        tally.Report(_output, $"every single-bit flip of the hostile corpus's bases (zip, safetensors, two legacy), mixed.pth and legacy.pth in {clock.Elapsed.TotalSeconds:F1} s");
        tally.AssertClean();
    }

    /// <summary>
    /// A valid file to mutate, the manifest it binds to, and for a zip .pth its records, for a legacy-format .pth the length
    /// of its pickles (everything before the storages).
    /// </summary>
    private sealed record Base(string Name, byte[] File, IReadOnlyList<StateDictEntry> Expected, List<(string Name, byte[] Data)>? Records, int LegacyPickles = 0);

    private static List<Base> Bases()
    {
        var bases = new List<Base>();
        foreach (string file in new[] { "mixed.pth", "views.pth", "checkpoint.pth", "mixed_protocol4.pth", "dataparallel.pth", "mixed.safetensors", "views.safetensors" })
        {
            byte[] bytes = WeightFixtures.Bytes(file);
            bases.Add(new Base(file, bytes, WeightFixtures.Entries(WeightFixtures.Files[file]), file.EndsWith(".pth", StringComparison.Ordinal) ? Records(bytes) : null));
        }

        foreach (string file in new[] { "legacy.pth", "legacy_views.pth" })
        {
            byte[] bytes = WeightFixtures.Bytes(file);
            bases.Add(new Base(file, bytes, WeightFixtures.Entries(WeightFixtures.Files[file]), null, LegacyPicklesLength(bytes)));
        }

        var corpus = HostileCorpusTests.Corpus.Read();
        foreach (string file in new[] { "base.pth", "base.safetensors" })
        {
            byte[] bytes = File.ReadAllBytes(corpus.PathOf(file));
            bases.Add(new Base("hostile/" + file, bytes, corpus.Base, file.EndsWith(".pth", StringComparison.Ordinal) ? Records(bytes) : null));
        }

        foreach (string file in new[] { "legacy-base.pth", "legacy-base-rebuild-tensor.pth" })
        {
            byte[] bytes = File.ReadAllBytes(corpus.PathOf(file));
            bases.Add(new Base("hostile/" + file, bytes, corpus.Base, null, LegacyPicklesLength(bytes)));
        }

        foreach (Base b in bases)
        {
            Assert.True(HostileLoad.RunOne(HostileLoad.FromBytes(b.Name, b.File, b.Expected)).Loaded, $"the base {b.Name} does not load");
        }

        return bases;
    }

    /// <summary>Where a legacy-format file's storages start: after its magic number and its four pickles.</summary>
    private static int LegacyPicklesLength(byte[] file)
    {
        var stream = new MemoryStream(file) { Position = ResNetGen.Weights.LegacyTorchReader.MagicPickle.Length };
        for (int i = 0; i < 4; i++)
        {
            ResNetGen.Weights.PickleExtent.Read(stream, file.Length, "base", "a pickle");
        }

        return (int)stream.Position;
    }

    private static List<(string, byte[])> Records(byte[] zip)
    {
        var records = new List<(string, byte[])>();
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            using Stream s = entry.Open();
            var copy = new MemoryStream();
            s.CopyTo(copy);
            records.Add((entry.FullName, copy.ToArray()));
        }

        return records;
    }

    private static (byte[] File, string How) Mutate(Base b, Random random)
    {
        if (random.Next(2) == 0)
        {
            return Edit(b.File, random, "file");
        }

        if (b.LegacyPickles > 0)
        {
            // Inside the pickles of a legacy-format file (its storages follow them, unchanged).
            byte[] pickles = b.File[..b.LegacyPickles];
            (byte[] edited, string how) = random.Next(2) == 0 ? PickleEdit(pickles, random) : Edit(pickles, random, "pickles");
            return ([.. edited, .. b.File[b.LegacyPickles..]], how);
        }

        if (b.Records is { } records)
        {
            // Inside one record (usually the pickle), re-zipped so that the zip itself stays valid.
            int which = random.Next(3) == 0 ? random.Next(records.Count) : records.FindIndex(r => r.Name.EndsWith("data.pkl", StringComparison.Ordinal));
            (byte[] edited, string how) = random.Next(3) == 0 && records[which].Name.EndsWith("data.pkl", StringComparison.Ordinal)
                ? PickleEdit(records[which].Data, random)
                : Edit(records[which].Data, random, records[which].Name);
            var copy = records.ToList();
            copy[which] = (records[which].Name, edited);
            return (WeightFixtures.Zip(copy.ToArray()), how);
        }

        // Inside the safetensors JSON header, with the length field rewritten to match.
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(b.File);
        byte[] header = b.File[8..(8 + (int)headerLength)];
        (byte[] newHeader, string headerHow) = random.Next(2) == 0 ? JsonEdit(header, random) : Edit(header, random, "header");
        byte[] file = new byte[8 + newHeader.Length + (b.File.Length - 8 - (int)headerLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)newHeader.Length);
        newHeader.CopyTo(file, 8);
        b.File.AsSpan(8 + (int)headerLength).CopyTo(file.AsSpan(8 + newHeader.Length));
        return (file, headerHow);
    }

    /// <summary>One to four byte-level edits: set, flip, insert, delete, duplicate, an interesting integer, or a cut.</summary>
    private static (byte[], string) Edit(byte[] original, Random random, string where)
    {
        var bytes = new List<byte>(original);
        var how = new StringBuilder(where);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    how.Append($" set@{at}");
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    how.Append($" flip@{at}");
                    break;
                case 2:
                    int insert = 1 + random.Next(16);
                    bytes.InsertRange(at, Enumerable.Range(0, insert).Select(_ => (byte)random.Next(256)));
                    how.Append($" insert{insert}@{at}");
                    break;
                case 3 when bytes.Count > 0:
                    int delete = Math.Min(1 + random.Next(16), bytes.Count - at);
                    bytes.RemoveRange(at, delete);
                    how.Append($" delete{delete}@{at}");
                    break;
                case 4 when bytes.Count > 0:
                    int from = random.Next(bytes.Count);
                    int length = Math.Min(1 + random.Next(64), bytes.Count - from);
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    how.Append($" copy{length}@{at}");
                    break;
                case 5:
                    int width = new[] { 1, 2, 4, 8 }[random.Next(4)];
                    long value = random.Next(3) == 0 ? original.Length + random.Next(-2, 3) : Interesting[random.Next(Interesting.Length)];
                    byte[] le = BitConverter.GetBytes(value);
                    for (int k = 0; k < width && at + k < bytes.Count; k++)
                    {
                        bytes[at + k] = le[k];
                    }

                    how.Append($" int{width * 8}={value}@{at}");
                    break;
                case 6:
                    bytes.RemoveRange(at, bytes.Count - at);
                    how.Append($" cut@{at}");
                    break;
            }
        }

        return (bytes.ToArray(), how.ToString());
    }

    /// <summary>Pickle-aware edits: insert or replace an opcode byte, so the reader meets unusual opcode sequences.</summary>
    private static (byte[], string) PickleEdit(byte[] pickle, Random random)
    {
        const string Opcodes = "()0125.NIJKLMGXTUCBVS\u008c\u008d\u008e]lae}dsu)t\u0085\u0086\u0087cR\u0093\u0081\u0092bQqrhj\u0094\u0095\u0088\u0089\u008a\u008bio";
        var bytes = new List<byte>(pickle);
        var how = new StringBuilder("data.pkl");
        for (int e = 1 + random.Next(3); e > 0; e--)
        {
            int at = random.Next(bytes.Count);
            byte opcode = (byte)Opcodes[random.Next(Opcodes.Length)];
            if (random.Next(2) == 0)
            {
                bytes.Insert(at, opcode);
                how.Append($" insert-op 0x{opcode:x2}@{at}");
            }
            else
            {
                bytes[at] = opcode;
                how.Append($" op 0x{opcode:x2}@{at}");
            }
        }

        return (bytes.ToArray(), how.ToString());
    }

    /// <summary>JSON-aware edits: replace a number with an interesting one, drop or repeat a token.</summary>
    private static (byte[], string) JsonEdit(byte[] header, Random random)
    {
        string text = Encoding.UTF8.GetString(header);
        var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+").ToList();
        var how = new StringBuilder("header");
        switch (random.Next(3))
        {
            case 0 when numbers.Count > 0:
                var m = numbers[random.Next(numbers.Count)];
                string replacement = random.Next(4) switch
                {
                    0 => Interesting[random.Next(Interesting.Length)].ToString(System.Globalization.CultureInfo.InvariantCulture),
                    1 => "18446744073709551615",
                    2 => "1e3",
                    _ => (long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) + random.Next(-9, 10)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                text = text[..m.Index] + replacement + text[(m.Index + m.Length)..];
                how.Append($" number {m.Value}->{replacement}");
                break;
            case 1:
                int at = random.Next(text.Length);
                int length = Math.Min(1 + random.Next(12), text.Length - at);
                text = text.Remove(at, length);
                how.Append($" drop{length}@{at}");
                break;
            default:
                int from = random.Next(text.Length);
                int count = Math.Min(1 + random.Next(40), text.Length - from);
                int to = random.Next(text.Length);
                text = text.Insert(to, text.Substring(from, count));
                how.Append($" repeat{count}@{to}");
                break;
        }

        return (Encoding.UTF8.GetBytes(text), how.ToString());
    }

    /// <summary>Counts outcomes and keeps the first few failures for the message.</summary>
    private sealed class Tally
    {
        private readonly List<LoadAttempt> _failures = new();
        private readonly Dictionary<string, int> _reasons = new(StringComparer.Ordinal);

        public int Cases { get; private set; }

        public int Loaded { get; private set; }

        public int Refused { get; private set; }

        public long MaxAllocated { get; private set; }

        public double MaxBoundUse { get; private set; }

        public double MaxMilliseconds { get; private set; }

        public void Add(LoadAttempt a)
        {
            Cases++;
            MaxAllocated = Math.Max(MaxAllocated, a.AllocatedBytes);
            MaxBoundUse = Math.Max(MaxBoundUse, (double)a.AllocatedBytes / a.Bound);
            MaxMilliseconds = Math.Max(MaxMilliseconds, a.Milliseconds);
            bool named = a.Refusal is { } r && r.Message.StartsWith(a.Name + ":", StringComparison.Ordinal) && r.Source == a.Name;
            if (a.Loaded && a.WithinBound)
            {
                Loaded++;
            }
            else if (named && a.WithinBound)
            {
                Refused++;
                string reason = Reason(a.Refusal!.Message[(a.Name.Length + 1)..]);
                _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
            }
            else if (_failures.Count < 10)
            {
                _failures.Add(a);
            }
            else
            {
                _failures.Add(a with { Other = null, Refusal = null });
            }
        }

        public void Report(ITestOutputHelper output, string title)
        {
            output.WriteLine($"{title}: {Loaded:N0} loaded, {Refused:N0} refused with WeightLoadException, {_failures.Count:N0} failed; " +
                             $"largest allocation {MaxAllocated:N0} bytes ({MaxBoundUse:P1} of its bound), slowest load {MaxMilliseconds:F1} ms");
            foreach ((string reason, int count) in _reasons.OrderByDescending(p => p.Value).Take(12))
            {
                output.WriteLine($"  {count,7:N0}  {reason}");
            }
        }

        public void AssertClean() =>
            Assert.True(_failures.Count == 0, $"{_failures.Count} of {Cases} cases neither loaded nor were refused cleanly:{Environment.NewLine}" +
                                              string.Join(Environment.NewLine, _failures.Take(10)));

        /// <summary>The gist of a message: its first clause, with numbers and quoted names blanked.</summary>
        private static string Reason(string message)
        {
            string gist = System.Text.RegularExpressions.Regex.Replace(message, @"'[^']*'|[\w/.]+\.pkl|\d[\d,]*", "#");
            int end = gist.IndexOfAny(['(', ';', '.']);
            return (end > 0 ? gist[..end] : gist).Trim();
        }
    }
}
