using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using ResNetGen.Planning;
using Xunit;

namespace ResNetGen.Tests.Pretrained;

/// <summary>
/// <see cref="TorchvisionWeights"/> holds torchvision's facts: every entry of its models/resnet.py as
/// tools/make_pretrained_goldens.py reads them from torchvision (URL, accuracy, parameters, eval transform, the architecture
/// of the model built), and the original model_urls files; each entry's architecture plans to torchvision's parameter count.
/// </summary>
public sealed class CatalogueTests
{
    private static readonly string[] OriginalModelUrls =
    [
        "https://download.pytorch.org/models/resnet18-5c106cde.pth",
        "https://download.pytorch.org/models/resnet34-333f7ec4.pth",
        "https://download.pytorch.org/models/resnet50-19c8e357.pth",
        "https://download.pytorch.org/models/resnet101-5d3b4d8f.pth",
        "https://download.pytorch.org/models/resnet152-b121ed2d.pth",
    ];

    public static TheoryData<string> Goldens() => [.. Golden().Select(g => g.GetProperty("weights").GetString()!)];

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Every_torchvision_entry_is_in_the_catalogue_with_torchvisions_facts(string name)
    {
        JsonElement golden = Golden().Single(g => g.GetProperty("weights").GetString() == name);
        PretrainedWeights entry = TorchvisionWeights.Find(name) ?? throw new Xunit.Sdk.XunitException($"{name} is not in the catalogue");

        Assert.Equal(golden.GetProperty("url").GetString(), entry.Url.ToString());
        Assert.Equal(golden.GetProperty("model").GetString(), entry.TorchvisionModel);
        Assert.Equal(golden.GetProperty("acc@1").GetDouble(), entry.Top1Accuracy);
        Assert.Equal(golden.GetProperty("acc@5").GetDouble(), entry.Top5Accuracy);
        Assert.Equal(golden.GetProperty("num_params").GetInt64(), entry.ParameterCount);
        Assert.Equal(golden.GetProperty("resize").GetInt32(), entry.Transform.ResizeSize);
        Assert.Equal(golden.GetProperty("crop").GetInt32(), entry.Transform.CropSize);
        Assert.Equal(Enum.Parse<Block>(golden.GetProperty("block").GetString()!), entry.Architecture.Block);
        Assert.Equal(golden.GetProperty("layers").EnumerateArray().Select(l => l.GetInt32()), entry.Architecture.Layers);
        Assert.Equal(golden.GetProperty("groups").GetInt32(), entry.Architecture.Groups);
        Assert.Equal(golden.GetProperty("width_per_group").GetInt32(), entry.Architecture.WidthPerGroup);
        Assert.Equal(golden.GetProperty("num_classes").GetInt32(), entry.Architecture.NumClasses);
        Assert.Equal(3, entry.Architecture.InputChannels);
        Assert.False(entry.Architecture.Headless);
    }

    [Fact]
    public void The_catalogue_holds_torchvisions_entries_and_the_original_model_urls_and_nothing_else()
    {
        Assert.Equal(
            Golden().Select(g => g.GetProperty("url").GetString()!).Concat(OriginalModelUrls).Order(StringComparer.Ordinal),
            TorchvisionWeights.All.Select(w => w.Url.ToString()).Order(StringComparer.Ordinal));
        foreach (string url in OriginalModelUrls)
        {
            PretrainedWeights original = TorchvisionWeights.All.Single(w => w.Url.ToString() == url);
            Assert.Null(original.Top1Accuracy);
            PretrainedWeights v1 = TorchvisionWeights.All.Single(w => w.Name == $"{original.TorchvisionModel switch
            {
                "resnet18" => "ResNet18",
                "resnet34" => "ResNet34",
                "resnet50" => "ResNet50",
                "resnet101" => "ResNet101",
                _ => "ResNet152",
            }}_Weights.IMAGENET1K_V1");
            Assert.Equal(v1.Architecture, original.Architecture);
            Assert.Equal(v1.ParameterCount, original.ParameterCount);
        }
    }

    [Fact]
    public void Every_property_is_listed_once_and_named_as_its_catalogue_name()
    {
        PropertyInfo[] properties = [.. typeof(TorchvisionWeights).GetProperties(BindingFlags.Public | BindingFlags.Static).Where(p => p.PropertyType == typeof(PretrainedWeights))];

        Assert.Equal(TorchvisionWeights.All.Count, properties.Length);
        Assert.Equal(TorchvisionWeights.All.Count, TorchvisionWeights.All.Distinct().Count());
        foreach (PropertyInfo property in properties)
        {
            var entry = (PretrainedWeights)property.GetValue(null)!;
            Assert.Contains(entry, TorchvisionWeights.All);
            Assert.Equal("TorchvisionWeights." + property.Name, entry.CatalogueName);
            Assert.Same(entry, TorchvisionWeights.Find(property.Name));
            Assert.Same(entry, TorchvisionWeights.Find(entry.FileName));
        }
    }

    [Fact]
    public void Each_architecture_plans_to_torchvisions_parameter_count()
    {
        foreach (PretrainedWeights entry in TorchvisionWeights.All)
        {
            ResNetArchitecture a = entry.Architecture;
            ResNetSpec spec = ResNetSpec.Create((BlockKind)a.Block, [.. a.Layers]) with { Groups = a.Groups, WidthPerGroup = a.WidthPerGroup };
            NetworkGraph plan = Planner.Plan(spec, out _)!;
            Assert.Equal(entry.ParameterCount, plan.ParameterCount);
        }
    }

