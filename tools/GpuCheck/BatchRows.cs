using System;
using System.Globalization;
using ILGPU.Runtime;
using ResNetGen.Ilgpu;
using ResNetGen.Tests.Parity;

namespace ResNetGen.GpuCheck;

/// <summary>
/// resnet50's batch network against its batch-1 network, image by image, on the same input: each row of the batch's
/// logits against the batch-1 network's logits for that image alone (‖row − single‖ / ‖single‖ ≤ 1e-4 and the same top-1).
/// The two schedules differ (tiles, K splits), so the rows are close, not the same bits.
/// </summary>
internal static class BatchRows
{
    public static bool Check(Accelerator accelerator, int size, int batch)
    {
        string batchName = string.Create(CultureInfo.InvariantCulture, $"resnet50_{size}_batch{batch}");
        string singleName = string.Create(CultureInfo.InvariantCulture, $"resnet50_{size}_batch1");
        Console.WriteLine(batch == 1 ? $"## resnet50 {size}x{size}: batch rows against batch-1 calls" : $"## resnet50 {size}x{size}: the batch-{batch} rows against batch-1 calls");
        Console.WriteLine();
        if (batch == 1)
        {
            Console.WriteLine("Not checked: --batches asks for batch 1 only.");
            return true;
        }

        if (!CheckedNetworks.ByName.TryGetValue(batchName, out CheckedNetwork? batched) || !CheckedNetworks.ByName.TryGetValue(singleName, out CheckedNetwork? single))
        {
            Console.WriteLine($"FAIL: tools/GpuCheck/Networks.cs declares no {batchName} beside {singleName}.");
            return false;
        }

        using AcceleratedNetwork whole = batched.OnAccelerator(accelerator, ParityFormula.Weights(batched.Parameters));
        using AcceleratedNetwork one = single.OnAccelerator(accelerator, ParityFormula.Weights(single.Parameters));
        float[] input = ParityFormula.Input(whole.InputLength);
        var rows = new float[whole.OutputLength];
        whole.Forward(input, rows);
        int classes = one.OutputLength;
        var logits = new float[classes];
        double worst = 0;
        int differentTop1 = 0;
        for (int image = 0; image < batch; image++)
        {
            one.Forward(input.AsSpan(image * one.InputLength, one.InputLength), logits);
            ReadOnlySpan<float> row = rows.AsSpan(image * classes, classes);
            worst = Math.Max(worst, OutputComparison.RelativeError(row, logits));
            differentTop1 += OutputComparison.Top1(row) == OutputComparison.Top1(logits) ? 0 : 1;
        }

        bool passed = worst <= OutputComparison.ParityTolerance && differentTop1 == 0;
        Console.WriteLine("| images | worst relative error | top-1 differs | result |");
        Console.WriteLine("| ---: | ---: | ---: | --- |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {batch} | {worst:E2} | {differentTop1} | {(passed ? "pass" : "FAIL")} |"));
        return passed;
    }
}
