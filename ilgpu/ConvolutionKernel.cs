using ILGPU;
using ResNetGen.Kernels;

namespace ResNetGen.Ilgpu;

/// <summary>
/// 2-D convolution on channels-last (NHWC) feature maps as an implicit GEMM, made for a GPU: per channel group,
/// <c>output[pixel, channel] = sum over k of patch[pixel, k] x weights[k, channel]</c>, with
/// <c>k = (ky x Kernel + kx) x InChannelsPerGroup + input channel</c>, so consecutive k are consecutive floats of one input
/// pixel. No patch matrix is built: each thread group stages a <see cref="IConvolutionTile">tile</see> of the patch (gathered straight
/// from the input, zeros for padding) and of the weights in shared memory, synchronises, and accumulates; the epilogue
/// (bias, optional residual, optional ReLU) is applied as each output is stored.
/// </summary>
/// <remarks>
/// Launched on a grid of <c>(ceil(pixels / Pixels), ceil(channels per group / Channels), groups x K slices)</c> thread groups
/// of <c>(Pixels / 8) x (Channels / 8)</c> threads, each accumulating an 8 x 8 block of outputs in registers. Adjacent threads load adjacent k (input
/// channels of one pixel) and adjacent output channels, so global reads coalesce; each pixel's window origin is worked
/// out once per group and each thread's k split once per step, so the gather itself has no divisions; the patch tile's
/// rows are padded by one float so that the transposing stores do not collide in shared-memory banks.
/// </remarks>
internal static class ConvolutionKernel
{
    /// <summary>Threads per group for <typeparamref name="TTile"/>.</summary>
    public static int GroupSize<TTile>()
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        return tile.Pixels / 8 * (tile.Channels / 8);
    }

    /// <summary>Bytes of shared memory one group of <typeparamref name="TTile"/> takes: both tiles and the window origins.</summary>
    public static int SharedMemoryBytes<TTile>()
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        return ((tile.InputTileLength + tile.WeightTileLength) * sizeof(float)) + (3 * tile.Pixels * sizeof(int));
    }

    /// <summary>Reduction steps that each of <paramref name="splits"/> slices of K walks (the last slice may walk fewer).</summary>
    public static int StepsPerSplit(int reduction, int depth, int splits)
    {
        int steps = (reduction + depth - 1) / depth;
        return (steps + splits - 1) / splits;
    }

    /// <summary>The kernel: one thread group computes one tile of outputs of one channel group, over the whole reduction.</summary>
    /// <param name="input">NHWC input, <c>Batch x InHeight x InWidth x InChannels</c>.</param>
    /// <param name="weights">Folded weights as <c>[group][k][output channel in group]</c> (see <see cref="DeviceConvolutionLayer"/>).</param>
    /// <param name="bias">Folded bias, one per output channel.</param>
    /// <param name="residual">Added before ReLU when the epilogue uses it (same layout as the output); otherwise not read.</param>
    /// <param name="output">NHWC output, <c>Batch x OutHeight x OutWidth x OutChannels</c>.</param>
    /// <param name="g">Every size of the call.</param>
    public static void Run<TTile, TEpilogue>(
        ArrayView<float> input, ArrayView<float> weights, ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> output, ConvolutionGeometry g)
        where TTile : struct, IConvolutionTile
        where TEpilogue : struct, IDeviceEpilogue
    {
        int reduction = g.InChannels / g.Groups * g.Kernel * g.Kernel;
        int outPerGroup = g.OutChannels / g.Groups;
        Block8 sums = Accumulate<TTile>(input, weights, g, Grid.IdxZ, 0, reduction);
        Store<TTile, TEpilogue>(new OutputStore<TEpilogue>(bias, residual, output, FirstChannel<TTile>(), Grid.IdxZ * outPerGroup, outPerGroup, g.Batch * g.OutHeight * g.OutWidth, g.OutChannels), sums);
    }

    /// <summary>
    /// Split-K: the grid's z is channel group x slice; each thread group sums its slice of the reduction (whole steps) and
    /// stores the raw sums in slice <c>z % splits</c> of <paramref name="partials"/>
    /// (<c>splits x Batch x OutHeight x OutWidth x OutChannels</c>). <see cref="SplitReduceKernel"/> then adds the slices in
    /// their order and applies the epilogue, so a run gives the same bits every time.
    /// </summary>
    public static void RunPartial<TTile>(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> partials, ConvolutionGeometry g, int splits)
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        int group = Grid.IdxZ / splits;
        int split = Grid.IdxZ % splits;
        int reduction = g.InChannels / g.Groups * g.Kernel * g.Kernel;
        int span = StepsPerSplit(reduction, tile.Depth, splits) * tile.Depth;
        int begin = split * span;
        int end = begin + span < reduction ? begin + span : reduction;
        int outPerGroup = g.OutChannels / g.Groups;
        int outPixels = g.Batch * g.OutHeight * g.OutWidth;
        Block8 sums = Accumulate<TTile>(input, weights, g, group, begin, end);
        ArrayView<float> slice = partials.SubView((long)split * outPixels * g.OutChannels, (long)outPixels * g.OutChannels);
        Store<TTile, RawSum>(new OutputStore<RawSum>(slice, slice, slice, FirstChannel<TTile>(), group * outPerGroup, outPerGroup, outPixels, g.OutChannels), sums);
    }

    /// <summary>The first of this thread's eight output channels within its channel group.</summary>
    private static int FirstChannel<TTile>()
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        return (Grid.IdxY * tile.Channels) + (Group.IdxX % (tile.Channels / 8) * 8);
    }

    /// <summary>Stores this thread's 8 x 8 sums: pixel <c>threadPixel + i</c> in row i.</summary>
    private static void Store<TTile, TEpilogue>(OutputStore<TEpilogue> store, Block8 sums)
        where TTile : struct, IConvolutionTile
        where TEpilogue : struct, IDeviceEpilogue
    {
        TTile tile = default;
        int first = (Grid.IdxX * tile.Pixels) + (Group.IdxX / (tile.Channels / 8) * 8);
        store.Row(first, sums.R0);
        store.Row(first + 1, sums.R1);
        store.Row(first + 2, sums.R2);
        store.Row(first + 3, sums.R3);
        store.Row(first + 4, sums.R4);
        store.Row(first + 5, sums.R5);
        store.Row(first + 6, sums.R6);
        store.Row(first + 7, sums.R7);
    }

    /// <summary>
    /// The multiply-adds of reduction values <paramref name="begin"/> to <paramref name="end"/> (whole steps from
    /// <paramref name="begin"/>) for this thread's 8 x 8 outputs of channel group <paramref name="group"/>.
    /// </summary>
    private static Block8 Accumulate<TTile>(ArrayView<float> input, ArrayView<float> weights, ConvolutionGeometry g, int group, int begin, int end)
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        ArrayView<float> patchTile = SharedMemory.Allocate<float>(tile.InputTileLength);
        ArrayView<float> weightTile = SharedMemory.Allocate<float>(tile.WeightTileLength);
        ArrayView<int> pixelBase = SharedMemory.Allocate<int>(tile.Pixels);
        ArrayView<int> pixelRow = SharedMemory.Allocate<int>(tile.Pixels);
        ArrayView<int> pixelColumn = SharedMemory.Allocate<int>(tile.Pixels);

        int pixels = tile.Pixels;
        int patchStride = tile.InputTileStride;
        int channels = tile.Channels;
        int depth = tile.Depth;
        int threads = GroupSize<TTile>();
        int thread = Group.IdxX;
        int channelThreads = channels / 8;
        int threadChannel = thread % channelThreads * 8;
        int threadPixel = thread / channelThreads * 8;

        int firstPixel = Grid.IdxX * pixels;
        int firstChannel = Grid.IdxY * channels;
        int outPixels = g.Batch * g.OutHeight * g.OutWidth;
        int inPerGroup = g.InChannels / g.Groups;
        int outPerGroup = g.OutChannels / g.Groups;
        int reduction = inPerGroup * g.Kernel * g.Kernel;

        // Where each pixel of the tile reads from, worked out once: the start of its image and channel group, and the
        // top-left input position of its window (-1 for pixels past the end).
        for (int mm = thread; mm < pixels; mm += threads)
        {
            int pixel = firstPixel + mm;
            int ox = pixel % g.OutWidth;
            int rest = pixel / g.OutWidth;
            pixelBase[mm] = pixel < outPixels ? (rest / g.OutHeight * g.InHeight * g.InWidth * g.InChannels) + (group * inPerGroup) : -1;
            pixelRow[mm] = (rest % g.OutHeight * g.Stride) - g.Padding;
            pixelColumn[mm] = (ox * g.Stride) - g.Padding;
        }

        Block8 sums = default;

        // Each thread always loads the same k of the patch tile (the group size is a multiple of Depth), so the
        // k -> (ky, kx, channel) split is done once per step; the weight tile is loaded row by row, consecutive threads
        // on consecutive channels.
        int loadK = thread % depth;
        Group.Barrier();
        for (int k0 = begin; k0 < end; k0 += depth)
        {
            int k = k0 + loadK;
            int tap = k / inPerGroup;
            int channelOffset = k % inPerGroup;
            int dy = tap / g.Kernel * g.Dilation;
            int dx = tap % g.Kernel * g.Dilation;
            for (int mm = thread / depth; mm < pixels; mm += threads / depth)
            {
                int start = pixelBase[mm];
                int iy = pixelRow[mm] + dy;
                int ix = pixelColumn[mm] + dx;
                patchTile[(loadK * patchStride) + mm] = start >= 0 && k < end && iy >= 0 && iy < g.InHeight && ix >= 0 && ix < g.InWidth
                    ? input[start + ((((iy * g.InWidth) + ix) * g.InChannels) + channelOffset)]
                    : 0f;
            }

            for (int index = thread; index < depth * channels; index += threads)
            {
                int kk = index / channels;
                int loadChannel = index % channels;
                int kw = k0 + kk;
                int channel = firstChannel + loadChannel;
                weightTile[index] = kw < end && channel < outPerGroup
                    ? weights[(((group * reduction) + kw) * outPerGroup) + channel]
                    : 0f;
            }

            Group.Barrier();
            for (int kk = 0; kk < depth; kk++)
            {
                Row8 w = Row8.Load(weightTile, (kk * channels) + threadChannel);
                int a = (kk * patchStride) + threadPixel;
                sums.R0 = Row8.MultiplyAdd(sums.R0, patchTile[a], w);
                sums.R1 = Row8.MultiplyAdd(sums.R1, patchTile[a + 1], w);
                sums.R2 = Row8.MultiplyAdd(sums.R2, patchTile[a + 2], w);
                sums.R3 = Row8.MultiplyAdd(sums.R3, patchTile[a + 3], w);
                sums.R4 = Row8.MultiplyAdd(sums.R4, patchTile[a + 4], w);
                sums.R5 = Row8.MultiplyAdd(sums.R5, patchTile[a + 5], w);
                sums.R6 = Row8.MultiplyAdd(sums.R6, patchTile[a + 6], w);
                sums.R7 = Row8.MultiplyAdd(sums.R7, patchTile[a + 7], w);
            }

            Group.Barrier();
        }

        return sums;
    }
}

