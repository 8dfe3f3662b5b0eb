using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResNetGen.Generator;
using ResNetGen.Imaging;
using ResNetGen.Tests.Pretrained;
using ResNetGen.Tests.Sample;
using Xunit;

namespace ResNetGen.Tests.Readme;

/// <summary>
/// The README's C# blocks cannot rot: each is compiled on its own, as a new console project compiles it (the implicit
/// usings of <c>dotnet new console</c>, nullable on, warnings reported), with the generator, against the ResNetGen,
/// ResNetGen.Imaging, ResNetGen.Ilgpu and ResNetGen.ML assemblies (with ILGPU's and ML.NET's); the quick start is also run on a test image and must print what the library computes.
/// </summary>
[Collection(TorchHubCollection.Name)]
public sealed partial class ReadmeCodeTests : IDisposable
{
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. platform
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(ResNetAttribute).Assembly.Location)
            .Append(typeof(ImageDecoder).Assembly.Location)
            .Append(typeof(ResNetGen.Ilgpu.AcceleratedNetwork).Assembly.Location)
            .Append(typeof(ILGPU.Context).Assembly.Location)
            .Append(typeof(ResNetGen.ML.ResNetFeaturesCatalog).Assembly.Location)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.ML*.dll"))
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    });

    private readonly string _directory = Directory.CreateTempSubdirectory("resnetgen-readme-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<int> Blocks() => [.. Enumerable.Range(0, CSharpBlocks().Count)];

    [Fact]
    public void The_first_commands_come_first_and_the_quick_start_follows()
    {
        string readme = ReadReadme();
        Match firstBlock = CodeBlock().Match(readme);
        Assert.Equal("bash", firstBlock.Groups["language"].Value);
        string[] commands = firstBlock.Groups["code"].Value.Split('\n');
        Assert.StartsWith("dotnet run --project consumer-sample -c Release", commands[0]);
        Assert.StartsWith("dotnet test ResNetGen.sln -c Release", commands[1]);
        int quickStart = readme.IndexOf("\n## Quick start\n", StringComparison.Ordinal);
        Assert.True(quickStart > firstBlock.Index, "the quick start follows the first commands");
        Assert.DoesNotContain("\n## ", readme[(firstBlock.Index + firstBlock.Length)..quickStart]);
        Assert.Contains("<packageSources>", readme[quickStart..]);
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Every_csharp_block_compiles_with_the_generator(int block)
    {
        string code = CSharpBlocks()[block];
        (_, ImmutableArray<Diagnostic> diagnostics) = Compile(code);
        Assert.True(diagnostics.IsEmpty, $"README C# block {block + 1}:\n{code}\n\n{string.Join('\n', diagnostics)}");
    }

    [Fact]
    public void Train_on_your_own_images_is_a_pipeline_of_about_fifteen_lines()
    {
        string readme = ReadReadme();
        int section = readme.IndexOf("\n## Train on your own images\n", StringComparison.Ordinal);
        Assert.True(section > 0, "README has a \"Train on your own images\" section");
        string code = CSharpBlocks().Single(block => block.Contains("ExtractResNetFeatures<ResNet18>", StringComparison.Ordinal));
        Assert.True(readme.IndexOf(code, StringComparison.Ordinal) > section);
        Assert.InRange(code.Split('\n').Count(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("using ", StringComparison.Ordinal)), 12, 20);
    }

    [Fact]
    public void The_quick_start_is_about_ten_lines_and_classifies_a_jpeg_with_weights_it_downloads()
    {
        string quickStart = CSharpBlocks().Single(code => code.Contains("ImageDecoder.DecodeFile(\"cat.jpg\")", StringComparison.Ordinal));
        Assert.InRange(quickStart.Split('\n').Count(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("using ", StringComparison.Ordinal)), 8, 12);
        const string Entry = "TorchvisionWeights.ResNet50_ImageNet1kV2";
        Assert.Contains($"PretrainedWeights weights = {Entry};", quickStart);
        Assert.Contains("ResNet50.LoadPretrained(weights)", quickStart);

        // resnet50 weights served by an HTTP server in this process, into a torch.hub cache of the test's own. The file
        // cannot carry torchvision's SHA-256 prefix, so the program's entry is replaced by one for this file, named with
        // its own prefix: the download, the check and the load are the quick start's.
        using var home = new TorchHomeScope();
        using var server = new LocalHttpServer();
        IReadOnlyList<StateDictEntry> manifest = ResNetGen.Sample.ResNet50.Parameters;
        StateDict weights = StateDict.CreateRandom(manifest, seed: 4);
        byte[] file = File.ReadAllBytes(SafetensorsFile.Write(Path.Combine(_directory, "resnet50"), weights, manifest));
        string name = $"resnet50-{ServedWeights.Prefix(file)}.pth";
        Uri url = server.Serve(name, file);
        string imagePath = SampleGoldens.Get("landscape.jpg").Path;
        string program = quickStart
            .Replace($"{Entry};", $"new PretrainedWeights(\"resnet50 served here\", new Uri({Literal(url.ToString())}), ResNet50.Architecture);", StringComparison.Ordinal)
            .Replace("\"cat.jpg\"", Literal(imagePath), StringComparison.Ordinal);

        (byte[]? assembly, ImmutableArray<Diagnostic> diagnostics) = Compile(program);
        Assert.True(diagnostics.IsEmpty, string.Join('\n', diagnostics));
        string printed = RunEntryPoint(assembly!);

        // The file was downloaded into torch.hub's cache, and the program printed what the library says about the same image with the same weights.
        Assert.Equal(1, server.Requests);
        Assert.Equal(new[] { Path.Combine(home.Checkpoints, name) }, home.CachedFiles);
        var network = ResNetGen.Sample.ResNet50.FromStateDict(weights);
        var input = new float[ResNetGen.Sample.ResNet50.InputLength];
        ImageNetTransform.Default.Apply(ImageDecoder.DecodeFile(imagePath).AsPixels(), input);
        var logits = new float[ResNetGen.Sample.ResNet50.OutputLength];
        network.Forward(input, logits);
        foreach (ClassScore top in Classification.TopK(logits, 5))
        {
            Assert.Contains($"{ImageNetClasses.Name(top.ClassIndex),-24} {top.Probability:P1}", printed);
        }
    }

    [Fact]
    public void The_quick_start_names_torchvisions_weights_and_their_transform()
    {
        PretrainedWeights weights = TorchvisionWeights.ResNet50_ImageNet1kV2;

        Assert.Equal(new Uri("https://download.pytorch.org/models/resnet50-11ad3fa6.pth"), weights.Url);
        Assert.Equal(80.858, weights.Top1Accuracy);
        Assert.Equal((232, 224), (weights.Transform.ResizeSize, weights.Transform.CropSize));
        Assert.Contains("80.858% top-1", ReadReadme());
    }

    /// <summary>Compiles one block with the generator; returns the assembly when it compiled, and every warning and error.</summary>
    private static (byte[]? Assembly, ImmutableArray<Diagnostic> Diagnostics) Compile(string code)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(code, parse, path: "Program.cs");
        bool topLevelStatements = tree.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        CSharpCompilation compilation = CSharpCompilation.Create(
            "ReadmeBlock",
            [tree, CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "GlobalUsings.g.cs")],
            References.Value,
            new CSharpCompilationOptions(
                topLevelStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new ResNetGenerator().AsSourceGenerator()], parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation generated, out ImmutableArray<Diagnostic> generatorDiagnostics);

        // Unused global usings (CS8019 is hidden) are the template's, not the README's.
        ImmutableArray<Diagnostic> diagnostics = [.. generatorDiagnostics.Concat(generated.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)];
        if (!diagnostics.IsEmpty)
        {
            return (null, diagnostics);
        }

        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = generated.Emit(stream);
        return emitted.Success ? (stream.ToArray(), []) : (null, emitted.Diagnostics);
    }

    /// <summary>Runs a compiled console program in a collectible context, with its console output captured.</summary>
    private static string RunEntryPoint(byte[] image)
    {
        var context = new AssemblyLoadContext("readme-quick-start", isCollectible: true);
        TextWriter original = Console.Out;
        var output = new StringWriter();
        try
        {
            Assembly assembly = context.LoadFromStream(new MemoryStream(image));
            Console.SetOut(output);
            MethodInfo main = assembly.EntryPoint!;
            main.Invoke(null, main.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(original);
            context.Unload();
        }

        return output.ToString();
    }

    private static string Literal(string text) => SyntaxFactory.Literal(text).ToFullString();

    private static IReadOnlyList<string> CSharpBlocks() =>
        [.. CodeBlock().Matches(ReadReadme()).Where(m => m.Groups["language"].Value == "csharp").Select(m => m.Groups["code"].Value)];

    private static string ReadReadme()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string readme = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(Path.Combine(directory.FullName, "ResNetGen.sln")))
            {
                return File.ReadAllText(readme).ReplaceLineEndings("\n");
            }
        }

        throw new InvalidOperationException("ResNetGen.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^```(?<language>[a-z]*)\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