    [Fact]
    public void The_sha256_prefix_is_the_hex_group_of_the_file_name_as_torch_hub_reads_it()
    {
        Assert.All(TorchvisionWeights.All, w => Assert.Equal(w.FileName.Split('-', '.')[1], w.Sha256Prefix));
        // torch.hub's HASH_REGEX, -([a-f0-9]*)\., first match: the cases Python's re gives.
        Assert.Equal("32ee1156", TorchHub.HashPrefix("wide_resnet101_2-32ee1156.pth"));
        Assert.Equal("abc", TorchHub.HashPrefix("my-model-abc.pth"));
        Assert.Equal("12", TorchHub.HashPrefix("a-12.b-34.pth"));
        Assert.Null(TorchHub.HashPrefix("model-final.pth"));
        Assert.Null(TorchHub.HashPrefix("model-.pth"));      // an empty group: torch checks digest[:0], which always matches
        Assert.Null(TorchHub.HashPrefix("model-ABCD.pth"));  // upper-case is not in [a-f0-9]
        Assert.Null(TorchHub.HashPrefix("resnet50.pth"));
    }

    [Fact]
    public void Defaults_are_torchvisions_default_weights()
    {
        Assert.Same(TorchvisionWeights.ResNet50_ImageNet1kV2, TorchvisionWeights.Default("resnet50"));
        Assert.Same(TorchvisionWeights.ResNet18_ImageNet1kV1, TorchvisionWeights.Default("resnet18"));
        Assert.Same(TorchvisionWeights.ResNeXt101_64x4d_ImageNet1kV1, TorchvisionWeights.Default("resnext101_64x4d"));
        Assert.Null(TorchvisionWeights.Default("vgg16"));
    }

    [Fact]
    public void A_mirror_keeps_the_file_name_the_hash_and_the_facts()
    {
        PretrainedWeights entry = TorchvisionWeights.WideResNet50_2_ImageNet1kV2;

        PretrainedWeights mirrored = entry.WithBaseUri(new Uri("https://mirror.example.org/torch/models"));

        Assert.Equal("https://mirror.example.org/torch/models/wide_resnet50_2-9ba9bcbe.pth", mirrored.Url.ToString());
        Assert.Equal(entry.FileName, mirrored.FileName);
        Assert.Equal("9ba9bcbe", mirrored.Sha256Prefix);
        Assert.Equal(entry.Architecture, mirrored.Architecture);
        Assert.Equal(entry.Top1Accuracy, mirrored.Top1Accuracy);
        Assert.Equal(entry.CatalogueName, mirrored.CatalogueName);
        Assert.Equal("[ResNet(Block.Bottleneck, 3, 4, 6, 3, WidthPerGroup = 128)]", mirrored.Architecture.ToString());
    }

    [Fact]
    public void Generated_networks_describe_their_architecture()
    {
        Assert.Equal("[ResNet(Block.Basic, 2, 2, 2, 2)]", Pretrained18.Architecture.ToString());
        Assert.Equal(TorchvisionWeights.ResNet18_ImageNet1kV1.Architecture, Pretrained18.Architecture);
        Assert.Equal("[ResNet(Block.Basic, 2, 2, 2, 2, Headless = true)]", Pretrained18Backbone.Architecture.ToString());
        Assert.Equal("[ResNet(Block.Bottleneck, 3, 4, 6, 3, Groups = 32, WidthPerGroup = 4)]", ResNetGen.Sample.ResNeXt50_32x4d.Architecture.ToString());
        Assert.Null(TorchvisionWeights.ResNeXt50_32x4d_ImageNet1kV2.Architecture.MisfitFor(ResNetGen.Sample.ResNeXt50_32x4d.Architecture));
        Assert.Equal(
            "Groups = 32 and WidthPerGroup = 4, not 1 and 128",
            TorchvisionWeights.ResNeXt50_32x4d_ImageNet1kV1.Architecture.MisfitFor(ResNetGen.Sample.WideResNet50_2.Architecture));
    }

    private static List<JsonElement> Golden()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Goldens", "pretrained", "torchvision_weights.json");
        return [.. JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray()];
    }
}

/// <summary>Where torch.hub's cache is, from the environment, as torch's <c>_get_torch_home()</c> decides it.</summary>
[Collection(TorchHubCollection.Name)]
public sealed class CacheFolderTests
{
    [Fact]
    public void Torch_home_then_xdg_cache_home_then_the_home_folder()
    {
        using var scope = new TorchHomeScope();
        Assert.Equal(Path.Combine(scope.Folder, "hub", "checkpoints"), TorchHub.CheckpointsDirectory);

        Environment.SetEnvironmentVariable("TORCH_HOME", null);
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/var/cache/me");
        Assert.Equal("/var/cache/me/torch/hub/checkpoints", TorchHub.CheckpointsDirectory);

        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "");
        string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "torch", "hub", "checkpoints"), TorchHub.CheckpointsDirectory);

        Environment.SetEnvironmentVariable("TORCH_HOME", "~/models/torch");
        Assert.Equal(Path.Combine(home, "models", "torch", "hub", "checkpoints"), TorchHub.CheckpointsDirectory);
        Assert.Equal(Path.Combine(home, "models", "torch", "hub", "checkpoints", "resnet50-11ad3fa6.pth"), TorchvisionWeights.ResNet50_ImageNet1kV2.CachePath);
    }

    [Fact]
    public void A_url_needs_a_file_name()
    {
        Assert.Throws<ArgumentException>(() => TorchHub.CachedPath(new Uri("https://example.org/models/")));
        Assert.Throws<ArgumentException>(() => TorchHub.CachedPath(new Uri("ftp://example.org/models/a.pth")));
        Assert.Equal("a%20b.pth", Path.GetFileName(TorchHub.CachedPath(new Uri("https://example.org/models/a%20b.pth"))));
    }
}
