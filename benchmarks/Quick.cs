using System;
using System.Diagnostics;

namespace ResNetGen.Benchmarks;

/// <summary>A fast Stopwatch loop for development: median of repeated Forward calls after warm-up.</summary>
internal static class Quick
{
    public static double MedianMilliseconds(Action forward, int runs)
    {
        forward();
        forward();
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