/// <summary>One thread's 8 x 8 block of sums: eight <see cref="Row8"/>s, one per pixel, kept in registers.</summary>
internal struct Block8
{
    public Row8 R0, R1, R2, R3, R4, R5, R6, R7;
}

/// <summary>The split-K pass stores raw sums: no bias (the reduction adds it once), no residual, no ReLU.</summary>
internal readonly struct RawSum : IDeviceEpilogue
{
    public bool UsesResidual => false;

    public bool AddsBias => false;

    public float Apply(float sum, float residual) => sum;
}

/// <summary>
/// The end of a split-K convolution: each output is the sum of its slices in slice order, plus the bias, through the
/// epilogue; one thread per output.
/// </summary>
internal static class SplitReduceKernel
{
    public static void Run<TEpilogue>(Index1D index, ArrayView<float> partials, ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> output, int outChannels, int splits)
        where TEpilogue : struct, IDeviceEpilogue
    {
        TEpilogue epilogue = default;
        long length = output.Length;
        float sum = 0f;
        for (int split = 0; split < splits; split++)
        {
            sum += partials[(split * length) + index];
        }

        output[index] = epilogue.Apply(sum + bias[index % outChannels], epilogue.UsesResidual ? residual[index] : 0f);
    }
}

/// <summary>Stores one thread's rows of outputs through the epilogue, skipping pixels and channels past the end.</summary>
internal readonly struct OutputStore<TEpilogue>
    where TEpilogue : struct, IDeviceEpilogue
{
    private readonly ArrayView<float> _bias;
    private readonly ArrayView<float> _residual;
    private readonly ArrayView<float> _output;
    private readonly int _channel;
    private readonly int _groupStart;
    private readonly int _perGroup;
    private readonly int _pixels;
    private readonly int _outChannels;

    public OutputStore(ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> output, int channel, int groupStart, int perGroup, int pixels, int outChannels)
    {
        _bias = bias;
        _residual = residual;
        _output = output;
        _channel = channel;
        _groupStart = groupStart;
        _perGroup = perGroup;
        _pixels = pixels;
        _outChannels = outChannels;
    }

    /// <summary>Eight channels of one pixel.</summary>
    public void Row(int pixel, Row8 sums)
    {
        if (pixel < _pixels)
        {
            One(pixel, 0, sums.C0);
            One(pixel, 1, sums.C1);
            One(pixel, 2, sums.C2);
            One(pixel, 3, sums.C3);
            One(pixel, 4, sums.C4);
            One(pixel, 5, sums.C5);
            One(pixel, 6, sums.C6);
            One(pixel, 7, sums.C7);
        }
    }

    private void One(int pixel, int lane, float sum)
    {
        int channel = _channel + lane;
        if (channel < _perGroup)
        {
            TEpilogue epilogue = default;
            int outChannel = _groupStart + channel;
            int index = (pixel * _outChannels) + outChannel;
            _output[index] = epilogue.Apply(epilogue.AddsBias ? sum + _bias[outChannel] : sum, epilogue.UsesResidual ? _residual[index] : 0f);
        }
    }
}
