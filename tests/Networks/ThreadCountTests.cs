using System;
using ResNetGen.Kernels;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>Each network may run on its own number of threads, without changing a bit of its output.</summary>
[Collection(nameof(Kernels.KernelSettingsCollection))]
public sealed class ThreadCountTests
{
    [Fact]
    public void A_network_starts_on_the_process_wide_pool_and_can_be_given_its_own_thread_count()
    {
        TinyBottleneckNet network = TinyBottleneckNet.CreateRandom(2);
        Assert.Equal(WorkerPool.Shared.ThreadCount, network.ThreadCount);

        network.ThreadCount = 3;
        Assert.Equal(3, network.ThreadCount);
        Assert.Equal(WorkerPool.Shared.ThreadCount, TinyBottleneckNet.CreateRandom(2).ThreadCount);

        network.ThreadCount = 0;
        Assert.Equal(WorkerPool.Shared.ThreadCount, network.ThreadCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ThreadCount = -1);
    }

    [Fact]
    public void Networks_asking_for_the_same_count_share_one_pool()
    {
        Assert.Same(WorkerPool.ForThreadCount(3), WorkerPool.ForThreadCount(3));
        Assert.NotSame(WorkerPool.ForThreadCount(3), WorkerPool.ForThreadCount(4));
        Assert.Null(WorkerPool.ForThreadCount(0));
        Assert.Equal(4, WorkerPool.ForThreadCount(4)!.ThreadCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Output_is_the_same_on_any_thread_count(int threads)
    {
        // WinogradBasicNet runs every kernel kind, Winograd included, on a batch of two.
        WinogradBasicNet network = WinogradBasicNet.CreateRandom(7);
        float[] input = TestWeights.Input(WinogradBasicNet.InputLength, seed: 8);
        var expected = new float[WinogradBasicNet.OutputLength];
        network.Forward(input, expected);

        network.ThreadCount = threads;
        var actual = new float[WinogradBasicNet.OutputLength];
        network.Forward(input, actual);

        Assert.Equal(expected, actual);
    }
}
