using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ResNetGen.Tests.Sample;
using ResNetGen.Tests.Weights;
using Xunit;

namespace ResNetGen.Tests.Pretrained;

/// <summary>torchvision's resnet18 declared as a user would.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2)]
public partial class Pretrained18
{
}

/// <summary>resnet18's backbone with <c>fc = nn.Identity()</c>.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2, Headless = true)]
public partial class Pretrained18Backbone
{
}

/// <summary>resnet18 with a classifier of its own: ImageNet weights do not fit it.</summary>
[ResNet(Block.Basic, 2, 2, 2, 2, NumClasses = 10)]
public partial class Pretrained18TenClasses
{
}

/// <summary>The files the tests serve: resnet18 and resnet34 weights, written once, each named with its SHA-256 prefix.</summary>
public sealed class ServedWeights : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("resnetgen-served-").FullName;

    public ServedWeights()
    {
        ResNet18Weights = StateDict.CreateRandom(Pretrained18.Parameters, seed: 18);
        ResNet18File = File.ReadAllBytes(SafetensorsFile.Write(Path.Combine(_folder, "r18"), ResNet18Weights, Pretrained18.Parameters));
        StateDict resnet34 = StateDict.CreateRandom(ResNetGen.Sample.ResNet34.Parameters, seed: 34);
        ResNet34File = File.ReadAllBytes(SafetensorsFile.Write(Path.Combine(_folder, "r34"), resnet34, ResNetGen.Sample.ResNet34.Parameters));
    }

    public StateDict ResNet18Weights { get; }

    public byte[] ResNet18File { get; }

    public byte[] ResNet34File { get; }

    /// <summary>The first eight hex digits of the file's SHA-256, as torchvision names its files.</summary>
    public static string Prefix(byte[] file) => Convert.ToHexStringLower(SHA256.HashData(file))[..8];

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>
/// Downloads through a real HTTP server on 127.0.0.1 and .NET's real HttpClient, into a TORCH_HOME of the test's own:
/// success, the cache without a server, a wrong file, a cut connection, a 404, a refused connection, weights for another
/// architecture, and a headless network taking ImageNet weights without their classifier.
/// </summary>
[Collection(TorchHubCollection.Name)]
public sealed class DownloadTests : IClassFixture<ServedWeights>
{
    private readonly ServedWeights _files;

    public DownloadTests(ServedWeights files) => _files = files;

    [Fact]
    public void Weights_download_into_torch_hubs_cache_verified_and_load_as_the_same_network()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        string name = $"resnet18-{ServedWeights.Prefix(_files.ResNet18File)}.pth";
        var weights = new PretrainedWeights("test resnet18", server.Serve(name, _files.ResNet18File), Pretrained18.Architecture);
        var progress = new RecordingProgress<DownloadProgress>();

        Pretrained18 network = Pretrained18.LoadPretrained(weights, progress);

        Assert.Equal(new[] { Path.Combine(home.Checkpoints, name) }, home.CachedFiles);
        Assert.Equal(Path.Combine(home.Checkpoints, name), weights.CachePath);
        Assert.Equal(_files.ResNet18File, File.ReadAllBytes(weights.CachePath));
        AssertSameLogits(Pretrained18.FromStateDict(_files.ResNet18Weights), network);
        Assert.Equal(new DownloadProgress(0, _files.ResNet18File.Length), progress.Reports[0]);
        Assert.Equal(new DownloadProgress(_files.ResNet18File.Length, _files.ResNet18File.Length), progress.Reports[^1]);
        Assert.True(progress.Reports.Count > 10, $"{progress.Reports.Count} reports for {_files.ResNet18File.Length:N0} bytes");
        Assert.Equal(progress.Reports.Select(r => r.BytesReceived).Order(), progress.Reports.Select(r => r.BytesReceived));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_cached_file_loads_without_the_server_and_without_progress()
    {
        using var home = new TorchHomeScope();
        string name = $"resnet18-{ServedWeights.Prefix(_files.ResNet18File)}.pth";
        PretrainedWeights weights;
        using (var server = new LocalHttpServer())
        {
            weights = new PretrainedWeights("test resnet18", server.Serve(name, _files.ResNet18File), Pretrained18.Architecture);
            await Pretrained18.LoadPretrainedAsync(weights);
        }

        // The server is gone: its port refuses connections now.
        var progress = new RecordingProgress<DownloadProgress>();
        Pretrained18 again = await Pretrained18.LoadPretrainedAsync(weights, progress);

        AssertSameLogits(Pretrained18.FromStateDict(_files.ResNet18Weights), again);
        Assert.Empty(progress.Reports);
    }

