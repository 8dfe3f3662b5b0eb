namespace ResNetGen;

/// <summary>One of the most likely classes of an image, as <see cref="Classification.TopK(System.ReadOnlySpan{float}, int)"/> ranks them.</summary>
/// <param name="ClassIndex">The class: an index into the logits (for ImageNet, into <see cref="ImageNetClasses.Names"/>).</param>
/// <param name="Logit">The network's output for the class.</param>
/// <param name="Probability">The softmax over all the logits, for this class: between 0 and 1.</param>
public readonly record struct ClassScore(int ClassIndex, float Logit, double Probability);
