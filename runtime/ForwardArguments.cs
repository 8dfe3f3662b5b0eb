using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ResNetGen;

/// <summary>Argument checks shared by every generated <c>Forward</c> and <c>ForwardFeatures</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ForwardArguments
{
    /// <summary>Throws when the input or output span does not have the network's length.</summary>
    /// <param name="inputLength">The input span's length.</param>
    /// <param name="expectedInputLength">Floats the input must hold.</param>
    /// <param name="outputLength">The output span's length.</param>
    /// <param name="expectedOutputLength">Floats the output must hold.</param>
    /// <param name="outputName">The output parameter's name, for the message and <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="outputShape">What the output holds, e.g. "BatchSize x NumClasses".</param>
    /// <exception cref="ArgumentException">The message names the span and the expected length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Validate(
        int inputLength, int expectedInputLength, int outputLength, int expectedOutputLength, string outputName = "output", string outputShape = "BatchSize x NumClasses")
    {
        if (inputLength != expectedInputLength)
        {
            throw new ArgumentException(
                $"The input must hold exactly {expectedInputLength} floats (BatchSize x InputChannels x InputHeight x InputWidth, NCHW), but it holds {inputLength}.",
                "input");
        }

        if (outputLength != expectedOutputLength)
        {
            throw new ArgumentException(
                $"The {outputName} must hold exactly {expectedOutputLength} floats ({outputShape}), but it holds {outputLength}.",
                outputName);
        }
    }

    /// <summary>
    /// The number of images in a call to a network compiled for <paramref name="batchSize"/> images: the input may hold any
    /// whole number of images from 1 to <paramref name="batchSize"/>, and the output must hold as many rows.
    /// </summary>
    /// <param name="inputLength">The input span's length.</param>
    /// <param name="imageLength">Floats per input image (InputChannels x InputHeight x InputWidth).</param>
    /// <param name="outputLength">The output span's length.</param>
    /// <param name="outputPerImage">Floats per image in the output.</param>
    /// <param name="batchSize">The most images the network runs at once.</param>
    /// <param name="outputName">The output parameter's name, for the message and <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="outputRow">What one output row is, e.g. "NumClasses".</param>
    /// <returns>The number of images in the input, from 1 to <paramref name="batchSize"/>.</returns>
    /// <exception cref="ArgumentException">The input is not 1 to <paramref name="batchSize"/> whole images, or the output does not match it.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Images(
        int inputLength, int imageLength, int outputLength, int outputPerImage, int batchSize, string outputName = "output", string outputRow = "NumClasses")
    {
        int images = inputLength / imageLength;
        if (inputLength % imageLength != 0 || images < 1 || images > batchSize)
        {
            throw new ArgumentException(
                $"The input must hold 1 to {batchSize} whole images of {imageLength} floats each (InputChannels x InputHeight x InputWidth, NCHW), but it holds {inputLength} floats.",
                "input");
        }

        if (outputLength != (long)images * outputPerImage)
        {
            throw new ArgumentException(
                $"The {outputName} must hold exactly {(long)images * outputPerImage} floats ({images} images x {outputRow}) for the {images} images of the input, but it holds {outputLength}.",
                outputName);
        }

        return images;
    }
}
