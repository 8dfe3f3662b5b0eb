using System;
using System.ComponentModel;

namespace ResNetGen.Kernels;

/// <summary>
/// A convolution prepared for inference: batch norm folded into its weights and bias, and the weights packed
/// into the layout <see cref="Convolution"/>'s micro-kernel reads: per group, panels of
/// <see cref="Convolution.ChannelTile"/> output channels, each ordered [ky][kx][input channel][output channel in panel].
/// Immutable, so one layer serves any number of concurrent calls.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConvolutionLayer
{
    /// <summary>The <c>eps</c> of torchvision's <c>BatchNorm2d</c>.</summary>
    public const double BatchNormEpsilon = BatchNormFold.Epsilon;

    private ConvolutionLayer(int outChannels, int inChannelsPerGroup, int kernel, int groups, bool isWinograd, float[] packedWeights, float[] packedBias)
    {
        IsWinograd = isWinograd;
        OutChannels = outChannels;
        InChannelsPerGroup = inChannelsPerGroup;
        Kernel = kernel;
        Groups = groups;
        PackedWeights = packedWeights;
        PackedBias = packedBias;
    }

    /// <summary>Output channels (all groups).</summary>
    public int OutChannels { get; }

    /// <summary>Input channels each group reads.</summary>
    public int InChannelsPerGroup { get; }

    /// <summary>Square kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>True when the weights are transformed for <see cref="ConvolutionAlgorithm.Winograd"/>, which then is the only algorithm the layer runs.</summary>
    public bool IsWinograd { get; }

    internal int OutChannelsPerGroup => OutChannels / Groups;

    internal int PanelsPerGroup => (OutChannelsPerGroup + Convolution.ChannelTile - 1) / Convolution.ChannelTile;

    /// <summary>Floats per panel: Kernel x Kernel x InChannelsPerGroup x ChannelTile.</summary>
    internal int PanelLength => Kernel * Kernel * InChannelsPerGroup * Convolution.ChannelTile;

    /// <summary>
    /// Weights in panel layout: [group][panel][ky][kx][input channel][channel in panel], zero-padded panels; for Winograd,
    /// [point][panel][input channel][channel in panel] (see <see cref="Winograd"/>).
    /// </summary>
    internal float[] PackedWeights { get; }

    /// <summary>The folded batch norm shift per output channel, as [group][panel][channel in panel], zero-padded.</summary>
    internal float[] PackedBias { get; }

    /// <summary>
    /// Reads <c>{convolution}.weight</c> and the batch norm <c>{batchNorm}.weight/.bias/.running_mean/.running_var</c>
    /// from <paramref name="weights"/> and folds them: <c>W' = W * g / sqrt(v + eps)</c>, <c>b' = beta - m * g / sqrt(v + eps)</c>.
    /// </summary>
    /// <param name="weights">The state_dict.</param>
    /// <param name="convolution">The convolution's module name, e.g. <c>layer1.0.conv1</c>.</param>
    /// <param name="batchNorm">The batch norm's module name, e.g. <c>layer1.0.bn1</c>.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="algorithm">
    /// The algorithm the layer will run with: <see cref="ConvolutionAlgorithm.Winograd"/> transforms the weights for it;
    /// every other algorithm reads the same packed panels.
    /// </param>
    /// <param name="firstTap">The first kernel tap (of each axis) the layer keeps; 0 with <paramref name="taps"/> 0 keeps the whole kernel.</param>
    /// <param name="taps">
    /// How many taps per axis the layer keeps, from <paramref name="firstTap"/>; 0 for the whole kernel. The generator keeps
    /// fewer when the others read only padding on every output pixel (a 3x3 convolution on a 1x1 map needs its centre tap
    /// alone); the layer then runs as a <c>taps x taps</c> convolution with its padding reduced by the taps left out before
    /// <paramref name="firstTap"/> (times the dilation).
    /// </param>
    /// <exception cref="InvalidOperationException">A tensor is missing or has the wrong shape; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="algorithm"/> is Winograd and the layer is not a 3x3 convolution of one group with channels in multiples of 8.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The taps kept do not lie inside the kernel.</exception>
    public static ConvolutionLayer Fold(
        StateDict weights, string convolution, string batchNorm, int groups, ConvolutionAlgorithm algorithm = ConvolutionAlgorithm.Taps, int firstTap = 0, int taps = 0)
    {
        FoldedConvolution folded = BatchNormFold.Convolution(weights, convolution, batchNorm, groups);
        int kernel = folded.Kernel;
        float[] kept = folded.Weights;
        if (taps != 0 || firstTap != 0)
        {
            if (firstTap < 0 || taps < 1 || firstTap + taps > kernel)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(taps), $"Taps {firstTap} to {firstTap + taps - 1} do not lie inside the {kernel}x{kernel} kernel of '{convolution}'.");
            }

            if (taps < kernel)
            {
                kept = KeepTaps(folded.Weights, folded.OutChannels * folded.InChannelsPerGroup, kernel, firstTap, taps);
                kernel = taps;
            }
        }

        return Create(kept, folded.Bias, folded.OutChannels, folded.InChannelsPerGroup, kernel, groups, algorithm == ConvolutionAlgorithm.Winograd);
    }

    /// <summary>The <c>taps x taps</c> window from <paramref name="first"/> of every <c>kernel x kernel</c> filter in <paramref name="weights"/> (OIHW).</summary>
    private static float[] KeepTaps(float[] weights, int filters, int kernel, int first, int taps)
    {
        var kept = new float[filters * taps * taps];
        for (int f = 0; f < filters; f++)
        {
            for (int y = 0; y < taps; y++)
            {
                weights.AsSpan((f * kernel * kernel) + ((first + y) * kernel) + first, taps).CopyTo(kept.AsSpan(((f * taps) + y) * taps, taps));
            }
        }

        return kept;
    }

    /// <summary>Packs plain convolution weights (OIHW, already folded) and a bias.</summary>
    internal static ConvolutionLayer Create(ReadOnlySpan<float> weights, float[] bias, int outChannels, int inChannelsPerGroup, int kernel, int groups, bool winograd = false)
    {
        const int Tile = Convolution.ChannelTile;
        int perGroup = outChannels / groups;
        int panels = (perGroup + Tile - 1) / Tile;
        if (winograd)
        {
            if (kernel != 3 || groups != 1 || inChannelsPerGroup % Winograd.ChannelBlock != 0 || outChannels % Winograd.ChannelBlock != 0)
            {
                throw new ArgumentException(
                    $"Winograd needs a 3x3 convolution of one group with channels in multiples of {Winograd.ChannelBlock}; this one is {kernel}x{kernel}, {groups} group(s), {inChannelsPerGroup * groups}→{outChannels} channels.",
                    "algorithm");
            }

            var winogradBias = GC.AllocateArray<float>(panels * Tile, pinned: true);
            bias.AsSpan(0, outChannels).CopyTo(winogradBias);
            return new ConvolutionLayer(outChannels, inChannelsPerGroup, kernel, groups, true, Winograd.TransformWeights(weights, outChannels, inChannelsPerGroup), winogradBias);
        }

        int taps = kernel * kernel;
        int panelLength = taps * inChannelsPerGroup * Tile;
        var packed = GC.AllocateArray<float>(groups * panels * panelLength, pinned: true);
        var packedBias = GC.AllocateArray<float>(groups * panels * Tile, pinned: true);
        int step = inChannelsPerGroup * taps; // from one output channel's weights to the next one's
        for (int g = 0; g < groups; g++)
        {
            for (int p = 0; p < panels; p++)
            {
                // Written in order, one panel row of up to Tile output channels at a time; lanes past the group's
                // last channel stay zero.
                int panel = (g * panels) + p;
                int first = (g * perGroup) + (p * Tile);
                int lanes = Math.Min(Tile, perGroup - (p * Tile));
                bias.AsSpan(first, lanes).CopyTo(packedBias.AsSpan(panel * Tile, lanes));
                Span<float> target = packed.AsSpan(panel * panelLength, panelLength);
                for (int t = 0; t < taps; t++)
                {
                    for (int c = 0; c < inChannelsPerGroup; c++)
                    {
                        Span<float> row = target.Slice(((t * inChannelsPerGroup) + c) * Tile, lanes);
                        int from = (((first * inChannelsPerGroup) + c) * taps) + t;
                        for (int lane = 0; lane < row.Length; lane++)
                        {
                            row[lane] = weights[from + (lane * step)];
                        }
                    }
                }
            }
        }

        return new ConvolutionLayer(outChannels, inChannelsPerGroup, kernel, groups, false, packed, packedBias);
    }
}
