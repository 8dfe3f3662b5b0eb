using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading;
using ResNetGen.Tests.Networks;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Reliability;

/// <summary>
/// <c>Forward</c> from many threads at once: on one instance the results are bit-identical to sequential calls and
/// come back within a time bound; across many instances each arena pool holds at most one arena per concurrent
/// caller, however long the calls go on, and steady-state calls allocate nothing.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 8;
    private const int CallsPerThread = 100;
    private const int DistinctInputs = 16;

    /// <summary>
    /// A concurrent run must finish within 120 s plus ten times what its calls take one after another (it takes about a
    /// second with the AVX2 kernels; the scalar kernels are much slower, hence the second term).
    /// </summary>
    private static TimeSpan TimeBound(TimeSpan sequentialCall, int calls) => TimeSpan.FromSeconds(120) + (10 * calls * sequentialCall);

    private readonly ITestOutputHelper _output;

    public ConcurrencyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Eight_threads_of_100_calls_on_one_instance_match_sequential_calls_bit_for_bit()
    {
        ConcurrentNet net = ConcurrentNet.FromStateDict(TestWeights.WithRandomBatchNorm(ConcurrentNet.Parameters, seed: 8));
        float[][] inputs = Enumerable.Range(0, DistinctInputs).Select(i => TestWeights.Input(ConcurrentNet.InputLength, seed: 100 + i)).ToArray();
        Run(net, inputs[0]);
        var clock = Stopwatch.StartNew();
        int[][] expected = inputs.Select(input => Bits(Run(net, input))).ToArray();
        TimeSpan sequential = clock.Elapsed;
        TimeSpan bound = TimeBound(sequential / DistinctInputs, Threads * CallsPerThread);

        int mismatches = 0;
        string? firstMismatch = null;
        clock.Restart();
        RunOnThreads(Threads, bound, thread =>
        {
            var output = new float[ConcurrentNet.OutputLength];
            for (int call = 0; call < CallsPerThread; call++)
            {
                int which = ((thread * CallsPerThread) + call) % DistinctInputs;
                net.Forward(inputs[which], output);
                if (!Bits(output).AsSpan().SequenceEqual(expected[which]))
                {
                    Interlocked.Increment(ref mismatches);
                    Interlocked.CompareExchange(ref firstMismatch, $"thread {thread}, call {call}, input {which}", null);
                }
            }
        });
        TimeSpan concurrent = clock.Elapsed;

        _output.WriteLine($"{DistinctInputs} sequential calls: {sequential.TotalMilliseconds:F0} ms; " +
                          $"{Threads} threads x {CallsPerThread} calls: {concurrent.TotalMilliseconds:F0} ms; arenas created: {ArenaPoolOf(net).Created}");
        Assert.True(mismatches == 0, $"{mismatches} of {Threads * CallsPerThread} concurrent results differ from the sequential ones (first: {firstMismatch}).");
        Assert.InRange(ArenaPoolOf(net).Created, 1, Threads);
    }

    [Fact]
    public void Many_instances_called_at_once_keep_their_arena_pools_bounded_and_stop_allocating()
    {
        const int Instances = 6;
        const int Rounds = 5;
        const int CallsPerRound = 30;
        StateDict weights = TestWeights.WithRandomBatchNorm(ConcurrentNet.Parameters, seed: 9);
        ConcurrentNet[] nets = Enumerable.Range(0, Instances).Select(_ => ConcurrentNet.FromStateDict(weights)).ToArray();
        float[] input = TestWeights.Input(ConcurrentNet.InputLength, seed: 10);
        float[] expected = Run(nets[0], input);
        var clock = Stopwatch.StartNew();
        Run(nets[0], input);
        TimeSpan bound = TimeBound(clock.Elapsed, Threads * Rounds * CallsPerRound);
        var created = new List<int[]>();
        var allocated = new long[Rounds];
        int wrong = 0;

        // The same eight threads through every round: a thread's first calls also allocate its convolution scratch
        // (thread-static, kept for the thread's life), which is not what this test is about.
        using var roundEnd = new Barrier(Threads, _ => created.Add(nets.Select(n => ArenaPoolOf(n).Created).ToArray()));
        RunOnThreads(Threads, bound, thread =>
        {
            var random = new Random(thread);
            var output = new float[ConcurrentNet.OutputLength];
            for (int round = 0; round < Rounds; round++)
            {
                RetireAllocationContexts();
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int call = 0; call < CallsPerRound; call++)
                {
                    nets[random.Next(Instances)].Forward(input, output);
                    if (!output.AsSpan().SequenceEqual(expected))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }

                Interlocked.Add(ref allocated[round], GC.GetAllocatedBytesForCurrentThread() - before);
                roundEnd.SignalAndWait();
            }
        });

        for (int round = 0; round < Rounds; round++)
        {
            _output.WriteLine($"round {round + 1}: arenas per instance [{string.Join(", ", created[round])}], {allocated[round]:N0} bytes allocated by the calls");
        }

        Assert.Equal(0, wrong);
        Assert.All(created[^1], count => Assert.InRange(count, 1, Threads));
        // Every byte allocated after the first round is an arena the pool had to add for a new peak of concurrency.
        long arenaBytes = ConcurrentNet.ArenaLength * sizeof(float);
        for (int round = 1; round < Rounds; round++)
        {
            long newArenas = created[round].Sum() - created[round - 1].Sum();
            Assert.True(allocated[round] <= (newArenas * (arenaBytes + 64)) + 4096,
                $"round {round + 1} allocated {allocated[round]:N0} bytes but created only {newArenas} arenas of {arenaBytes:N0} bytes");
        }
    }

    [Fact]
    public void A_call_with_wrong_lengths_fails_alone_while_others_run()
    {
        ConcurrentNet net = ConcurrentNet.CreateRandom(11);
        float[] input = TestWeights.Input(ConcurrentNet.InputLength, seed: 12);
        float[] expected = Run(net, input);
        var clock = Stopwatch.StartNew();
        Run(net, input);
        TimeSpan bound = TimeBound(clock.Elapsed, 150);
        int wrong = 0;
        int argumentErrors = 0;

        RunOnThreads(4, bound, thread =>
        {
            var output = new float[ConcurrentNet.OutputLength];
            for (int call = 0; call < 50; call++)
            {
                if (thread == 0)
                {
                    Assert.Throws<ArgumentException>(() => net.Forward(input.AsSpan(1), output));
                    Interlocked.Increment(ref argumentErrors);
                    continue;
                }

                net.Forward(input, output);
                if (!output.AsSpan().SequenceEqual(expected))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        Assert.Equal(0, wrong);
        Assert.Equal(50, argumentErrors);
        Assert.Equal(expected, Run(net, input));
    }

    /// <summary>
    /// Runs a blocking gen-0 collection, which retires every thread's allocation context and deducts its unused rest from
    /// that thread's count, so the calling thread then holds no allocation space it has not used.
    /// </summary>
    /// <remarks>
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/> counts the whole allocation context (about 8 KB) a thread was
    /// last given, less the part still unused. A background collection, started by other tests' allocations, can retire
    /// the context without that deduction, so a caller that allocates nothing appears to have allocated up to 8 KB: the
    /// cause of a round that once counted 7,952 bytes and no arena. With a thread in the same process allocating and
    /// starting background collections, 10 of 32 rounds counted 7,256 to 16,400 bytes more than their arenas (one context
    /// on one or two callers each) before this, and each of 192 rounds counted exactly its arenas after it (with the
    /// pool's arenas pinned, so that creating one leaves the caller no new context either). So did every round of 50 runs
    /// of this test (200 rounds): 30 with two spinning processes and another test process loading the CPU, 20 beside
    /// that allocating thread. A blocking collection deducts what it retires, so this changes nothing a round counts.
    /// </remarks>
    private static void RetireAllocationContexts() => GC.Collect(0, GCCollectionMode.Forced, blocking: true);

    /// <summary>Runs <paramref name="body"/>(thread index) on <paramref name="count"/> threads released together, within <paramref name="bound"/>.</summary>
    private static void RunOnThreads(int count, TimeSpan bound, Action<int> body)
    {
        using var start = new Barrier(count);
        Exception? failure = null;
        var threads = Enumerable.Range(0, count).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                body(t);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        })
        {
            IsBackground = true,
            Name = $"caller {t}",
        }).ToList();
        threads.ForEach(t => t.Start());
        var clock = Stopwatch.StartNew();
        foreach (Thread thread in threads)
        {
            TimeSpan left = bound - clock.Elapsed;
            Assert.True(left > TimeSpan.Zero && thread.Join(left), $"the concurrent calls did not finish within {bound.TotalSeconds:F0} s.");
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("A caller thread failed.", failure);
        }
    }

    private static float[] Run(ConcurrentNet net, float[] input)
    {
        var output = new float[ConcurrentNet.OutputLength];
        net.Forward(input, output);
        return output;
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>The generated class's private arena pool (the generator names it <c>_arenas</c>).</summary>
    internal static ArenaPool ArenaPoolOf(object network) =>
        (ArenaPool)network.GetType().GetField("_arenas", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(network)!;
}
