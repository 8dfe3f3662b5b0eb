using ILGPU;

namespace ResNetGen.Ilgpu;

/// <summary>
/// Eight floats as eight separate fields, so that ILGPU keeps them in registers (an indexed array would live in local
/// memory): one row of a thread's 8 x 8 block of convolution outputs (one pixel, eight channels), or eight weights read
/// from the shared tile. Only static methods on values, so no local ever has its address taken.
/// </summary>
internal struct Row8
{
    public float C0, C1, C2, C3, C4, C5, C6, C7;

    /// <summary>Eight consecutive floats of a shared tile.</summary>
    public static Row8 Load(ArrayView<float> tile, int offset) => new()
    {
        C0 = tile[offset + 0], C1 = tile[offset + 1], C2 = tile[offset + 2], C3 = tile[offset + 3], C4 = tile[offset + 4], C5 = tile[offset + 5], C6 = tile[offset + 6], C7 = tile[offset + 7],
    };

    /// <summary><c>sum + a x b</c>, lane by lane.</summary>
    public static Row8 MultiplyAdd(Row8 sum, float a, Row8 b) => new()
    {
            C0 = sum.C0 + (a * b.C0),
            C1 = sum.C1 + (a * b.C1),
            C2 = sum.C2 + (a * b.C2),
            C3 = sum.C3 + (a * b.C3),
            C4 = sum.C4 + (a * b.C4),
            C5 = sum.C5 + (a * b.C5),
            C6 = sum.C6 + (a * b.C6),
            C7 = sum.C7 + (a * b.C7),
    };
}