    [Fact]
    public void A_catalogue_entry_uses_the_copy_in_the_cache_that_pytorch_would_use()
    {
        using var home = new TorchHomeScope();
        PretrainedWeights entry = TorchvisionWeights.ResNet18_ImageNet1kV1;
        Directory.CreateDirectory(home.Checkpoints);
        File.WriteAllBytes(Path.Combine(home.Checkpoints, "resnet18-f37072fd.pth"), _files.ResNet18File);

        // download.pytorch.org cannot be reached from here: the file can only come from the cache.
        Pretrained18 network = Pretrained18.LoadPretrained(entry);

        AssertSameLogits(Pretrained18.FromStateDict(_files.ResNet18Weights), network);
    }

    [Fact]
    public void A_file_whose_digest_does_not_match_its_name_is_refused_and_nothing_is_kept()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        // A mirror of torchvision's file that serves something else under its name.
        PretrainedWeights mirrored = TorchvisionWeights.ResNet18_ImageNet1kV1.WithBaseUri(server.BaseUri);
        server.Serve("resnet18-f37072fd.pth", _files.ResNet18File);

        var e = Assert.Throws<WeightLoadException>(() => Pretrained18.LoadPretrained(mirrored));

        Assert.Equal(server.UrlOf("resnet18-f37072fd.pth"), mirrored.Url);
        Assert.StartsWith(mirrored.Url + ": the downloaded file's SHA-256 is " + Convert.ToHexStringLower(SHA256.HashData(_files.ResNet18File)), e.Message);
        Assert.Contains("does not start with 'f37072fd'", e.Message);
        Assert.Contains($"put it at {Path.Combine(home.Checkpoints, "resnet18-f37072fd.pth")};", e.Message);
        Assert.Equal(mirrored.Url.ToString(), e.Source);
        Assert.Empty(home.CachedFiles);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_cut_connection_is_reported_and_nothing_is_kept(bool announceLength)
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        string name = $"resnet18-{ServedWeights.Prefix(_files.ResNet18File)}.pth";
        long half = _files.ResNet18File.Length / 2;
        var weights = new PretrainedWeights("test resnet18", server.Serve(name, _files.ResNet18File, cutAfter: half, announceLength), Pretrained18.Architecture);

        var e = Assert.Throws<WeightLoadException>(() => Pretrained18.LoadPretrained(weights));

