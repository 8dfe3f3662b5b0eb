namespace ResNetGen.Planning
{
    /// <summary>
    /// The kernel taps of a convolution that ever read a value inside the input map: taps <paramref name="First"/> to
    /// <c>First + Count - 1</c> of each axis. On small maps the others read only padding for every output pixel (a 3x3
    /// convolution on a 1x1 map reads its input through the centre tap alone), so their weights only ever multiply
    /// zeros. The generator leaves them out: the convolution runs as a <paramref name="Count"/> x <paramref name="Count"/> one with
    /// <paramref name="Padding"/>, reading and multiplying only the live weights, and every output is the same sum over the
    /// same products in the same order (only terms that were exact zeros are gone).
    /// </summary>
    /// <param name="First">The first live tap of each axis.</param>
    /// <param name="Count">Live taps per axis: the kernel size the convolution runs with.</param>
    /// <param name="Padding">The padding the convolution runs with: the original padding less the dead taps before <paramref name="First"/>.</param>
    internal readonly record struct TapWindow(int First, int Count, int Padding)
    {
        /// <summary>The whole kernel: nothing left out.</summary>
        public static TapWindow Whole(int kernel, int padding) => new TapWindow(0, kernel, padding);

        /// <summary>
        /// The live taps of a square convolution from <paramref name="input"/> to <paramref name="output"/>: the union of
        /// both axes' live taps, or the whole kernel when that union is the whole kernel or the narrower kernel would not
        /// give the same output size.
        /// </summary>
        public static TapWindow Of(FeatureShape input, FeatureShape output, int kernel, int stride, int padding, int dilation)
        {
            (int firstY, int lastY) = LiveTaps(input.Height, output.Height, kernel, stride, padding, dilation);
            (int firstX, int lastX) = LiveTaps(input.Width, output.Width, kernel, stride, padding, dilation);
            int first = System.Math.Min(firstY, firstX);
            int count = System.Math.Max(lastY, lastX) - first + 1;
            int trimmed = padding - (first * dilation);
            bool same = trimmed >= 0
                && FeatureShape.OutputSize(input.Height, count, stride, trimmed, dilation) == output.Height
                && FeatureShape.OutputSize(input.Width, count, stride, trimmed, dilation) == output.Width;
            return count < kernel && same ? new TapWindow(first, count, trimmed) : Whole(kernel, padding);
        }

        /// <summary>The first and last tap of one axis that reads inside <c>[0, inSize)</c> for some output position.</summary>
        private static (int First, int Last) LiveTaps(int inSize, int outSize, int kernel, int stride, int padding, int dilation)
        {
            int first = kernel;
            int last = -1;
            for (int tap = 0; tap < kernel; tap++)
            {
                // The first output position whose read through this tap is not above the map, and that read.
                int offset = (tap * dilation) - padding;
                int position = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
                if (position < outSize && (position * stride) + offset < inSize)
                {
                    first = System.Math.Min(first, tap);
                    last = tap;
                }
            }

            return first <= last ? (first, last) : (0, kernel - 1);
        }
    }
}
