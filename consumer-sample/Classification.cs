using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ResNetGen.Imaging;

namespace ResNetGen.Sample;

/// <summary>An image to classify: a file, or the built-in picture.</summary>
/// <param name="Name">How reports name it: the path as given or found in the folder.</param>
/// <param name="Path">The file to decode, or null for <paramref name="Image"/>.</param>
/// <param name="Image">An image already in memory (the built-in one), or null.</param>
internal sealed record ImageInput(string Name, string? Path, RgbImage? Image);

/// <summary>One of the top-K classes of an image.</summary>
/// <param name="Rank">1 for the most likely class.</param>
/// <param name="ClassIndex">The ImageNet class index, 0..999.</param>
/// <param name="Label">torchvision's name for the class.</param>
/// <param name="Probability">Softmax over all 1000 logits.</param>
/// <param name="Logit">The network's output for the class.</param>
internal sealed record Prediction(int Rank, int ClassIndex, string Label, double Probability, float Logit);

/// <summary>What happened to one image: its top-K classes and timings, or the one-line reason it failed.</summary>
internal sealed record ImageResult(
    string Name,
    string? Format,
    int Width,
    int Height,
    IReadOnlyList<Prediction> Top,
    double PreprocessMilliseconds,
    double ForwardMilliseconds,
    string? Error)
{
    /// <summary>Whether the image was classified.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>
/// Decodes, preprocesses and classifies images with one network. <c>--batch N</c> keeps N images in flight: each is
/// decoded, preprocessed and run through <c>Forward</c> on its own thread (the generated <c>Forward</c> is thread-safe,
/// each call renting its own working memory), so no batch-N copy of every network has to be compiled and a last,
/// partial batch needs no padding.
/// </summary>
internal sealed class ImageClassifier
{
    private readonly IResNet _network;
    private readonly int _top;
    private readonly ImageNetTransform _transform;

    /// <summary>
    /// Classifies with <paramref name="network"/>, reporting the <paramref name="top"/> most likely classes, each image
    /// preprocessed by <paramref name="transform"/> (the weights' own eval transform).
    /// </summary>
    public ImageClassifier(IResNet network, int top, ImageNetTransform transform)
    {
        _network = network;
        _top = Math.Clamp(top, 1, 1000);
        _transform = transform;
    }

    /// <summary>Floats of one preprocessed image.</summary>
    public int InputLength => _transform.OutputLength;

    /// <summary>One call on a blank image, so that the first real image is not timed with one-time costs (JIT, thread start).</summary>
    public void WarmUp()
    {
        var input = new float[_transform.OutputLength];
        var logits = new float[1000];
        _network.Forward(input, logits);
    }

    /// <summary>
    /// Classifies <paramref name="inputs"/>, <paramref name="batch"/> at a time, and hands each result to
    /// <paramref name="report"/> in input order, on the calling thread, as soon as its batch is done.
    /// </summary>
    public void ClassifyAll(IReadOnlyList<ImageInput> inputs, int batch, Action<ImageResult> report)
    {
        batch = Math.Clamp(batch, 1, Math.Max(1, inputs.Count));
        var tensors = new float[batch][];
        var logits = new float[batch][];
        for (int i = 0; i < batch; i++)
        {
            tensors[i] = new float[_transform.OutputLength];
            logits[i] = new float[1000];
        }

        var results = new ImageResult[batch];
        for (int start = 0; start < inputs.Count; start += batch)
        {
            int count = Math.Min(batch, inputs.Count - start);
            if (count == 1)
            {
                results[0] = Classify(inputs[start], tensors[0], logits[0]);
            }
            else
            {
                int first = start;
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, slot =>
                    results[slot] = Classify(inputs[first + slot], tensors[slot], logits[slot]));
            }

            for (int i = 0; i < count; i++)
            {
                report(results[i]);
            }
        }
    }

    /// <summary>Decodes, preprocesses and classifies one image; a decoding problem becomes the result's error, never an exception.</summary>
    public ImageResult Classify(ImageInput input, float[] tensor, float[] logits)
    {
        var timer = Stopwatch.StartNew();
        RgbImage image;
        try
        {
            image = input.Image ?? ImageDecoder.DecodeFile(input.Path!);
            _transform.Apply(image.AsPixels(), tensor);
        }
        catch (ImageDecodeException e)
        {
            // The report names the image itself, so the reason alone.
            return new ImageResult(input.Name, null, 0, 0, [], 0, 0, e.Reason);
        }

        double preprocess = timer.Elapsed.TotalMilliseconds;
        timer.Restart();
        _network.Forward(tensor, logits);
        double forward = timer.Elapsed.TotalMilliseconds;
        return new ImageResult(input.Name, image.Format, image.Width, image.Height, TopK(logits, _top), preprocess, forward, null);
    }

    /// <summary>Timings of <paramref name="runs"/> further calls on the same image, after the first.</summary>
    public double[] Repeat(ImageInput input, int runs)
    {
        var tensor = new float[_transform.OutputLength];
        var logits = new float[1000];
        _transform.Apply((input.Image ?? ImageDecoder.DecodeFile(input.Path!)).AsPixels(), tensor);
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            _network.Forward(tensor, logits);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return times;
    }

    /// <summary>The <paramref name="k"/> largest logits with their softmax probabilities and ImageNet names, most likely first.</summary>
    public static Prediction[] TopK(ReadOnlySpan<float> logits, int k) =>
        [.. Classification.TopK(logits, k).Select((score, rank) =>
            new Prediction(rank + 1, score.ClassIndex, ImageNetClasses.Name(score.ClassIndex), score.Probability, score.Logit))];
}
