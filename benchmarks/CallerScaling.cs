using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using BenchmarkDotNet.Attributes;

namespace ResNetGen.Benchmarks;

/// <summary>
/// Throughput of one network instance called from 1, 2 or 4 threads at once: each invocation runs
/// <see cref="CallsPerInvocation"/> Forward calls split evenly over the callers (each caller rents its own arena; the
/// kernels share one worker pool, and a call that finds it busy runs on its own thread).
/// </summary>
[MedianColumn]
public class CallerScalingBenchmarks
{
    public const int CallsPerInvocation = 8;

    private CallerCrew _crew = null!;

    [Params("resnet18-224-b1", "resnet50-224-b1", "small-32-b1")]
    public string Network { get; set; } = "resnet18-224-b1";

    [Params(1, 2, 4)]
    public int Callers { get; set; } = 1;

    [GlobalSetup]
    public void Setup() => _crew = new CallerCrew(Workload.All[Network], Callers);

    [GlobalCleanup]
    public void Cleanup() => _crew.Dispose();

    /// <summary>Reported per Forward call: lower means more throughput.</summary>
    [Benchmark(OperationsPerInvoke = CallsPerInvocation)]
    public void Forward() => _crew.Run(CallsPerInvocation);
}

/// <summary>Persistent caller threads that run a share of a batch of Forward calls on one shared network instance.</summary>
internal sealed class CallerCrew : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Barrier _start;
    private readonly Barrier _done;
    private volatile int _callsEach;
    private volatile bool _stopping;

    public CallerCrew(Workload workload, int callers)
    {
        Action<float[], float[]> forward = workload.CreateGenerated(0);
        _start = new Barrier(callers + 1);
        _done = new Barrier(callers + 1);
        _threads = Enumerable.Range(0, callers).Select(c => new Thread(() =>
        {
            var input = new float[workload.InputLength];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (float)Math.Sin(i + c);
            }

            var output = new float[workload.OutputLength];
            while (true)
            {
                _start.SignalAndWait();
                if (_stopping)
                {
                    return;
                }

                for (int call = 0; call < _callsEach; call++)
                {
                    forward(input, output);
                }

                _done.SignalAndWait();
            }
        })
        {
            IsBackground = true,
            Name = $"caller {c}",
        }).ToArray();
        foreach (Thread thread in _threads)
        {
            thread.Start();
        }

        Run(_threads.Length); // every caller rents its arena before anything is timed
    }

    public int Callers => _threads.Length;

    /// <summary>Runs <paramref name="calls"/> calls in all (a multiple of the callers) and returns when every caller is done.</summary>
    public void Run(int calls)
    {
        _callsEach = calls / _threads.Length;
        _start.SignalAndWait();
        _done.SignalAndWait();
    }

    public void Dispose()
    {
        _stopping = true;
        _start.SignalAndWait();
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    /// <summary>
    /// <c>dotnet run -c Release --project benchmarks -- callers [network...]</c>: calls per second from 1, 2 and 8 callers,
    /// interleaved round by round so that all see the same machine, and the ratios to one caller per round.
    /// </summary>
    public static void Report(string[] networks)
    {
        const int Rounds = 7;
        foreach (string name in networks.Length > 0 ? networks : ["small-32-b1", "resnet18-224-b1", "resnet50-224-b1"])
        {
            Workload workload = Workload.All[name];
            using var one = new CallerCrew(workload, 1);
            using var two = new CallerCrew(workload, 2);
            using var eight = new CallerCrew(workload, 8);
            // Enough calls for about half a second per measurement.
            long probe = Stopwatch.GetTimestamp();
            one.Run(2);
            int calls = Math.Max(8, (int)(0.5 / Stopwatch.GetElapsedTime(probe).TotalSeconds * 2) / 8 * 8);
            var ratios = new double[Rounds];
            var ratios8 = new double[Rounds];
            var onePerSecond = new double[Rounds];
            var twoPerSecond = new double[Rounds];
            var eightPerSecond = new double[Rounds];
            for (int round = 0; round < Rounds; round++)
            {
                onePerSecond[round] = CallsPerSecond(one, calls);
                twoPerSecond[round] = CallsPerSecond(two, calls);
                eightPerSecond[round] = CallsPerSecond(eight, calls);
                ratios[round] = twoPerSecond[round] / onePerSecond[round];
                ratios8[round] = eightPerSecond[round] / onePerSecond[round];
            }

            Console.WriteLine(
                $"{name}: calls/s with 1, 2, 8 callers {Median(onePerSecond):F1}, {Median(twoPerSecond):F1}, {Median(eightPerSecond):F1}; " +
                $"2/1 median {Median(ratios):F2} (rounds: {Format(ratios)}); 8/1 median {Median(ratios8):F2} (rounds: {Format(ratios8)}); " +
                $"{calls} calls per measurement");
        }
    }

    private static double CallsPerSecond(CallerCrew crew, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        crew.Run(calls);
        return calls / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double Median(double[] values) => values.Order().ElementAt(values.Length / 2);

    private static string Format(double[] ratios) => string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)));
}
