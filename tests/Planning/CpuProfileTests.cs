using System;
using System.IO;
using System.Linq;
using ResNetGen.Dynamic;
using ResNetGen.Planning;
using ResNetGen.Tests.Networks;
using Xunit;

namespace ResNetGen.Tests.Planning;

/// <summary>
/// CPU profiles: which CPU gets which, what each chooses, and that a profile changes nothing but the choice between
/// Winograd and the direct algorithm, so that networks built under any profile give the reference's answers and profiles
/// that choose alike give the same bits.
/// </summary>
public sealed class CpuProfileTests
{
    /// <summary>float32 against float64 through a whole network, as in WholeNetworkTests: ‖out − ref‖ / ‖ref‖ ≤ 1e-5.</summary>
    private const double Tolerance = 1e-5;

    private static readonly CpuProfile DirectOnly = new("direct-only", int.MaxValue, int.MaxValue, "never Winograd");

    [Theory]
    [InlineData("AuthenticAMD", 0x00A20F10, false, 25, 0x21, "zen3")] // Ryzen 5000 (Vermeer)
    [InlineData("AuthenticAMD", 0x00A00F11, false, 25, 0x01, "zen3")] // EPYC 7003 (Milan)
    [InlineData("AuthenticAMD", 0x00A60F12, true, 25, 0x61, "zen4")] // Ryzen 7000 (Raphael)
    [InlineData("AuthenticAMD", 0x00A10F11, true, 25, 0x11, "zen4")] // EPYC 9004 (Genoa)
    [InlineData("AuthenticAMD", 0x00B00F21, true, 26, 0x02, "zen5")] // EPYC 9005 (Turin)
    [InlineData("AuthenticAMD", 0x00B40F40, true, 26, 0x44, "zen5")] // Ryzen 9000 (Granite Ridge)
    [InlineData("AuthenticAMD", 0x00800F12, false, 23, 0x01, "generic")] // Zen 1: never measured
    [InlineData("GenuineIntel", 0x000806F8, true, 6, 0x8F, "intel-avx512")] // Xeon 4th generation (Sapphire Rapids)
    [InlineData("GenuineIntel", 0x000A0678, true, 6, 0xA7, "intel-avx512")] // family 6 model 167, as a hypervisor reports a Sapphire Rapids-class core
    [InlineData("GenuineIntel", 0x000906EA, false, 6, 0x9E, "generic")] // Core without AVX-512
    [InlineData("", 0, false, 0, 0, "generic")] // not x86
    public void Each_cpu_gets_the_profile_of_its_family(string vendor, int signature, bool avx512, int family, int model, string profile)
    {
        CpuIdentity cpu = CpuIdentity.FromSignature(vendor, signature, avx512);
        Assert.Equal((family, model), (cpu.Family, cpu.Model));
        Assert.Equal(profile, CpuProfiles.Identify(cpu.Vendor, cpu.Family, cpu.Model, cpu.HasAvx512).Name);
    }

    [Fact]
    public void This_processor_is_identified_and_its_profile_is_built_in()
    {
        Assert.Contains(CpuProfile.Detected, CpuProfile.BuiltIn);
        Assert.Equal(CpuProfile.Identify().Name, CpuProfile.Detected.Name);
        Assert.Equal("generic", CpuProfile.BuiltIn[0].Name);
    }

    [Fact]
    public void Zen_5_runs_winograd_only_on_14x14_maps_and_the_others_from_16_blocks()
    {
        var attribute = new ResNetAttribute(Block.Bottleneck, 3, 4, 6, 3);
        string[] Winograd(string profile) => DynamicResNet.Schedule(attribute, CpuProfile.Named(profile)).Convolutions
            .Where(c => c.Algorithm == ConvolutionAlgorithm.Winograd).Select(c => c.Module).ToArray();

        string[] threeByThree = ["layer1.0.conv2", "layer1.1.conv2", "layer1.2.conv2", "layer2.1.conv2", "layer2.2.conv2", "layer2.3.conv2"];
        string[] fourteen = ["layer3.1.conv2", "layer3.2.conv2", "layer3.3.conv2", "layer3.4.conv2", "layer3.5.conv2"];
        Assert.Equal(fourteen, Winograd("zen5"));
        foreach (string profile in new[] { "generic", "zen3", "zen4", "intel-avx512" })
        {
            Assert.Equal(threeByThree.Concat(fourteen), Winograd(profile));
        }
    }

    [Theory]
    [InlineData(Block.Bottleneck, 224, 1)]
    [InlineData(Block.Bottleneck, 224, 8)]
    [InlineData(Block.Basic, 64, 4)]
    [InlineData(Block.Basic, 32, 2)]
    public void Profiles_change_nothing_but_the_algorithm_of_convolutions_winograd_can_compute(Block block, int size, int batch)
    {
        int[] layers = block == Block.Basic ? [2, 2, 2, 2] : [3, 4, 6, 3];
        var attribute = new ResNetAttribute(block, layers) { InputHeight = size, InputWidth = size, BatchSize = batch };
        CpuSchedule[] schedules = CpuProfile.BuiltIn.Append(DirectOnly).Select(p => DynamicResNet.Schedule(attribute, p)).ToArray();
        CpuSchedule first = schedules[0];
        foreach (CpuSchedule schedule in schedules)
        {
            Assert.Equal(first.Buffers, schedule.Buffers);
            Assert.Equal((first.ArenaLength, first.ImageByImage, first.FeaturesOffset), (schedule.ArenaLength, schedule.ImageByImage, schedule.FeaturesOffset));
            for (int i = 0; i < first.Convolutions.Count; i++)
            {
                CpuConvolution a = first.Convolutions[i];
                CpuConvolution b = schedule.Convolutions[i];
                Assert.Equal(a with { Algorithm = b.Algorithm }, b);
                Assert.True(a.Algorithm == b.Algorithm || a.ChoosesByProfile);
            }
        }

        Assert.All(schedules[^1].Convolutions, c => Assert.NotEqual(ConvolutionAlgorithm.Winograd, c.Algorithm));
    }

