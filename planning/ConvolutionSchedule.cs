namespace ResNetGen.Planning
{
    /// <summary>One backend's decisions for one convolution of the graph, named by its torchvision module.</summary>
    internal interface IConvolutionSchedule
    {
        string Module { get; }
    }

    /// <summary>Finds a convolution's entry in a backend's schedule.</summary>
    internal static class ConvolutionSchedule
    {
        public static T Find<T>(EquatableArray<T> schedules, ConvolutionOp op)
            where T : IConvolutionSchedule, System.IEquatable<T>
        {
            foreach (T schedule in schedules)
            {
                if (schedule.Module == op.Module)
                {
                    return schedule;
                }
            }

            throw new System.InvalidOperationException("'" + op.Module + "' is not a convolution of this graph.");
        }
    }
}
