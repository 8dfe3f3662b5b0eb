namespace ResNetGen.Ilgpu;

/// <summary>
/// Eight floats as eight separate fields, so that ILGPU keeps them in registers (an indexed array would live in local
/// memory): one row of a thread's block of convolution outputs (one pixel, eight channels), eight weights read from the
/// shared tile, or eight patch values a thread gathers for the next step. Only static methods on values, so no local ever has its address taken.
/// </summary>
internal struct Row8
{
    public float C0, C1, C2, C3, C4, C5, C6, C7;

    /// <summary>Eight consecutive channels from two quads of the weight tile.</summary>
    public static Row8 FromQuads(Quad low, Quad high) => new()
    {
        C0 = low.X, C1 = low.Y, C2 = low.Z, C3 = low.W, C4 = high.X, C5 = high.Y, C6 = high.Z, C7 = high.W,
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
