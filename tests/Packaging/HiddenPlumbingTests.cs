using System;
using System.ComponentModel;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ResNetGen.Tests.Packaging;

/// <summary>
/// The public types only generated code and ResNetGen.Ilgpu call (kernels, arenas, argument checks, batch-norm folding) are hidden from IntelliSense; the types a
/// user calls are not.
/// </summary>
public sealed class HiddenPlumbingTests
{
    private static readonly Type[] Plumbing =
    [
        typeof(ArenaPool), typeof(ForwardArguments),
        typeof(global::ResNetGen.Kernels.Convolution), typeof(global::ResNetGen.Kernels.ConvolutionAlgorithm), typeof(global::ResNetGen.Kernels.ConvolutionGeometry), typeof(global::ResNetGen.Kernels.ConvolutionLayer),
        typeof(global::ResNetGen.Kernels.IEpilogue), typeof(global::ResNetGen.Kernels.Bias), typeof(global::ResNetGen.Kernels.BiasRelu), typeof(global::ResNetGen.Kernels.BiasResidualRelu),
        typeof(global::ResNetGen.Kernels.GlobalAveragePool), typeof(global::ResNetGen.Kernels.Layout), typeof(global::ResNetGen.Kernels.Linear), typeof(global::ResNetGen.Kernels.LinearLayer),
        typeof(global::ResNetGen.Kernels.MaxPool), typeof(global::ResNetGen.Kernels.Winograd),
        typeof(global::ResNetGen.Kernels.BatchNormFold), typeof(global::ResNetGen.Kernels.FoldedConvolution), // for ResNetGen.Ilgpu, which folds as the CPU layers do
    ];

    [Fact]
    public void Plumbing_is_hidden_and_everything_else_is_browsable()
    {
        Type[] exported = typeof(ResNetAttribute).Assembly.GetExportedTypes();
        Type[] hidden = [.. exported.Where(t => t.GetCustomAttribute<EditorBrowsableAttribute>()?.State == EditorBrowsableState.Never)];
        Assert.Equal(Plumbing.Select(t => t.FullName).Order(), hidden.Select(t => t.FullName).Order());
        foreach (Type user in new[] { typeof(ResNetAttribute), typeof(StateDictLoader), typeof(WeightLoadException), typeof(ImageNetTransform), typeof(Classification), typeof(global::ResNetGen.Kernels.WorkerPool) })
        {
            Assert.Contains(user, exported);
            Assert.DoesNotContain(user, hidden);
        }
    }
}
