using System;
using System.Linq;
using ResNetGen.Sample;
using Xunit;

namespace ResNetGen.Tests.Sample;

public sealed class LabelsAndTopKTests
{
    [Fact]
    public void The_1000_labels_are_torchvisions()
    {
        Assert.Equal(1000, ImageNetLabels.All.Length);
        Assert.Equal(1000, ImageNetLabels.All.Distinct().Count());
        Assert.Equal("tench", ImageNetLabels.Get(0));
        Assert.Equal("tabby", ImageNetLabels.Get(281));
        Assert.Equal("toilet tissue", ImageNetLabels.Get(999));
        Assert.Equal("class 1000", ImageNetLabels.Get(1000));
    }

    [Fact]
    public void TopK_orders_by_logit_with_softmax_probabilities()
    {
        float[] logits = new float[1000];
        logits[7] = 3;
        logits[3] = 5;
        logits[900] = 5; // tie: the lower class index first
        Prediction[] top = ImageClassifier.TopK(logits, 3);
        Assert.Equal([3, 900, 7], top.Select(p => p.ClassIndex));
        Assert.Equal([1, 2, 3], top.Select(p => p.Rank));
        double denominator = (2 * Math.Exp(5)) + Math.Exp(3) + 997;
        Assert.Equal(Math.Exp(5) / denominator, top[0].Probability, 12);
        Assert.Equal(Math.Exp(3) / denominator, top[2].Probability, 12);
        Assert.Equal(1.0, ImageClassifier.TopK(logits, 1000).Sum(p => p.Probability), 9);
    }
}
