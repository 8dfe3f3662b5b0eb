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
/// <c>(Pixels / ThreadPixels) x (Channels / ThreadChannels)</c> threads. Adjacent threads load adjacent k (input
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
        return tile.Pixels / tile.ThreadPixels * (tile.Channels / tile.ThreadChannels);
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
        TEpilogue epilogue = default;
        ArrayView<float> patchTile = SharedMemory.Allocate<float>(tile.InputTileLength);
        ArrayView<float> weightTile = SharedMemory.Allocate<float>(tile.WeightTileLength);
        ArrayView<int> pixelBase = SharedMemory.Allocate<int>(tile.Pixels);
        ArrayView<int> pixelRow = SharedMemory.Allocate<int>(tile.Pixels);
        ArrayView<int> pixelColumn = SharedMemory.Allocate<int>(tile.Pixels);
        ArrayView<float> sums = LocalMemory.Allocate<float>(tile.Accumulators);

        int pixels = tile.Pixels;
        int patchStride = tile.InputTileStride;
        int channels = tile.Channels;
        int depth = tile.Depth;
        int threads = GroupSize<TTile>();
        int thread = Group.IdxX;
        int channelThreads = channels / tile.ThreadChannels;
        int threadChannel = thread % channelThreads * tile.ThreadChannels;
        int threadPixel = thread / channelThreads * tile.ThreadPixels;

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

        for (int i = 0; i < tile.Accumulators; i++)
        {
            sums[i] = 0f;
        }

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
                for (int i = 0; i < tile.ThreadPixels; i++)
                {
                    float a = patchTile[(kk * patchStride) + threadPixel + i];
                    for (int j = 0; j < tile.ThreadChannels; j++)
                    {
                        sums[(i * tile.ThreadChannels) + j] += a * weightTile[(kk * channels) + threadChannel + j];
                    }
                }
            }

            Group.Barrier();
        }

        for (int i = 0; i < tile.ThreadPixels; i++)
        {
            int pixel = firstPixel + threadPixel + i;
            for (int j = 0; j < tile.ThreadChannels; j++)
            {
                int channel = firstChannel + threadChannel + j;
                if (pixel < outPixels && channel < outPerGroup)
                {
                    int outChannel = (group * outPerGroup) + channel;
                    int index = (pixel * g.OutChannels) + outChannel;
                    float shortcut = epilogue.UsesResidual ? residual[index] : 0f;
                    output[index] = epilogue.Apply(sums[(i * tile.ThreadChannels) + j] + bias[outChannel], shortcut);
                }
            }
        }
    }
}
