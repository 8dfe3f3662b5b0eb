using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ResNetGen.Kernels;

/// <summary>
/// A convolution followed by torchvision's max pool (3x3, stride 2, padding 1), run as one call: the output rows are
/// made in bands, and each band pools the rows it has just written while they are still in its core's cache, instead
/// of a second pass over the whole map once every row is done.
/// </summary>
public static unsafe partial class Convolution
{
    /// <summary>Bands a call is cut into per thread, so uneven bands still balance.</summary>
    private const int BandsPerThread = 4;

    /// <summary>
    /// Runs one convolution over a whole batch and max pools its output 3x3 with stride 2 and padding 1, as
    /// <see cref="Forward{TEpilogue}"/> and then <see cref="MaxPool.Forward"/> would, to the same bits.
    /// </summary>
    /// <typeparam name="TEpilogue">What is done with each output before pooling: <see cref="Bias"/> or <see cref="BiasRelu"/>.</typeparam>
    /// <param name="layer">Prepared weights.</param>
    /// <param name="geometry">Every size of the convolution.</param>
    /// <param name="algorithm">A direct algorithm <see cref="Supports">supported</see> for the geometry (Winograd makes 4x4 blocks, not rows).</param>
    /// <param name="source">Input feature maps, <c>Batch x InHeight x InWidth x InChannels</c>.</param>
    /// <param name="convolved">Receives the convolution's output, <c>Batch x OutHeight x OutWidth x OutChannels</c>, as the pooling reads it.</param>
    /// <param name="destination">The pooled maps, <c>Batch x PooledLength(OutHeight) x PooledLength(OutWidth) x OutChannels</c>.</param>
    /// <param name="workers">The threads that share the call; null for <see cref="WorkerPool.Shared"/>.</param>
    /// <exception cref="ArgumentException">
    /// The geometry does not match the layer, the algorithm cannot run it, the epilogue adds a residual, a span is too short,
    /// or two of the spans overlap.
    /// </exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardMaxPooled<TEpilogue>(
        ConvolutionLayer layer, in ConvolutionGeometry geometry, ConvolutionAlgorithm algorithm, ReadOnlySpan<float> source, Span<float> convolved, Span<float> destination,
        WorkerPool? workers = null)
        where TEpilogue : struct, IEpilogue
    {
        if (TEpilogue.UsesResidual)
        {
            throw new ArgumentException($"{typeof(TEpilogue).Name} adds a residual; a convolution pooled in the same call has none.", nameof(TEpilogue));
        }

        if (algorithm == ConvolutionAlgorithm.Winograd)
        {
            throw new ArgumentException("Winograd makes its outputs in 4x4 blocks, not in rows; a convolution pooled in the same call runs a direct algorithm.", nameof(algorithm));
        }

        Validate<TEpilogue>(layer, geometry, source.Length, convolved.Length, 0);
        ValidateAlgorithm(layer, geometry, algorithm, 0);
        ValidateOverlaps<TEpilogue>(source, convolved, default);
        int pooledHeight = PooledLength(geometry.OutHeight);
        int pooledWidth = PooledLength(geometry.OutWidth);
        long pooledLength = (long)geometry.Batch * pooledHeight * pooledWidth * geometry.OutChannels;
        if (destination.Length < pooledLength)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; the pooled maps of a batch of {geometry.Batch} need {pooledLength}.", nameof(destination));
        }

        if (destination.Overlaps(convolved) || destination.Overlaps(source))
        {
            throw new ArgumentException("The pooled destination overlaps the source or the convolution's output: the pooling reads both until the call ends.", nameof(destination));
        }

        float[] zeros = Zeros(layer.InChannelsPerGroup);
        fixed (float* input = source)
        fixed (float* output = convolved)
        fixed (float* pooled = destination)
        fixed (float* weights = layer.PackedWeights)
        fixed (float* bias = layer.PackedBias)
        fixed (float* zero = zeros)
        {
            Job job = NewJob(layer, geometry, algorithm, input, output, null, weights, bias, zero);
            WorkerPool pool = workers ?? WorkerPool.Shared;
            int bandsWanted = pool.ThreadCount * BandsPerThread;
            int rowsPerBand = Math.Max(1, ((geometry.Batch * pooledHeight) + bandsWanted - 1) / bandsWanted);
            int bands = (pooledHeight + rowsPerBand - 1) / rowsPerBand;
            // Counters for each band's first pooled row; on the stack unless the batch is in the thousands of images.
            int counters = geometry.Batch * bands;
            Span<int> finished = counters <= 4096 ? stackalloc int[counters] : new int[counters];
            finished.Clear();
            fixed (int* done = finished)
            {
                var pooling = new PoolingJob
                {
                    Convolution = &job,
                    Pooled = pooled,
                    PooledHeight = pooledHeight,
                    PooledWidth = pooledWidth,
                    RowsPerBand = rowsPerBand,
                    Bands = bands,
                    Finished = done,
                };
                pool.Run(&ExecuteBand<TEpilogue>, &pooling, geometry.Batch * bands);
            }
        }
    }

    /// <summary>The pooled length of a map side of <paramref name="length"/> (at least 1) under a 3x3 window, stride 2, padding 1.</summary>
    public static int PooledLength(int length) => Planning.FeatureShape.OutputSize(length, kernel: 3, stride: 2, padding: 1, dilation: 1);

    /// <summary>
    /// One band of one image: the output rows its pooled rows [p0, p1) own (2·p0 to 2·p1 − 1), then every pooled row those
    /// rows complete. The first pooled row also reads the last row of the band above; whichever of the two bands finishes
    /// second pools it, so no row is made twice and no band waits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecuteBand<TEpilogue>(void* context, int task)
        where TEpilogue : struct, IEpilogue
    {
        ref PoolingJob pooling = ref Unsafe.AsRef<PoolingJob>(context);
        ref Job job = ref Unsafe.AsRef<Job>(pooling.Convolution);
        int n = task / pooling.Bands;
        int band = task % pooling.Bands;
        int p0 = band * pooling.RowsPerBand;
        int p1 = Math.Min(p0 + pooling.RowsPerBand, pooling.PooledHeight);
        int image = n * job.OutHeight * job.OutWidth;
        int lastRow = Math.Min(2 * p1, job.OutHeight);
        RunPixels<TEpilogue>(ref job, 0, job.Panels, image + (2 * p0 * job.OutWidth), image + (lastRow * job.OutWidth));

        for (int p = band == 0 ? p0 : p0 + 1; p < p1; p++)
        {
            PoolRow(ref pooling, ref job, n, p);
        }

        int* finished = pooling.Finished + (n * pooling.Bands);
        if (band > 0 && Interlocked.Increment(ref finished[band]) == 2)
        {
            PoolRow(ref pooling, ref job, n, p0);
        }

        if (band + 1 < pooling.Bands && Interlocked.Increment(ref finished[band + 1]) == 2)
        {
            PoolRow(ref pooling, ref job, n, p1);
        }
    }

    private static void PoolRow(ref PoolingJob pooling, ref Job job, int n, int row)
    {
        float* image = job.Output + ((long)n * job.OutHeight * job.OutWidth * job.OutChannels);
        float* output = pooling.Pooled + ((((long)n * pooling.PooledHeight) + row) * pooling.PooledWidth * job.OutChannels);
        MaxPool.PoolRow(image, output, row, job.OutChannels, job.OutHeight, job.OutWidth, pooling.PooledWidth, kernel: 3, stride: 2, padding: 1, job.InstructionSet);
    }

    /// <summary>A pooled call: the convolution's job, where the pooled maps go, and how they are cut into bands.</summary>
    private struct PoolingJob
    {
        public Job* Convolution;
        public float* Pooled;
        public int PooledHeight;
        public int PooledWidth;
        public int RowsPerBand;
        public int Bands;
        /// <summary>Per image and band: how many of the band and the one above it have finished (the band's first pooled row needs both).</summary>
        public int* Finished;
    }
}
