using System;
using System.Linq;
using ResNetGen.Planning;
using Xunit;

namespace ResNetGen.Tests.Networks;

/// <summary>An 18-layer-style basic network at 224x224, batch 1: the reference for <see cref="ImageByImageNet"/>.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1)]
public partial class SingleImageNet
{
}

/// <summary>The same network with a batch of three: its work per image is large against its weights, so it runs one image at a time.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, BatchSize = 3)]
public partial class ImageByImageNet
{
}

/// <summary>The batch of three without a classifier: the pool writes each image's features straight into the caller's span.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, BatchSize = 3, Headless = true)]
public partial class HeadlessImageByImageNet
{
}

/// <summary>
/// A batch that runs one image at a time (<see cref="CpuTuning.RunsImageByImage"/>) gives, for each image, the bits
/// the batch-1 network gives it, for whole and partial batches and both entry points, and allocates nothing.
/// </summary>
public sealed class ImageByImageTests
{
    [Fact]
    public void Large_images_run_one_at_a_time_and_small_ones_as_a_whole_batch()
    {
        Assert.True(CpuTuning.RunsImageByImage(Plan(new ResNetAttribute(Block.Basic, 1, 1, 1, 1) { BatchSize = 3 })));
        Assert.True(CpuTuning.RunsImageByImage(Plan(new ResNetAttribute(Block.Bottleneck, 3, 4, 6, 3) { BatchSize = 8 })));
        Assert.False(CpuTuning.RunsImageByImage(Plan(new ResNetAttribute(Block.Bottleneck, 3, 4, 6, 3) { BatchSize = 8, InputHeight = 32, InputWidth = 32 })));
        Assert.False(CpuTuning.RunsImageByImage(Plan(new ResNetAttribute(Block.Bottleneck, 3, 4, 6, 3))));
        Assert.True(ImageByImageNet.ArenaLength < SingleImageNet.ArenaLength * 2, "the arena holds one image's maps");
    }

    [Fact]
    public void Each_image_gets_the_bits_of_the_batch_1_network_in_whole_and_partial_batches()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(SingleImageNet.Parameters, seed: 51);
        SingleImageNet single = SingleImageNet.FromStateDict(weights);
        ImageByImageNet batch = ImageByImageNet.FromStateDict(weights);
        float[] input = TestWeights.Input(ImageByImageNet.InputLength, seed: 52);
        int image = SingleImageNet.InputLength;
        float[][] logits = Enumerable.Range(0, 3).Select(_ => new float[SingleImageNet.OutputLength]).ToArray();
        float[][] features = Enumerable.Range(0, 3).Select(_ => new float[SingleImageNet.FeatureLength]).ToArray();
        for (int n = 0; n < 3; n++)
        {
            single.Forward(input.AsSpan(n * image, image), logits[n]);
            single.ForwardFeatures(input.AsSpan(n * image, image), features[n]);
        }

        foreach (int images in new[] { 3, 2, 1 })
        {
            var output = new float[images * ImageByImageNet.NumClasses];
            var pooled = new float[images * ImageByImageNet.FeatureLength];
            batch.Forward(input.AsSpan(0, images * image), output);
            batch.ForwardFeatures(input.AsSpan(0, images * image), pooled);
            for (int n = 0; n < images; n++)
            {
                Assert.Equal(Bits(logits[n]), Bits(output.AsSpan(n * ImageByImageNet.NumClasses, ImageByImageNet.NumClasses).ToArray()));
                Assert.Equal(Bits(features[n]), Bits(pooled.AsSpan(n * ImageByImageNet.FeatureLength, ImageByImageNet.FeatureLength).ToArray()));
            }
        }

        var headless = new float[HeadlessImageByImageNet.OutputLength];
        HeadlessImageByImageNet.FromStateDict(TestWeights.WithRandomBatchNorm(HeadlessImageByImageNet.Parameters, seed: 51)).Forward(input, headless);
        Assert.Equal(features.SelectMany(Bits), Bits(headless));

        var again = new float[ImageByImageNet.OutputLength];
        batch.Forward(input, again);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true); // retires the allocation context first (see ConcurrencyTests)
        long before = GC.GetAllocatedBytesForCurrentThread();
        batch.Forward(input, again);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static NetworkGraph Plan(ResNetAttribute attribute) => ResNetGen.Dynamic.DynamicResNet.Graph(attribute);

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
