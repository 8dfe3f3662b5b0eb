using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Ilgpu;
using ResNetGen.Tests.Parity;
using Xunit;
using Xunit.Abstractions;

namespace ResNetGen.Tests.Accelerators;

/// <summary>
/// <c>ForwardFeatures</c> of generated <c>X.Accelerated</c> networks and headless networks on ILGPU's CPU accelerator,
/// against torchvision's pooled features (<c>torch.flatten(model.avgpool(...), 1)</c>, recorded in
/// tests/Goldens/accelerators by tools/make_accelerator_goldens.py): ‖out − ref‖ / ‖ref‖ ≤ 1e-4 per image; then the
/// device-memory overloads (a partial batch and wrong lengths: DeviceWholeModelTests).
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class DeviceFeaturesTests
{
    private readonly Accelerator _accelerator;
    private readonly ITestOutputHelper _output;

    public DeviceFeaturesTests(CpuAcceleratorFixture fixture, ITestOutputHelper output)
    {
        _accelerator = fixture.Accelerator;
        _output = output;
    }

    private static string Goldens => Path.Combine(AppContext.BaseDirectory, "Goldens", "accelerators");

    [Fact]
    public void ForwardFeatures_on_host_and_device_memory_match_torchvision_and_each_other()
    {
        ParityGolden golden = ParityGolden.Read("basic_24x24_live_taps", Goldens);
        using AcceleratorLiveTapsNet.Accelerated network = AcceleratorLiveTapsNet.OnAccelerator(_accelerator, ParityFormula.Weights(AcceleratorLiveTapsNet.Parameters));
        Assert.Equal(AcceleratorLiveTapsNet.FeatureLength, network.FeatureLength);
        float[] input = ParityFormula.Input(network.InputLength);
        var host = new float[AcceleratorLiveTapsNet.FeatureLength];
        network.ForwardFeatures(input, host);
        AssertFeatures(golden, host);

        using AcceleratorStream caller = _accelerator.CreateStream();
        using MemoryBuffer1D<float, Stride1D.Dense> deviceInput = _accelerator.Allocate1D<float>(input.Length);
        using MemoryBuffer1D<float, Stride1D.Dense> deviceFeatures = _accelerator.Allocate1D<float>(host.Length);
        deviceInput.View.CopyFromCPU(caller, input);
        network.ForwardFeatures(deviceInput.View, deviceFeatures.View, caller);
        Assert.Equal(host, deviceFeatures.GetAsArray1D());

        deviceFeatures.MemSetToZero();
        network.ForwardFeatures(deviceInput.View, deviceFeatures.View);
        Assert.Equal(host, deviceFeatures.GetAsArray1D());
        Assert.Throws<ArgumentNullException>(() => network.ForwardFeatures(deviceInput.View, deviceFeatures.View, null!));

        // Forward still classifies after the features: the two entry points share the arena.
        var logits = new float[AcceleratorLiveTapsNet.NumClasses];
        network.Forward(input, logits);
        Assert.True(OutputComparison.RelativeError(logits, golden.Logits[0]) <= OutputComparison.ParityTolerance);
    }

    [Fact]
    public void A_headless_network_on_the_device_outputs_torchvisions_features()
    {
        ParityGolden golden = ParityGolden.Read("basic_24x24_live_taps", Goldens);
        StateDict full = ParityFormula.Weights(AcceleratorLiveTapsNet.Parameters);
        Assert.Equal(golden.Weights.Checksum, ParityFormula.Fingerprint(full).Checksum);
        var withoutFc = new StateDict();
        foreach (string key in full.Keys.Where(k => !k.StartsWith("fc.", StringComparison.Ordinal)))
        {
            withoutFc.Add(key, full.Get(key));
        }

        using AcceleratorHeadlessLiveTapsNet.Accelerated network = AcceleratorHeadlessLiveTapsNet.OnAccelerator(_accelerator, withoutFc);
        Assert.Equal(network.FeatureLength, network.OutputLength);
        float[] input = ParityFormula.Input(network.InputLength);
        var output = new float[network.OutputLength];
        network.Forward(input, output);
        AssertFeatures(golden, output);

        var features = new float[network.OutputLength];
        network.ForwardFeatures(input, features);
        Assert.Equal(output, features);
        Assert.Throws<WeightLoadException>(() => AcceleratorHeadlessLiveTapsNet.OnAccelerator(_accelerator, full));
    }

    private void AssertFeatures(ParityGolden golden, float[] actual)
    {
        float[][] expected = golden.Features ?? throw new InvalidOperationException($"{golden.Config} records no features.");
        int length = expected[0].Length;
        Assert.Equal(golden.Batch * length, actual.Length);
        for (int image = 0; image < golden.Batch; image++)
        {
            double error = OutputComparison.RelativeError(actual.AsSpan(image * length, length).ToArray(), expected[image]);
            _output.WriteLine($"{golden.Config} image {image}: features relative error {error:E2}");
            Assert.True(error <= OutputComparison.ParityTolerance, $"{golden.Config} image {image}: ‖out − ref‖ / ‖ref‖ = {error:E2}");
        }
    }
}
