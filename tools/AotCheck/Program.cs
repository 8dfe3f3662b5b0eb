// Times resnet18 (224x224, batch 1, seeded random weights) on a fixed input and prints what .ci/run compares between
// the NativeAOT executable and the JIT: the kernels that ran, the median time per call, and the logits' bits.
using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ResNetGen;
using ResNetGen.Kernels;

int calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
ResNet18 net = ResNet18.CreateRandom(seed: 0);
var input = new float[ResNet18.InputLength];
for (int i = 0; i < input.Length; i++)
{
    input[i] = MathF.Sin(i * 0.001f);
}

var logits = new float[ResNet18.OutputLength];
var times = new double[calls];
TimeSpan cpuBefore = TimeSpan.Zero;
for (int call = 0; call < calls; call++)
{
    if (call == calls / 3)
    {
        cpuBefore = Environment.CpuUsage.TotalTime;
    }

    long start = Stopwatch.GetTimestamp();
    net.Forward(input, logits);
    times[call] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

// Process CPU time per call over the same calls: steadier than wall time on a busy machine (with one thread, RESNETGEN_THREADS=1).
double cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / (calls - (calls / 3));

// The first calls are left out: the JIT compiles on them, and the comparison is of the compiled code's speed.
double[] settled = times.Skip(calls / 3).Order().ToArray();
Console.WriteLine($"kernels {KernelSettings.InstructionSet}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median_ms {settled[settled.Length / 2]:F2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu_ms {cpu:F2}"));

// FNV-1a over the logits' bits: the same for both builds when they compute the same bits, as every kernel path does.
ulong hash = 14695981039346656037;
foreach (float logit in logits)
{
    hash = (hash ^ (uint)BitConverter.SingleToInt32Bits(logit)) * 1099511628211;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"logits {hash:x16}"));

[ResNet(Block.Basic, 2, 2, 2, 2)]
partial class ResNet18 { }
