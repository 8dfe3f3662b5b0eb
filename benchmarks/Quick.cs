using System;
using System.Diagnostics;

namespace ResNetGen.Benchmarks;

/// <summary>A fast Stopwatch loop for development: median of repeated Forward calls after warm-up.</summary>
internal static class Quick
{
    /// <summary>
    /// Median of <paramref name="runs"/> calls, after a warm-up of at least five calls and half a second, so that the
    /// runtime's tiered compilation has settled whatever the kernels do not compile fully optimized from the start.
    /// </summary>
    public static double MedianMilliseconds(Action forward, int runs)
    {
        long warmUp = Stopwatch.GetTimestamp();
        for (int i = 0; i < 5 || Stopwatch.GetElapsedTime(warmUp).TotalSeconds < 0.5; i++)
        {
            forward();
        }

        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            forward();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }
}
