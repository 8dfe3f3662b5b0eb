// Loads full-size checkpoints written by torch.save and compares Forward with torchvision's logits:
// ‖out − ref‖ / ‖ref‖ ≤ 1e-4 and the same top-1 (OutputComparison.Agrees). Exit code 0 when every check holds.
//   CheckpointCheck DIR            resnet18.pth (zip format), input.f32, logits.f32     (tools/make_full_resnet18.py)
//   CheckpointCheck --legacy DIR   {resnet18,resnet50}-legacy.pth (PyTorch's legacy format), input.f32,
//                                  {resnet18,resnet50}-logits.f32                       (tools/make_legacy_checkpoints.py)
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ResNetGen;

bool legacy = args.Length == 2 && args[0] == "--legacy";
if (args.Length != 1 && !legacy)
{
    Console.Error.WriteLine("usage: CheckpointCheck DIR  |  CheckpointCheck --legacy DIR");
    return 2;
}

string directory = args[^1];
float[] input = ReadFloats(Path.Combine(directory, "input.f32"));
bool ok = legacy
    ? Check<ResNet18>("resnet18-legacy.pth", "resnet18-logits.f32", "legacy-format resnet18") & Check<ResNet50>("resnet50-legacy.pth", "resnet50-logits.f32", "legacy-format resnet50")
    : Check<ResNet18>("resnet18.pth", "logits.f32", "torch.save resnet18");
return ok ? 0 : 1;

bool Check<TNet>(string file, string logitsFile, string what)
    where TNet : class, IResNet<TNet>
{
    string path = Path.Combine(directory, file);
    var timer = Stopwatch.StartNew();
    TNet network = TNet.Load(path);
    double loadMs = timer.Elapsed.TotalMilliseconds;
    float[] expected = ReadFloats(Path.Combine(directory, logitsFile));
    var output = new float[TNet.OutputLength];
    network.Forward(input, output);

    double error = OutputComparison.RelativeError(output, expected);
    int top1 = OutputComparison.Top1(output);
    int expectedTop1 = OutputComparison.Top1(expected);
    bool same = OutputComparison.Agrees(output, expected);
    Console.WriteLine($"{what} ({new FileInfo(path).Length / 1e6:F1} MB) loaded in {loadMs:F0} ms; relative error {error:E2}, " +
                      $"largest difference {output.Zip(expected, (a, b) => Math.Abs(a - b)).Max():E2}; top-1 {top1} (torchvision {expectedTop1}): {(same ? "OK" : "MISMATCH")}");
    return same;
}

static float[] ReadFloats(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

/// <summary>torchvision.models.resnet18.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
internal partial class ResNet18
{
}

/// <summary>torchvision.models.resnet50.</summary>
[ResNet(Block.Bottleneck, 3, 4, 6, 3)]
internal partial class ResNet50
{
}
