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
/// Launched on a grid of <c>(ceil(pixels / Pixels), ceil(channels per group / Channels), groups)</c> thread groups of
/// <c>(Pixels / 8) x (Channels / 8)</c> threads, each accumulating an 8 x 8 block of outputs in registers. Adjacent threads load adjacent k (input
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

    /// <summary>The kernel: one thread group computes one tile of outputs of one channel group.</summary>
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
        int group = Grid.IdxZ;
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

        // This thread's 8 x 8 outputs: pixel threadPixel + i in row i, channels threadChannel + 0..7 in its lanes.
        Row8 sums0 = default, sums1 = default, sums2 = default, sums3 = default, sums4 = default, sums5 = default, sums6 = default, sums7 = default;

        // Each thread always loads the same k of the patch tile and the same channel of the weight tile (the group size
        // is a multiple of Depth and of Channels), so the k -> (ky, kx, channel) split is done once per step.
        int loadK = thread % depth;
        int loadChannel = thread % channels;
        Group.Barrier();
        for (int k0 = 0; k0 < reduction; k0 += depth)
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
                patchTile[(loadK * patchStride) + mm] = start >= 0 && k < reduction && iy >= 0 && iy < g.InHeight && ix >= 0 && ix < g.InWidth
                    ? input[start + ((((iy * g.InWidth) + ix) * g.InChannels) + channelOffset)]
                    : 0f;
            }

            int channel = firstChannel + loadChannel;
            for (int kk = thread / channels; kk < depth; kk += threads / channels)
            {
                int kw = k0 + kk;
                weightTile[(kk * channels) + loadChannel] = kw < reduction && channel < outPerGroup
                    ? weights[(((group * reduction) + kw) * outPerGroup) + channel]
                    : 0f;
            }

            Group.Barrier();
            for (int kk = 0; kk < depth; kk++)
            {
                Row8 w = Row8.Load(weightTile, (kk * channels) + threadChannel);
                int a = (kk * patchStride) + threadPixel;
                sums0 = Row8.MultiplyAdd(sums0, patchTile[a], w);
                sums1 = Row8.MultiplyAdd(sums1, patchTile[a + 1], w);
                sums2 = Row8.MultiplyAdd(sums2, patchTile[a + 2], w);
                sums3 = Row8.MultiplyAdd(sums3, patchTile[a + 3], w);
                sums4 = Row8.MultiplyAdd(sums4, patchTile[a + 4], w);
                sums5 = Row8.MultiplyAdd(sums5, patchTile[a + 5], w);
                sums6 = Row8.MultiplyAdd(sums6, patchTile[a + 6], w);
                sums7 = Row8.MultiplyAdd(sums7, patchTile[a + 7], w);
            }

            Group.Barrier();
        }

        var store = new OutputStore<TEpilogue>(bias, residual, output, firstChannel + threadChannel, group * outPerGroup, outPerGroup, outPixels, g.OutChannels);
        int first = firstPixel + threadPixel;
        store.Row(first, sums0);
        store.Row(first + 1, sums1);
        store.Row(first + 2, sums2);
        store.Row(first + 3, sums3);
        store.Row(first + 4, sums4);
        store.Row(first + 5, sums5);
        store.Row(first + 6, sums6);
        store.Row(first + 7, sums7);
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
            _output[index] = epilogue.Apply(sum + _bias[outChannel], epilogue.UsesResidual ? _residual[index] : 0f);
        }
    }
}
