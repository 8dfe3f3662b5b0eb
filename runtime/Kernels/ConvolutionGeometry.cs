using System.ComponentModel;

namespace ResNetGen.Kernels;

/// <summary>
/// Every size of one convolution call. Generated code constructs it from literals, so nothing is computed at run time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ConvolutionGeometry
{
    /// <summary>Describes one convolution call; the output sizes must follow from the others.</summary>
    /// <param name="batch">Images.</param>
    /// <param name="inChannels">Input channels (all groups).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outChannels">Output channels (all groups).</param>
    /// <param name="outHeight">Output height: <c>floor((inHeight + 2 padding - dilation (kernel - 1) - 1) / stride) + 1</c>.</param>
    /// <param name="outWidth">Output width, likewise.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride in both directions.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups; each group convolves <c>inChannels / groups</c> inputs into <c>outChannels / groups</c> outputs.</param>
    public ConvolutionGeometry(
        int batch, int inChannels, int inHeight, int inWidth, int outChannels, int outHeight, int outWidth,
        int kernel, int stride, int padding, int dilation, int groups)
    {
        Batch = batch;
        InChannels = inChannels;
        InHeight = inHeight;
        InWidth = inWidth;
        OutChannels = outChannels;
        OutHeight = outHeight;
        OutWidth = outWidth;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
    }

    /// <summary>Images.</summary>
    public int Batch { get; }

    /// <summary>Input channels (all groups).</summary>
    public int InChannels { get; }

    /// <summary>Input height.</summary>
    public int InHeight { get; }

    /// <summary>Input width.</summary>
    public int InWidth { get; }

    /// <summary>Output channels (all groups).</summary>
    public int OutChannels { get; }

    /// <summary>Output height.</summary>
    public int OutHeight { get; }

    /// <summary>Output width.</summary>
    public int OutWidth { get; }

    /// <summary>Square kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Stride in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>Floats in one image of the input.</summary>
    public int InputImageLength => InChannels * InHeight * InWidth;

    /// <summary>Floats in one image of the output.</summary>
    public int OutputImageLength => OutChannels * OutHeight * OutWidth;

    /// <summary>Output pixels per channel.</summary>
    public int OutputPixels => OutHeight * OutWidth;

    /// <summary>The reduction length of one output: <c>InChannels / Groups * Kernel * Kernel</c>.</summary>
    public int ReductionLength => InChannels / Groups * Kernel * Kernel;
}
