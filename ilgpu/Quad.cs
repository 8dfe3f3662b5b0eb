namespace ResNetGen.Ilgpu;

/// <summary>
/// Four consecutive floats, 16-byte aligned where the kernel reads them: four output channels of a weight row (whose
/// rows <see cref="DeviceConvolutionLayer"/> pads to whole quads) or of the shared weight tile. Loaded and stored as one
/// value, which ILGPU's PTX backend turns into one 128-bit access (<c>ld.global.v4.f32</c>, <c>ld.shared.v4.f32</c>)
/// where it can prove the alignment.
/// </summary>
internal struct Quad
{
    public float X, Y, Z, W;
}
