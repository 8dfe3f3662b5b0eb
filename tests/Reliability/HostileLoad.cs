using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Xunit;

namespace ResNetGen.Tests.Reliability;

/// <summary>One load of a hostile or mutated file, and what it cost.</summary>
/// <param name="Name">The case, for messages.</param>
/// <param name="FileLength">Bytes in the file.</param>
/// <param name="Loaded">The load succeeded (possible for mutations that only change tensor values).</param>
/// <param name="Refusal">The documented exception, when the load was refused.</param>
/// <param name="Other">Any other exception: always a bug.</param>
/// <param name="AllocatedBytes">Managed bytes the load allocated on its thread.</param>
/// <param name="Milliseconds">Wall time of the load.</param>
/// <param name="Bound">The memory bound the load had to stay within.</param>
internal sealed record LoadAttempt(
    string Name, long FileLength, bool Loaded, WeightLoadException? Refusal, Exception? Other, long AllocatedBytes, double Milliseconds, long Bound)
{
    public bool WithinBound => AllocatedBytes <= Bound;

    public override string ToString() =>
        $"{Name}: {(Loaded ? "loaded" : Refusal is not null ? "refused" : "THREW " + Other?.GetType().Name)}, " +
        $"{AllocatedBytes:N0} bytes allocated (bound {Bound:N0}), {Milliseconds:F1} ms" +
        (Other is not null ? Environment.NewLine + Other : Refusal is not null ? Environment.NewLine + "  " + Refusal.Message : "");
}

/// <summary>A load to attempt: its name, the file's length, the manifest it binds to, and the load itself.</summary>
internal sealed record LoadCase(string Name, long FileLength, IReadOnlyList<StateDictEntry> Expected, Func<StateDict> Load);

/// <summary>
/// Runs loads of untrusted bytes the way the reliability tests require: on a watchdog-guarded thread (a hang fails the
/// test with the case's name instead of stalling the run), measuring the managed bytes each load allocates against
/// <see cref="MemoryBound"/>, and sorting the outcome into loaded, refused with <see cref="WeightLoadException"/>, or
/// anything else (a bug).
/// </summary>
internal static class HostileLoad
{
    /// <summary>Longest a single load may take before the watchdog fails the test (loads take milliseconds).</summary>
    public static readonly TimeSpan CaseTimeLimit = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The stated bound on what one load may allocate: twice the file, the expected tensors as float32, and a fixed
    /// allowance for the zip directory, the pickle's objects and the JSON header (see runtime/Weights/LoadLimits.cs).
    /// </summary>
    public static long MemoryBound(long fileLength, IReadOnlyList<StateDictEntry> expected) =>
        (2 * fileLength) + (4 * expected.Sum(e => e.ElementCount)) + (64L << 20) + (32L * 1024 * expected.Count);

    public static LoadCase FromBytes(string name, byte[] file, IReadOnlyList<StateDictEntry> expected) =>
        new(name, file.Length, expected, () => StateDictLoader.Load(new MemoryStream(file, writable: false), expected, name));

    public static LoadCase FromPath(string path, IReadOnlyList<StateDictEntry> expected) =>
        new(path, new FileInfo(path).Length, expected, () => StateDictLoader.Load(path, expected));

    public static LoadAttempt RunOne(LoadCase loadCase) => RunAll([loadCase])[0];

    /// <summary>Runs every case in order on one background thread; fails the test if any case runs past <see cref="CaseTimeLimit"/>.</summary>
    public static LoadAttempt[] RunAll(IReadOnlyList<LoadCase> cases, Action<int, LoadAttempt>? onEach = null)
    {
        var results = new LoadAttempt[cases.Count];
        int current = -1;
        long startedAt = Stopwatch.GetTimestamp();
        Exception? harnessError = null;
        var worker = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < cases.Count; i++)
                {
                    Volatile.Write(ref startedAt, Stopwatch.GetTimestamp());
                    Volatile.Write(ref current, i);
                    results[i] = Measure(cases[i]);
                    onEach?.Invoke(i, results[i]);
                }
            }
            catch (Exception e)
            {
                harnessError = e;
            }
        })
        {
            IsBackground = true, // a hung load must not keep the test process alive
            Name = "hostile load",
        };
        worker.Start();
        while (!worker.Join(50))
        {
            int index = Volatile.Read(ref current);
            TimeSpan running = Stopwatch.GetElapsedTime(Volatile.Read(ref startedAt));
            if (index >= 0 && running > CaseTimeLimit && Volatile.Read(ref current) == index)
            {
                Assert.Fail($"{cases[index].Name} has been loading for {running.TotalSeconds:F0} s: the loader hangs on it.");
            }
        }

        if (harnessError is not null)
        {
            throw new InvalidOperationException("The load harness failed.", harnessError);
        }

        return results;
    }

    private static LoadAttempt Measure(LoadCase loadCase)
    {
        long bound = MemoryBound(loadCase.FileLength, loadCase.Expected);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        bool loaded = false;
        WeightLoadException? refusal = null;
        Exception? other = null;
        try
        {
            StateDict weights = loadCase.Load();
            loaded = weights.Keys.SequenceEqual(loadCase.Expected.Select(e => e.Name))
                && loadCase.Expected.All(e => weights.Get(e.Name).HasShape(e.Shape));
            if (!loaded)
            {
                other = new InvalidOperationException("The load returned tensors that do not match the manifest.");
            }
        }
        catch (WeightLoadException e)
        {
            refusal = e;
        }
        catch (Exception e)
        {
            other = e;
        }

        double milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return new LoadAttempt(loadCase.Name, loadCase.FileLength, loaded, refusal, other, allocated, milliseconds, bound);
    }
}