        Assert.StartsWith(weights.Url + ": ", e.Message);
        // Without a length, a connection closed early cannot be told from the end of the file: the digest catches it.
        Assert.Contains(announceLength ? "the connection was cut after" : "does not start with", e.Message);
        Assert.Contains("nothing was kept", e.Message);
        Assert.Contains($"put it at {Path.Combine(home.Checkpoints, name)};", e.Message);
        Assert.Empty(home.CachedFiles);
    }

    [Fact]
    public void A_404_names_the_url_and_where_a_copy_fetched_another_way_goes()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        PretrainedWeights mirrored = TorchvisionWeights.ResNet50_ImageNet1kV2.WithBaseUri(server.BaseUri);

        var e = Assert.Throws<WeightLoadException>(() => ResNetGen.Sample.ResNet50.LoadPretrained(mirrored));

        Assert.Equal(
            $"{server.BaseUri}resnet50-11ad3fa6.pth: cannot be downloaded: the server answered 404 Not Found. To use a copy fetched another way, " +
            $"put it at {Path.Combine(home.Checkpoints, "resnet50-11ad3fa6.pth")}; it is used from there without a download.",
            e.Message);
        Assert.Empty(home.CachedFiles);
    }

    [Fact]
    public void A_refused_connection_names_the_url_and_the_path()
    {
        using var home = new TorchHomeScope();
        Uri gone;
        using (var server = new LocalHttpServer())
        {
            gone = server.BaseUri;
        }

        PretrainedWeights mirrored = TorchvisionWeights.ResNet18_ImageNet1kV1.WithBaseUri(gone);

        var e = Assert.Throws<WeightLoadException>(() => Pretrained18.LoadPretrained(mirrored));

        Assert.StartsWith($"{gone}resnet18-f37072fd.pth: cannot be downloaded: ", e.Message);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith($"put it at {Path.Combine(home.Checkpoints, "resnet18-f37072fd.pth")}; it is used from there without a download.", e.Message);
        Assert.Empty(home.CachedFiles);
    }

    [Fact]
    public void A_file_for_another_architecture_is_refused_with_the_declaration_it_fits()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        Uri url = server.Serve($"mislabelled-{ServedWeights.Prefix(_files.ResNet34File)}.pth", _files.ResNet34File);

        var e = Assert.Throws<WeightLoadException>(() => StateDictLoader.Load(url, Pretrained18.Parameters));

        Assert.Equal("[ResNet(Block.Basic, 3, 4, 6, 3)]", e.FittingDeclaration);
        Assert.Equal("resnet34", e.FittingTorchvisionModel);
        Assert.StartsWith(Path.Combine(home.Checkpoints, url.Segments[^1]), e.Message);
        Assert.Empty(e.MissingKeys);
        Assert.Contains("layer1.2.conv1.weight", e.UnexpectedKeys);
    }

    [Fact]
    public void A_catalogue_entry_for_another_architecture_is_refused_before_any_download()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        PretrainedWeights resnet50 = TorchvisionWeights.ResNet50_ImageNet1kV2.WithBaseUri(server.BaseUri); // held in a variable: a run-time check

        var e = Assert.Throws<WeightLoadException>(() => Pretrained18.LoadPretrained(resnet50));

        Assert.Equal(
            "TorchvisionWeights.ResNet50_ImageNet1kV2 are for [ResNet(Block.Bottleneck, 3, 4, 6, 3)], but the network is declared " +
            "[ResNet(Block.Basic, 2, 2, 2, 2)]: the weights have Block.Bottleneck blocks, not Block.Basic; stage depths 3, 4, 6, 3, not 2, 2, 2, 2. " +
            "Declare the network as [ResNet(Block.Bottleneck, 3, 4, 6, 3)] or choose weights for its architecture.",
            e.Message);
        Assert.Equal("[ResNet(Block.Bottleneck, 3, 4, 6, 3)]", e.FittingDeclaration);
        Assert.Equal("resnet50", e.FittingTorchvisionModel);
        Assert.Equal(0, server.Requests);
        Assert.Empty(home.CachedFiles);
    }

    [Fact]
    public void A_network_with_classes_of_its_own_does_not_take_imagenet_weights()
    {
        PretrainedWeights entry = TorchvisionWeights.ResNet18_ImageNet1kV1;

        var e = Assert.Throws<WeightLoadException>(() => Pretrained18TenClasses.LoadPretrained(entry));

        Assert.Contains("the weights have 1000 classes, not NumClasses = 10 (declare Headless = true to load the weights without their fc)", e.Message);
    }

    [Fact]
    public void A_headless_network_takes_the_weights_without_their_classifier()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        string name = $"resnet18-{ServedWeights.Prefix(_files.ResNet18File)}.pth";
        var weights = new PretrainedWeights("test resnet18", server.Serve(name, _files.ResNet18File), Pretrained18.Architecture);

        Pretrained18Backbone backbone = Pretrained18Backbone.LoadPretrained(weights);

        Pretrained18 full = Pretrained18.FromStateDict(_files.ResNet18Weights);
        float[] input = Input(Pretrained18.InputLength);
        var expected = new float[Pretrained18.FeatureLength];
        var features = new float[Pretrained18Backbone.OutputLength];
        full.ForwardFeatures(input, expected);
        backbone.Forward(input, features);
        Assert.Equal(expected, features);
    }

    [Fact]
    public async Task Any_url_loads_through_the_state_dict_loader_the_legacy_format_included()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        byte[] legacy = WeightFixtures.Bytes("legacy.pth");
        Uri url = server.Serve("legacy.pth", legacy);

        StateDict loaded = await StateDictLoader.LoadAsync(url, WeightFixtures.Entries("mixed"));

        WeightFixtures.AssertExact(WeightFixtures.Set("mixed"), loaded);
        Assert.Equal(Path.Combine(home.Checkpoints, "legacy.pth"), loaded.Source);
    }

    [Fact]
    public async Task A_cancelled_download_leaves_nothing()
    {
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        string name = $"resnet18-{ServedWeights.Prefix(_files.ResNet18File)}.pth";
        var weights = new PretrainedWeights("test resnet18", server.Serve(name, _files.ResNet18File), Pretrained18.Architecture);
        using var cancel = new CancellationTokenSource();
        var progress = new CallbackProgress<DownloadProgress>(p =>
        {
            if (p.BytesReceived > 0)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Pretrained18.LoadPretrainedAsync(weights, progress, cancel.Token));

        Assert.Empty(home.CachedFiles);
    }

    private static float[] Input(int length)
    {
        var random = new Random(5);
        return [.. Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() - 0.5f)];
    }

    private static void AssertSameLogits(Pretrained18 expected, Pretrained18 actual)
    {
        float[] input = Input(Pretrained18.InputLength);
        var a = new float[Pretrained18.OutputLength];
        var b = new float[Pretrained18.OutputLength];
        expected.Forward(input, a);
        actual.Forward(input, b);
        Assert.Equal(a, b);
    }
}

/// <summary>Keeps every report, synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(T value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}

/// <summary>Calls a handler on each report, synchronously.</summary>
internal sealed class CallbackProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
