using ILGPU;

namespace ResNetGen.Ilgpu;

/// <summary>The classifier, <c>y = x W^T + b</c>: one thread per output; weights stored transposed so that neighbouring threads read neighbouring floats.</summary>
internal static class LinearKernel
{
    /// <summary>Output <paramref name="index"/> = image x outFeatures + feature.</summary>
    /// <param name="index">The output's index.</param>
    /// <param name="source">The inputs, <c>batch x inFeatures</c>.</param>
    /// <param name="destination">The outputs, <c>batch x outFeatures</c>.</param>
    /// <param name="transposedWeight">The weight as <c>[in][out]</c>.</param>
    /// <param name="bias">One per output feature.</param>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    public static void Run(Index1D index, ArrayView<float> source, ArrayView<float> destination, ArrayView<float> transposedWeight, ArrayView<float> bias, int inFeatures, int outFeatures)
    {
        int o = index % outFeatures;
        int n = index / outFeatures;
        float sum = 0f;
        for (int i = 0; i < inFeatures; i++)
        {
            sum += source[(n * inFeatures) + i] * transposedWeight[(i * outFeatures) + o];
        }

        destination[index] = sum + bias[o];
    }
}
