namespace ResNetGen.Planning
{
    /// <summary>
    /// What one backend makes of each op kind of the <see cref="NetworkGraph"/>: the CPU emitter's kernel call, the
    /// accelerator emitter's launch, the fused dynamic graph's step, the eager graph's modules. A new op kind adds a method
    /// here, so every backend that has not lowered it fails to compile (docs/adding-an-op.md).
    /// </summary>
    /// <typeparam name="T">What the backend makes of one op.</typeparam>
    internal interface IOpLowering<out T>
    {
        T Convolution(ConvolutionOp op);

        T ChannelsLast(ChannelsLastOp op);

        T MaxPool(MaxPoolOp op);

        T GlobalAveragePool(GlobalAveragePoolOp op);

        T Linear(LinearOp op);
    }
}
