using System;
using System.Diagnostics;
using System.Linq;
using ResNetGen.Sample;

// With no arguments: ResNet-50 with seeded random weights on a built-in synthetic image.
// The point is to show the whole path (build, run, read the logits); with random weights the classes mean nothing.
Console.WriteLine("ResNetGen sample: torchvision resnet50, 3x224x224, batch 1");
Console.WriteLine("Weights: RANDOM (ResNet50.CreateRandom(0), torchvision's initialisation), so the classes below are not a real prediction.");
Console.WriteLine("Image:   built-in synthetic test pattern, normalised with the ImageNet mean and std.");
Console.WriteLine();

var timer = Stopwatch.StartNew();
ResNet50 network = ResNet50.CreateRandom(seed: 0);
Console.WriteLine($"Built in {timer.Elapsed.TotalMilliseconds:F0} ms: {ResNet50.ParameterCount:N0} parameters, {ResNet50.MultiplyAccumulates / 1e9:F2} G multiply-accumulates per image.");

float[] image = SyntheticImage.Create(ResNet50.InputChannels, ResNet50.InputHeight, ResNet50.InputWidth);
float[] logits = new float[ResNet50.OutputLength];

timer.Restart();
network.Forward(image, logits);
double first = timer.Elapsed.TotalMilliseconds;

const int Runs = 5;
double[] times = new double[Runs];
for (int i = 0; i < Runs; i++)
{
    timer.Restart();
    network.Forward(image, logits);
    times[i] = timer.Elapsed.TotalMilliseconds;
}

Array.Sort(times);
Console.WriteLine($"Latency: first call {first:F1} ms, median of {Runs} calls {times[Runs / 2]:F1} ms.");
Console.WriteLine();

double max = logits.Max();
double[] probabilities = logits.Select(l => Math.Exp(l - max)).ToArray();
double total = probabilities.Sum();
Console.WriteLine(" rank  class   logit     softmax");
foreach ((int index, int rank) in Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).Take(5).Select((index, rank) => (index, rank)))
{
    Console.WriteLine($" {rank + 1,4}  {index,5}  {logits[index],8:F4}  {probabilities[index] / total,9:P2}");
}
