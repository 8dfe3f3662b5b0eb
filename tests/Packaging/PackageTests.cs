using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace ResNetGen.Tests.Packaging;

/// <summary>
/// The real install path: <c>dotnet pack</c> makes the ResNetGen package from the binaries this test run was built
/// with, and a fresh project outside the repository, with nothing but a <c>PackageReference</c> to it and a NuGet.config
/// naming only that folder, builds (warnings as errors) and runs a generated network. Offline: nothing else is restored.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class PackageTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private const string Version = "0.1.0";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "resnetgen-package-" + Guid.NewGuid().ToString("N"));

    public PackageTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not a test failure.
        }
    }

    [Fact]
    public void Package_installs_builds_and_runs_in_a_fresh_project()
    {
        string feed = Path.Combine(_root, "feed");
        (string package, string imaging) = Pack(feed);
        AssertPackageContents(package);
        AssertImagingPackageContents(imaging);

        string consumer = Path.Combine(_root, "consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "consumer.csproj"), ConsumerProject);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ConsumerProgram.Replace("IMAGE_PATH", ImagePath, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(consumer, "NuGet.config"), NuGetConfig(feed, Path.Combine(_root, "packages")));

        Run(consumer, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        string output = Run(consumer, Path.Combine(consumer, "bin", "Release", "net10.0", "consumer.dll"));

        // The packaged generator and runtime compute what the in-repository ones compute for the same network.
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(PackagedTiny.ParameterCount.ToString(CultureInfo.InvariantCulture), lines[0]);
        float[] logits = lines[1].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        float[] expected = ExpectedLogits();
        Assert.Equal(expected.Length, logits.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - logits[i]) <= 1e-5f, $"logit {i}: {logits[i]} from the package, {expected[i]} here");
        }

        // The two packages together: a JPEG decoded, preprocessed and classified as here.
        Assert.Equal(ExpectedTopClasses(), lines[2]);
    }

    [Fact]
    public void Both_packages_install_and_run_the_network_on_ILGPUs_cpu_accelerator()
    {
        string feed = Path.Combine(_root, "feed");
        Pack(feed);
        string root = RepositoryRoot();
        Run(root, "pack", Path.Combine(root, "ilgpu", "ResNetGen.Ilgpu.csproj"), "-c", Configuration, "--no-build", "-o", feed, "-nodeReuse:false");

        // ILGPU itself comes from the packages this repository restored (the fresh project restores from the feed alone).
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.Copy(Path.Combine(packages, "ilgpu", "1.5.3", "ilgpu.1.5.3.nupkg"), Path.Combine(feed, "ilgpu.1.5.3.nupkg"));

        string consumer = Path.Combine(_root, "accelerated-consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "consumer.csproj"), ConsumerProject.Replace(
            "<PackageReference Include=\"ResNetGen\" Version=\"0.1.0\" />",
            "<PackageReference Include=\"ResNetGen\" Version=\"0.1.0\" />\n    <PackageReference Include=\"ResNetGen.Ilgpu\" Version=\"0.1.0\" />",
            StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), AcceleratedConsumerProgram);
        File.WriteAllText(Path.Combine(consumer, "NuGet.config"), NuGetConfig(feed, Path.Combine(_root, "packages")));

        Run(consumer, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        string output = Run(consumer, Path.Combine(consumer, "bin", "Release", "net10.0", "consumer.dll"));

        // The generated accelerated form, from the packages, gives the CPU network's logits (other kernels: within 1e-4).
        float[] logits = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]
            .Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        float[] expected = ExpectedLogits();
        Assert.Equal(expected.Length, logits.Length);
        double error = OutputComparison.RelativeError(logits, expected);
        Assert.True(error <= OutputComparison.ParityTolerance, $"‖device − CPU‖ / ‖CPU‖ = {error:E2}");
    }

    private static string ImagePath => Path.Combine(AppContext.BaseDirectory, "Goldens", "sample", "images", "landscape.jpg");

    /// <summary>Packs ResNetGen (runtime/) and ResNetGen.Imaging (imaging/) without rebuilding them, into <paramref name="feed"/>.</summary>
    private static (string Package, string Imaging) Pack(string feed)
    {
        foreach (string project in new[] { Path.Combine("runtime", "ResNetGen.Runtime.csproj"), Path.Combine("imaging", "ResNetGen.Imaging.csproj") })
        {
            Run(RepositoryRoot(), "pack", Path.Combine(RepositoryRoot(), project), "-c", Configuration, "--no-build", "-o", feed, "-nodeReuse:false");
        }

        string[] packages = [.. Directory.GetFiles(feed, "*.nupkg").Order(StringComparer.Ordinal)];
        Assert.Equal(2, packages.Length);
        return (packages[0], packages[1]);
    }

    private static void AssertImagingPackageContents(string package)
    {
        Assert.Equal("ResNetGen.Imaging." + Version + ".nupkg", Path.GetFileName(package));
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] files = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/ResNetGen.Imaging.dll", files);
        Assert.Contains("lib/net10.0/ResNetGen.Imaging.xml", files);
        Assert.DoesNotContain(files, f => f.Contains("ResNetGen.Runtime", StringComparison.Ordinal) || f.StartsWith("analyzers/", StringComparison.Ordinal));

        // Its one dependency is the ResNetGen package (ImagePixels, ImageNetTransform), at the same version.
        using Stream nuspecStream = zip.Entries.Single(e => e.FullName == "ResNetGen.Imaging.nuspec").Open();
        XElement dependency = Assert.Single(XDocument.Load(nuspecStream).Descendants(), e => e.Name.LocalName == "dependency");
        Assert.Equal("ResNetGen", dependency.Attribute("id")?.Value);
        Assert.Equal(Version, dependency.Attribute("version")?.Value);
    }

    private static void AssertPackageContents(string package)
    {
        Assert.Equal("ResNetGen." + Version + ".nupkg", Path.GetFileName(package));
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] files = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/ResNetGen.Runtime.dll", files);
        Assert.Contains("lib/net10.0/ResNetGen.Runtime.xml", files);
        Assert.Contains("analyzers/dotnet/cs/ResNetGen.Generator.dll", files);
        Assert.Contains("README.md", files);
        Assert.Contains("buildTransitive/ResNetGen.targets", files);
        Assert.DoesNotContain(files, f => f.StartsWith("lib/", StringComparison.Ordinal) && f.Contains("Generator", StringComparison.Ordinal));

        using Stream nuspecStream = zip.Entries.Single(e => e.FullName == "ResNetGen.nuspec").Open();
        XElement metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("ResNetGen", Value("id"));
        Assert.Equal(Version, Value("version"));
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Equal("README.md", Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));

        // Nothing to install but the package itself: the generator is not a dependency, and the runtime needs none.
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
    }

    /// <summary>The network the consumer declares, declared here too so that the two results can be compared.</summary>
    private static float[] ExpectedLogits()
    {
        PackagedTiny net = PackagedTiny.CreateRandom(seed: 1);
        float[] input = new float[PackagedTiny.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = ((i % 17) / 17f) - 0.5f;
        }

        float[] logits = new float[PackagedTiny.OutputLength];
        net.Forward(input, logits);
        return logits;
    }

    /// <summary>The consumer's second line: the top three classes of the JPEG, by the in-repository code.</summary>
    private static string ExpectedTopClasses()
    {
        PackagedTiny net = PackagedTiny.CreateRandom(seed: 1);
        float[] input = new float[PackagedTiny.InputLength];
        new ImageNetTransform(resizeSize: 36, cropSize: 32).Apply(ResNetGen.Imaging.ImageDecoder.DecodeFile(ImagePath).AsPixels(), input);
        float[] logits = new float[PackagedTiny.OutputLength];
        net.Forward(input, logits);
        return string.Join(" ", Classification.TopK(logits, 3).Select(c => c.ClassIndex.ToString(CultureInfo.InvariantCulture)));
    }

    private const string ConsumerProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="ResNetGen" Version="0.1.0" />
            <PackageReference Include="ResNetGen.Imaging" Version="0.1.0" />
          </ItemGroup>
        </Project>
        """;

    private const string ConsumerProgram = """
        using System.Globalization;
        using ResNetGen;

        var net = Tiny.CreateRandom(seed: 1);
        var input = new float[Tiny.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = ((i % 17) / 17f) - 0.5f;
        }

        var logits = new float[Tiny.OutputLength];
        net.Forward(input, logits);
        Console.WriteLine(Tiny.ParameterCount.ToString(CultureInfo.InvariantCulture));
        Console.WriteLine(string.Join(" ", logits.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

        var image = new float[Tiny.InputLength];
        new ImageNetTransform(resizeSize: 36, cropSize: 32).Apply(ResNetGen.Imaging.ImageDecoder.DecodeFile("IMAGE_PATH").AsPixels(), image);
        net.Forward(image, logits);
        Console.WriteLine(string.Join(" ", Classification.TopK(logits, 3).Select(c => c.ClassIndex)));

        [ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, NumClasses = 10)]
        public partial class Tiny { }
        """;

    private const string AcceleratedConsumerProgram = """
        using System.Globalization;
        using ILGPU;
        using ILGPU.Runtime;
        using ILGPU.Runtime.CPU;
        using ResNetGen;

        var input = new float[Tiny.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = ((i % 17) / 17f) - 0.5f;
        }

        using Context context = Context.Create(builder => builder.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 4, numMultiprocessors: 2)));
        using Accelerator accelerator = context.CreateCPUAccelerator(0);
        using Tiny.Accelerated net = Tiny.OnAccelerator(accelerator, StateDict.CreateRandom(Tiny.Parameters, seed: 1));
        var logits = new float[Tiny.OutputLength];
        net.Forward(input, logits);
        Console.WriteLine(string.Join(" ", logits.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

        [ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, NumClasses = 10)]
        public partial class Tiny { }
        """;

    /// <summary>Only the local feed, and a packages folder of its own so that no earlier install of the same version is reused.</summary>
    private static string NuGetConfig(string feed, string packages) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <config>
            <add key="globalPackagesFolder" value="{packages}" />
          </config>
          <packageSources>
            <clear />
            <add key="local" value="{feed}" />
          </packageSources>
        </configuration>
        """;

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ResNetGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ResNetGen.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs the dotnet host, failing the test with its output if it does not exit with 0 within five minutes.</summary>
    private static string Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs inside 'dotnet test': do not let its MSBuild settings leak into a separate build.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        using Process process = Process.Start(start)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish in five minutes:\n{string.Join('\n', output)}");
        }

        process.WaitForExit();
        string text;
        lock (output)
        {
            text = string.Join('\n', output);
        }

        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        return text;
    }
}

/// <summary>The consumer's network, generated here by the in-repository generator.</summary>
[ResNet(Block.Basic, 1, 1, 1, 1, InputHeight = 32, InputWidth = 32, NumClasses = 10)]
internal partial class PackagedTiny { }
