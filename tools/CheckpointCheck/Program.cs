// Loads a full-size resnet18 checkpoint written by torch.save (tools/make_full_resnet18.py) and compares
// Forward with torchvision's logits: ‖out − ref‖ / ‖ref‖ ≤ 1e-4 and the same top-1 (OutputComparison.Agrees). Exit code 0 when both hold.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ResNetGen;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: CheckpointCheck DIR   (DIR holds resnet18.pth, input.f32, logits.f32)");
    return 2;
}

string directory = args[0];
var timer = Stopwatch.StartNew();
ResNet18 network = ResNet18.Load(Path.Combine(directory, "resnet18.pth"));
double loadMs = timer.Elapsed.TotalMilliseconds;
float[] input = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(directory, "input.f32"))).ToArray();
float[] expected = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(directory, "logits.f32"))).ToArray();
var output = new float[ResNet18.OutputLength];
network.Forward(input, output);

double error = OutputComparison.RelativeError(output, expected);
int top1 = OutputComparison.Top1(output);
int expectedTop1 = OutputComparison.Top1(expected);
bool ok = OutputComparison.Agrees(output, expected);
Console.WriteLine($"torch.save resnet18 ({new FileInfo(Path.Combine(directory, "resnet18.pth")).Length / 1e6:F1} MB) loaded in {loadMs:F0} ms; relative error {error:E2}; top-1 {top1} (torchvision {expectedTop1}): {(ok ? "OK" : "MISMATCH")}");
return ok ? 0 : 1;

/// <summary>torchvision.models.resnet18.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
internal partial class ResNet18
{
}
