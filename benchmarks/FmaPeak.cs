using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;
using ResNetGen.Kernels;

namespace ResNetGen.Benchmarks;

/// <summary>
/// The machine's FMA peak for the widest vectors the kernels use, measured: twelve independent chains of 512-bit fused
/// multiply-adds where the kernels run AVX-512 (<see cref="KernelSettings.InstructionSet"/>), 256-bit ones otherwise
/// (enough to cover the FMA latency on two ports), on one thread and on several at once. Network efficiency is quoted
/// against this, so a CPU with full-width AVX-512 units has twice the peak of its AVX2 figure.
/// </summary>
internal static class FmaPeak
{
    /// <summary>GFLOP/s (2 per lane per FMA) on <paramref name="threads"/> threads, median of five ~100 ms runs.</summary>
    public static double Measure(int threads)
    {
        if (!Fma.IsSupported)
        {
            return double.NaN;
        }

        const long Iterations = 20_000_000;
        var results = new double[5];
        for (int run = 0; run < results.Length; run++)
        {
            long start = Stopwatch.GetTimestamp();
            bool wide = KernelSettings.InstructionSet == KernelInstructionSet.Avx512;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                if (wide)
                {
                    Chains512(Iterations);
                }
                else
                {
                    Chains(Iterations);
                }
            });
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            results[run] = threads * Iterations * 12 * (wide ? 16 : 8) * 2 / seconds / 1e9;
        }

        Array.Sort(results);
        return results[results.Length / 2];
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(long iterations)
    {
        Vector256<float> a = Vector256.Create(0.999f), b = Vector256.Create(1e-7f);
        Vector256<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b);
            c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b);
            c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b);
            c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b);
            c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b);
            c9 = Fma.MultiplyAdd(c9, a, b);
            c10 = Fma.MultiplyAdd(c10, a, b);
            c11 = Fma.MultiplyAdd(c11, a, b);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        Vector512<float> a = Vector512.Create(0.999f), b = Vector512.Create(1e-7f);
        Vector512<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b);
            c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b);
            c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b);
            c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b);
            c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b);
            c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b);
            c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