    [Fact]
    public void A_network_built_under_each_profile_runs_its_choices_and_matches_the_reference()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(WinogradBasicNet.Parameters, seed: 61);
        float[] input = TestWeights.Input(WinogradBasicNet.InputLength, seed: 62);
        double[] expected = new ReferenceResNet(weights, bottleneck: false, [1, 1, 1, 1])
            .Forward(input, WinogradBasicNet.BatchSize, WinogradBasicNet.InputChannels, WinogradBasicNet.InputHeight, WinogradBasicNet.InputWidth);
        ResNetAttribute attribute = typeof(WinogradBasicNet).GetCustomAttributes(typeof(ResNetAttribute), false).Cast<ResNetAttribute>().Single();

        foreach (CpuProfile profile in new[] { CpuProfile.Named("generic"), CpuProfile.Named("zen5"), DirectOnly })
        {
            var generated = new float[WinogradBasicNet.OutputLength];
            var fused = new float[WinogradBasicNet.OutputLength];
            using (CpuProfile.Use(profile))
            {
                WinogradBasicNet network = WinogradBasicNet.FromStateDict(weights);
                Assert.Same(profile, network.CpuProfile);
                network.Forward(input, generated);
                DynamicResNet.Create(attribute, weights, DynamicMode.Fused).Forward(input, fused);
            }

            Assert.Equal(generated.Select(BitConverter.SingleToInt32Bits), fused.Select(BitConverter.SingleToInt32Bits));
            Assert.True(OutputComparison.RelativeError(generated, expected) <= Tolerance, $"{profile.Name}: relative error {OutputComparison.RelativeError(generated, expected):E2}");
        }
    }

    [Fact]
    public void Profiles_that_choose_alike_give_the_same_bits_and_those_that_differ_do_not()
    {
        StateDict weights = TestWeights.WithRandomBatchNorm(WinogradBasicNet.Parameters, seed: 63);
        float[] input = TestWeights.Input(WinogradBasicNet.InputLength, seed: 64);
        float[] Run(CpuProfile profile)
        {
            var output = new float[WinogradBasicNet.OutputLength];
            using (CpuProfile.Use(profile))
            {
                WinogradBasicNet.FromStateDict(weights).Forward(input, output);
            }

            return output;
        }

        // zen5 leaves layer1's 16x18 maps direct, as a profile that never runs Winograd does; generic runs them with Winograd.
        float[] zen5 = Run(CpuProfile.Named("zen5"));
        Assert.Equal(Run(DirectOnly), zen5);
        Assert.NotEqual(Run(CpuProfile.Named("generic")), zen5);
        Assert.Equal(Run(CpuProfile.Named("generic")), Run(CpuProfile.Named("intel-avx512")));
    }

    [Fact]
    public void A_profile_file_round_trips_and_the_setting_reads_names_and_files()
    {
        string path = Path.Combine(Path.GetTempPath(), $"resnetgen-profile-{Guid.NewGuid():N}.json");
        try
        {
            new CpuProfile("my-cpu", 32, 28, "a CPU measured with tune").Save(path);
            CpuProfile loaded = CpuProfile.FromSetting(path);
            Assert.Equal(("my-cpu", 32, 28, "a CPU measured with tune"), (loaded.Name, loaded.WinogradMinimumTiles, loaded.WinogradLargestSide, loaded.Cpus));
            Assert.Same(CpuProfile.Named("zen4"), CpuProfile.FromSetting("zen4"));

            new CpuProfile("any-side", 8, int.MaxValue).Save(path);
            Assert.Equal(int.MaxValue, CpuProfile.Load(path).WinogradLargestSide);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_bad_setting_or_file_is_refused_with_what_was_expected()
    {
        var unknown = Assert.Throws<InvalidOperationException>(() => CpuProfile.FromSetting("zen6"));
        Assert.Contains("RESNETGEN_CPU_PROFILE is 'zen6'", unknown.Message);
        Assert.Contains("generic, zen3, zen4, zen5, intel-avx512", unknown.Message);
        Assert.Throws<ArgumentException>(() => CpuProfile.Named("zen6"));
        Assert.Throws<ArgumentException>(() => new CpuProfile("has space", 16, 14));
        Assert.Throws<ArgumentException>(() => new CpuProfile("zero", 0, 14));

        string path = Path.Combine(Path.GetTempPath(), $"resnetgen-profile-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, """{ "name": "half", "winogradMinimumTiles": "many" }""");
            var invalid = Assert.Throws<InvalidDataException>(() => CpuProfile.Load(path));
            Assert.Contains(path, invalid.Message);
            Assert.Contains("'winogradMinimumTiles' must be a whole number", invalid.Message);

            File.WriteAllText(path, "not json");
            var setting = Assert.Throws<InvalidOperationException>(() => CpuProfile.FromSetting(path));
            Assert.Contains("RESNETGEN_CPU_PROFILE names the profile file", setting.Message);
            Assert.Contains(path, setting.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
