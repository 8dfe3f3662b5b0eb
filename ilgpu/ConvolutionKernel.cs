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
/// channels) and adjacent output channels, so global reads coalesce.
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
        ArrayView<float> sums = LocalMemory.Allocate<float>(tile.Accumulators);

        int pixels = tile.Pixels;
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

        for (int i = 0; i < tile.Accumulators; i++)
        {
            sums[i] = 0f;
        }

        for (int k0 = 0; k0 < reduction; k0 += depth)
        {
            // The patch tile, [k][pixel]: gathered from the input, zero where a tap falls in the padding.
            for (int e = thread; e < tile.InputTileLength; e += threads)
            {
                int kk = e % depth;
                int mm = e / depth;
                int pixel = firstPixel + mm;
                int k = k0 + kk;
                float value = 0f;
                if (pixel < outPixels && k < reduction)
                {
                    int c = k % inPerGroup;
                    int tap = k / inPerGroup;
                    int ox = pixel % g.OutWidth;
                    int rest = pixel / g.OutWidth;
                    int oy = rest % g.OutHeight;
                    int n = rest / g.OutHeight;
                    int iy = (oy * g.Stride) - g.Padding + (tap / g.Kernel * g.Dilation);
                    int ix = (ox * g.Stride) - g.Padding + (tap % g.Kernel * g.Dilation);
                    if (iy >= 0 && iy < g.InHeight && ix >= 0 && ix < g.InWidth)
                    {
                        value = input[((((n * g.InHeight) + iy) * g.InWidth) + ix) * g.InChannels + (group * inPerGroup) + c];
                    }
                }

                patchTile[(kk * pixels) + mm] = value;
            }

            // The weight tile, [k][channel]: a contiguous block of the packed weights.
            for (int e = thread; e < tile.WeightTileLength; e += threads)
            {
                int nn = e % channels;
                int kk = e / channels;
                int k = k0 + kk;
                int channel = firstChannel + nn;
                weightTile[(kk * channels) + nn] = k < reduction && channel < outPerGroup
                    ? weights[(((group * reduction) + k) * outPerGroup) + channel]
                    : 0f;
            }

            Group.Barrier();
            for (int kk = 0; kk < depth; kk++)
            {
                for (int i = 0; i < tile.ThreadPixels; i++)
                {
                    float a = patchTile[(kk * pixels) + threadPixel + i];
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
