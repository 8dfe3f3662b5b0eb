using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ResNetGen.Kernels;

/// <summary>Conversions between the caller's NCHW layout and the channels-last (NHWC) layout the kernels use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Layout
{
    /// <summary>
    /// Copies NCHW <paramref name="source"/> into NHWC <paramref name="destination"/>, surrounded by a zero border of
    /// <paramref name="padding"/> pixels: the destination holds <c>batch x (height + 2 padding) x (width + 2 padding) x channels</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short for the sizes given.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToChannelsLast(ReadOnlySpan<float> source, Span<float> destination, int batch, int channels, int height, int width, int padding = 0)
    {
        int pixels = height * width;
        int paddedWidth = width + (2 * padding);
        int paddedImage = (height + (2 * padding)) * paddedWidth * channels;
        long inputLength = (long)batch * channels * pixels;
        long outputLength = (long)batch * paddedImage;
        if (source.Length < inputLength || destination.Length < outputLength)
        {
            throw new ArgumentException($"The spans are too short: source {source.Length} (needs {inputLength}), destination {destination.Length} (needs {outputLength}).");
        }

        bool wide = KernelSettings.InstructionSet == KernelInstructionSet.Avx512;
        fixed (float* input = source)
        fixed (float* output = destination)
        {
            for (int n = 0; n < batch; n++)
            {
                float* image = input + ((long)n * channels * pixels);
                float* padded = output + ((long)n * paddedImage);
                ClearBorder(padded, height, paddedWidth, channels, padding);
                for (int y = 0; y < height; y++)
                {
                    float* row = padded + ((((long)(y + padding) * paddedWidth) + padding) * channels);
                    float* line = image + ((long)y * width);
                    if (channels == 3)
                    {
                        InterleaveThree(line, line + pixels, line + (2 * pixels), row, width, wide);
                    }
                    else
                    {
                        Interleave(line, pixels, row, width, channels);
                    }
                }
            }
        }
    }

    /// <summary>Zeros the rows above and below the image and the columns left and right of each of its rows.</summary>
    private static unsafe void ClearBorder(float* padded, int height, int paddedWidth, int channels, int padding)
    {
        if (padding == 0)
        {
            return;
        }

        int rowLength = paddedWidth * channels;
        int edge = padding * channels;
        new Span<float>(padded, padding * rowLength).Clear();
        new Span<float>(padded + ((long)(height + padding) * rowLength), padding * rowLength).Clear();
        for (int y = padding; y < height + padding; y++)
        {
            float* row = padded + ((long)y * rowLength);
            new Span<float>(row, edge).Clear();
            new Span<float>(row + rowLength - edge, edge).Clear();
        }
    }

    /// <summary>
    /// One row of an RGB image: three planes' lines into one line of pixels. On AVX-512, sixteen pixels at a time: each of
    /// the three output vectors is two two-source permutes, red with green, then that with blue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void InterleaveThree(float* red, float* green, float* blue, float* row, int width, bool wide)
    {
        int x = 0;
        if (wide && Avx512F.IsSupported)
        {
            RgbPermutes permutes = RgbPermutes.Instance;
            Vector512<int> redGreen0 = permutes.RedGreen0, redGreen1 = permutes.RedGreen1, redGreen2 = permutes.RedGreen2;
            Vector512<int> blue0 = permutes.Blue0, blue1 = permutes.Blue1, blue2 = permutes.Blue2;
            for (; x + 16 <= width; x += 16, row += 48)
            {
                Vector512<float> r = Vector512.Load(red + x);
                Vector512<float> g = Vector512.Load(green + x);
                Vector512<float> b = Vector512.Load(blue + x);
                Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(r, redGreen0, g), blue0, b).Store(row);
                Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(r, redGreen1, g), blue1, b).Store(row + 16);
                Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(r, redGreen2, g), blue2, b).Store(row + 32);
            }
        }

        for (; x < width; x++, row += 3)
        {
            row[0] = red[x];
            row[1] = green[x];
            row[2] = blue[x];
        }
    }

    /// <summary>One row of any number of channels, <paramref name="plane"/> floats apart in the source.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Interleave(float* line, int plane, float* row, int width, int channels)
    {
        for (int c = 0; c < channels; c++, line += plane)
        {
            float* target = row + c;
            for (int x = 0; x < width; x++, target += channels)
            {
                *target = line[x];
            }
        }
    }

    /// <summary>
    /// The permute indices that interleave sixteen pixels of three planes into three vectors of R, G, B triples. Output
    /// float <c>p</c> (of 48) is channel <c>p % 3</c> of pixel <c>p / 3</c>; the first permute takes red (indices 0–15) or
    /// green (16–31), the second keeps that (0–15) or takes blue (16–31).
    /// </summary>
    private sealed class RgbPermutes
    {
        public static readonly RgbPermutes Instance = new();

        public readonly Vector512<int> RedGreen0, RedGreen1, RedGreen2, Blue0, Blue1, Blue2;

        private RgbPermutes()
        {
            (RedGreen0, Blue0) = For(0);
            (RedGreen1, Blue1) = For(1);
            (RedGreen2, Blue2) = For(2);
        }

        private static (Vector512<int> RedGreen, Vector512<int> Blue) For(int vector)
        {
            Span<int> redGreen = stackalloc int[16];
            Span<int> blue = stackalloc int[16];
            for (int e = 0; e < 16; e++)
            {
                int p = (vector * 16) + e;
                int pixel = p / 3;
                int channel = p % 3;
                redGreen[e] = channel == 1 ? 16 + pixel : pixel;
                blue[e] = channel == 2 ? 16 + pixel : e;
            }

            return (Vector512.Create<int>(redGreen), Vector512.Create<int>(blue));
        }
    }
}
