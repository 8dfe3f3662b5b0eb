using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ResNetGen.Kernels;

/// <summary>
/// A small persistent pool that splits one kernel call across threads. The calling thread works too; the other
/// workers spin briefly between calls (consecutive layers follow each other within microseconds) and then block,
/// so an idle network costs no CPU. When a second call arrives while the pool is busy (several threads calling
/// <c>Forward</c> at once), it runs on its caller alone: concurrent calls then use the cores between them. A call that
/// finds another call in progress does not take the pool either, even if the pool is free at that moment: the cores are
/// already busy with the other callers, and waking the workers as well would put more threads than cores to work, each
/// layer then waiting for a worker the scheduler has not run yet.
/// </summary>
public sealed unsafe class WorkerPool : IDisposable
{
    private const long SpinMicroseconds = 200;

    private static readonly System.Collections.Generic.Dictionary<int, WorkerPool> PoolsByThreadCount = new();

    private static WorkerPool? s_shared;

    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _wake;
    private readonly long _spinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private int _busy;
    private int _callers;
    private int _generation;
    private int _pending;
    private int _next;
    private int _count;
    private delegate*<void*, int, void> _body;
    private void* _context;
    /// <summary>Set by <see cref="Dispose"/> only after it holds <see cref="_busy"/>, so no call can be waiting on a worker that stops.</summary>
    private volatile bool _disposed;

    /// <summary>Creates a pool that runs work on <paramref name="threads"/> threads, the caller included.</summary>
    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ThreadCount = threads;
        _threads = new Thread[threads - 1];
        _wake = new ManualResetEventSlim[threads - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _wake[i] = new ManualResetEventSlim(false, spinCount: 1);
            int index = i;
            _threads[i] = new Thread(() => Work(index)) { IsBackground = true, Name = "ResNetGen worker " + (i + 1) };
            _threads[i].Start();
        }
    }

    /// <summary>
    /// The pool every kernel uses. Its size is <see cref="Environment.ProcessorCount"/> unless set with
    /// <see cref="SetSharedThreadCount"/> or the environment variable <c>RESNETGEN_THREADS</c>.
    /// </summary>
    public static WorkerPool Shared
    {
        get
        {
            WorkerPool? pool = Volatile.Read(ref s_shared);
            if (pool is not null)
            {
                return pool;
            }

            var created = new WorkerPool(DefaultThreadCount());
            pool = Interlocked.CompareExchange(ref s_shared, created, null);
            if (pool is not null)
            {
                created.Dispose();
                return pool;
            }

            return created;
        }
    }

    /// <summary>Threads that share each kernel call, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>
    /// A pool of <paramref name="threads"/> threads kept for the life of the process and shared by every caller that asks for
    /// the same count (a network's <c>ThreadCount</c>), so that networks with their own thread counts add no threads per
    /// instance; null for 0, which means <see cref="Shared"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative.</exception>
    public static WorkerPool? ForThreadCount(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (threads == 0)
        {
            return null;
        }

        lock (PoolsByThreadCount)
        {
            if (!PoolsByThreadCount.TryGetValue(threads, out WorkerPool? pool))
            {
                pool = new WorkerPool(threads);
                PoolsByThreadCount.Add(threads, pool);
            }

            return pool;
        }
    }

    /// <summary>Replaces the shared pool with one of <paramref name="threads"/> threads (1 = run everything on the caller).</summary>
    public static void SetSharedThreadCount(int threads)
    {
        WorkerPool? previous = Interlocked.Exchange(ref s_shared, new WorkerPool(threads));
        previous?.Dispose();
    }

    /// <summary>
    /// Calls <paramref name="body"/>(<paramref name="context"/>, i) for every i in [0, <paramref name="count"/>),
    /// spread over the pool's threads, and returns when all calls are done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(delegate*<void*, int, void> body, void* context, int count)
    {
        if (count <= 0)
        {
            return;
        }

        // Callers inside Run right now, this one included: with others at work, this call runs on its own thread.
        bool alone = Interlocked.Increment(ref _callers) == 1;
        try
        {
            if (count == 1 || _threads.Length == 0 || !alone || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            {
                for (int i = 0; i < count; i++)
                {
                    body(context, i);
                }

                return;
            }

            RunOnPool(body, context, count);
        }
        finally
        {
            Interlocked.Decrement(ref _callers);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunOnPool(delegate*<void*, int, void> body, void* context, int count)
    {
        _body = body;
        _context = context;
        _count = count;
        _next = 0;
        _pending = _threads.Length;
        Interlocked.Increment(ref _generation);
        foreach (ManualResetEventSlim wake in _wake)
        {
            wake.Set();
        }

        Drain();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _pending) != 0)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        _body = null;
        _context = null;
        Volatile.Write(ref _busy, 0);
    }

    /// <summary>
    /// Stops the worker threads once no call is running on them. Calls that arrive afterwards (for example from a
    /// <c>Forward</c> that fetched this pool just before <see cref="SetSharedThreadCount"/> replaced it) run on their caller.
    /// </summary>
    public void Dispose()
    {
        // Claim the pool for good: waits for a call in flight to finish, and makes every later call run inline.
        var spinner = default(SpinWait);
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            spinner.SpinOnce();
        }

        _disposed = true;
        foreach (ManualResetEventSlim wake in _wake)
        {
            wake.Set();
        }
    }

    private static int DefaultThreadCount() =>
        int.TryParse(Environment.GetEnvironmentVariable("RESNETGEN_THREADS"), out int threads) && threads >= 1 ? threads : Environment.ProcessorCount;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Drain()
    {
        int count = _count;
        delegate*<void*, int, void> body = _body;
        void* context = _context;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < count)
        {
            body(context, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Work(int index)
    {
        int seen = 0;
        ManualResetEventSlim wake = _wake[index];
        while (true)
        {
            // Spin for a moment: the next layer usually starts within microseconds.
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen && !_disposed && Stopwatch.GetTimestamp() - start < _spinTicks)
            {
                Thread.SpinWait(20);
            }

            if (Volatile.Read(ref _generation) == seen && !_disposed)
            {
                wake.Wait();
            }

            wake.Reset();
            if (_disposed)
            {
                return;
            }

            if (Volatile.Read(ref _generation) == seen)
            {
                continue;
            }

            seen = Volatile.Read(ref _generation);
            Drain();
            Interlocked.Decrement(ref _pending);
        }
    }
}
