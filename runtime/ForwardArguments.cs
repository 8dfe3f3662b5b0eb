using System;
using System.ComponentModel;

namespace ResNetGen;

/// <summary>Argument checks shared by every generated <c>Forward</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ForwardArguments
{
    /// <summary>Throws when the input or output span does not have the network's length.</summary>
    /// <exception cref="ArgumentException">The message names the span and the expected length.</exception>
    public static void Validate(int inputLength, int expectedInputLength, int outputLength, int expectedOutputLength)
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
                $"The output must hold exactly {expectedOutputLength} floats (BatchSize x NumClasses), but it holds {outputLength}.",
                "output");
        }
    }
}
