using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ResNetGen.Benchmarks;

/// <summary>
/// Loading a full-size resnet50 state_dict (25.6 M parameters, 102 MB as float32) from a file in the page cache:
/// (a) file → <see cref="StateDict"/> with <see cref="StateDictLoader.Load(string, IReadOnlyList{StateDictEntry}, IProgress{LoadProgress}?)"/>,
/// (b) file → a ready <see cref="ResNet50"/> (binding, batch-norm folding and weight packing included).
/// The files are written once per process, with random weights, by <see cref="StateDictFiles"/>; the MB/s column is the
/// file's size over the median time.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(LoadConfig))]
public class LoadBenchmarks
{
    private string _path = "";

    [Params(LoadFormat.Pth, LoadFormat.Safetensors)]
    public LoadFormat Format { get; set; }

    [Params(FileDType.Float32, FileDType.Float16)]
    public FileDType DType { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = LoadFiles.Write(LoadFiles.Folder(), Format, DType);
        StateDictLoader.Load(_path, ResNet50.Parameters); // the first read brings the file into the page cache
    }

    [GlobalCleanup]
    public void Cleanup() => LoadFiles.Delete(_path);

    [Benchmark(Baseline = true)]
    public StateDict StateDict() => StateDictLoader.Load(_path, ResNet50.Parameters);

    [Benchmark]
    public ResNet50 Network() => ResNet50.Load(_path);

    private sealed class LoadConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public LoadConfig() => AddColumn(new MegabytesPerSecondColumn());
    }

    /// <summary>File bytes over the median time; the file's size follows from the case's parameters alone.</summary>
    private sealed class MegabytesPerSecondColumn : IColumn
    {
        public string Id => "MBps";

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "File size (10^6 bytes) over the median time";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics)
            {
                return "NA";
            }

            var format = (LoadFormat)benchmarkCase.Parameters["Format"];
            var dtype = (FileDType)benchmarkCase.Parameters["DType"];
            double seconds = statistics.Median / 1e9;
            return (LoadFiles.Length(format, dtype) / seconds / 1e6).ToString("F0", CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>The two file formats the loader reads.</summary>
public enum LoadFormat
{
    Pth,
    Safetensors,
}

/// <summary>The resnet50 files the load measurements read, and the <c>load</c> command's Stopwatch report.</summary>
public static class LoadFiles
{
    private static readonly Dictionary<(LoadFormat, FileDType), long> Lengths = new();

    /// <summary>A new folder under the temporary directory for this process's files.</summary>
    public static string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "resnetgen-load-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Writes resnet50's state_dict in <paramref name="format"/> and <paramref name="dtype"/>; returns the path.</summary>
    public static string Write(string folder, LoadFormat format, FileDType dtype)
    {
        string path = Path.Combine(folder, $"resnet50-{dtype.ToString().ToLowerInvariant()}" + (format == LoadFormat.Pth ? ".pth" : ".safetensors"));
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            WriteTo(file, format, dtype);
        }

        return path;
    }

    private static void WriteTo(Stream file, LoadFormat format, FileDType dtype)
    {
        if (format == LoadFormat.Pth)
        {
            StateDictFiles.WriteTorchSave(file, ResNet50.Parameters, dtype, seed: 0);
        }
        else
        {
            StateDictFiles.WriteSafetensors(file, ResNet50.Parameters, dtype, seed: 0);
        }
    }

    /// <summary>Deletes a file written by <see cref="Write"/>, and its folder once empty.</summary>
    public static void Delete(string path)
    {
        File.Delete(path);
        string? folder = Path.GetDirectoryName(path);
        if (folder is not null && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }

    /// <summary>The length of the file <see cref="Write"/> makes, computed by writing it to a stream that only counts.</summary>
    public static long Length(LoadFormat format, FileDType dtype)
    {
        lock (Lengths)
        {
            if (!Lengths.TryGetValue((format, dtype), out long length))
            {
                using var counter = new CountingStream();
                WriteTo(counter, format, dtype);
                length = counter.Length;
                Lengths[(format, dtype)] = length;
            }

            return length;
        }
    }

    /// <summary>
    /// <c>load [runs]</c>: median wall time of each case after one warm-up load, with MB/s (10^6 bytes of file per second),
    /// the median process CPU time (all threads, the kernel's page faults included) and the bytes allocated per load.
    /// </summary>
    public static void Report(int runs)
    {
        string folder = Folder();
        Console.WriteLine($"resnet50 state_dict, {ResNet50.Parameters.Count} entries, {ResNet50.ParameterCount:N0} parameters; median of {runs} loads from the page cache");
        Console.WriteLine($"{"case",-38} {"file MB",8} {"median ms",10} {"MB/s",7} {"CPU ms",8} {"alloc MB",9}");
        try
        {
            foreach (LoadFormat format in Enum.GetValues<LoadFormat>())
            {
                foreach (FileDType dtype in Enum.GetValues<FileDType>())
                {
                    string path = Write(folder, format, dtype);
                    long length = new FileInfo(path).Length;
                    Measure($"{format} {dtype}: file -> StateDict", path, length, runs, () => StateDictLoader.Load(path, ResNet50.Parameters));
                    Measure($"{format} {dtype}: file -> ResNet50", path, length, runs, () => ResNet50.Load(path));
                    File.Delete(path);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Measure(string name, string path, long length, int runs, Func<object> load)
    {
        GC.KeepAlive(load());
        var times = new double[runs];
        var cpu = new double[runs];
        long allocated = 0;
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            process.Refresh();
            TimeSpan cpuBefore = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            object result = load();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            GC.KeepAlive(result);
        }

        Array.Sort(times);
        Array.Sort(cpu);
        double median = times[runs / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-38} {length / 1e6,8:F1} {median,10:F1} {length / 1e6 / (median / 1e3),7:F0} {cpu[runs / 2],8:F1} {allocated / 1e6,9:F1}   (min {times[0]:F1}, max {times[^1]:F1})"));
    }
}

/// <summary>A write-only stream that keeps nothing and counts the bytes written.</summary>
internal sealed class CountingStream : Stream
{
    private long _length;

    public override bool CanRead => false;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => _length += count;

    public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
}
