using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResNetGen.Generator;

namespace ResNetGen.Benchmarks;

/// <summary>
/// What the generator costs the compiler and the IDE: <see cref="ResNetGenerator"/> run through Roslyn's
/// <see cref="GeneratorDriver"/>, as csc and the IDE run it, on resnet152 alone and on a compilation with twenty
/// annotated classes.
/// <list type="bullet">
/// <item><c>Cold</c>: a new driver on a compilation whose symbols are already bound (the generator's own cost:
/// parse the attribute, plan, emit, and the driver parsing the generated source).</item>
/// <item><c>ColdFreshCompilation</c>: the same on a clone of the compilation with no semantic state, so the run also
/// binds the attributes and loads the referenced assemblies' symbols (work a real build shares with the compiler).</item>
/// <item><c>UnrelatedEdit</c>: the driver is kept and one unrelated file changes between runs, as on a keystroke in the IDE.</item>
/// <item><c>EditOneNetwork</c>: the driver is kept and one network's depth changes, so that network alone is re-emitted.</item>
/// <item><c>AttributeBindingFloor</c>: no generator at all, only what Roslyn does for any <c>ForAttributeWithMetadataName</c>
/// generator after an edit: bind every annotated class's attributes in the new compilation. <c>UnrelatedEdit</c> minus this
/// is what the generator itself adds to a keystroke.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class GeneratorDriverBenchmarks
{
    private GeneratorSetup _setup = null!;
    private GeneratorDriver _driver = null!;
    private int _edits;

    [Params("resnet152", "20 classes")]
    public string Input { get; set; } = "resnet152";

    [GlobalSetup]
    public void Setup()
    {
        _setup = GeneratorSetup.Create(Input);
        _driver = _setup.NewDriver().RunGenerators(_setup.Compilation);
    }

    [Benchmark]
    public GeneratorDriver Cold() => _setup.NewDriver().RunGenerators(_setup.Compilation);

    [Benchmark]
    public GeneratorDriver ColdFreshCompilation() => _setup.NewDriver().RunGenerators(_setup.Compilation.Clone());

    [Benchmark]
    public GeneratorDriver UnrelatedEdit() => _driver = _driver.RunGenerators(_setup.UnrelatedEdit(_edits++));

    [Benchmark]
    public GeneratorDriver EditOneNetwork() => _driver = _driver.RunGenerators(_setup.NetworkEdit(_edits++));

    [Benchmark]
    public int AttributeBindingFloor() => _setup.BindAttributes(_edits++);
}

/// <summary>The compilations the driver benchmarks run on: annotated networks in one file, an unrelated file beside them.</summary>
public sealed class GeneratorSetup
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private readonly SyntaxTree[] _unrelated;
    private readonly SyntaxTree[] _networks;

    private GeneratorSetup(CSharpCompilation compilation, SyntaxTree[] networks, SyntaxTree[] unrelated)
    {
        Compilation = compilation;
        _networks = networks;
        _unrelated = unrelated;
    }

    public CSharpCompilation Compilation { get; }

    /// <summary>torchvision's resnet152.</summary>
    public static string ResNet152 => Declare(Torchvision(TorchvisionArchitecture.Find("resnet152")!));

    /// <summary>Twenty networks of the whole family: every torchvision model (ResNet depths, ResNeXt, wide), dilated ones, other inputs and heads.</summary>
    public static string TwentyClasses => Declare(
    [
        .. TorchvisionArchitecture.All.Select(Torchvision),
        ("Segmentation", "Block.Bottleneck, 3, 4, 6, 3, ReplaceStrideWithDilation = new[] { false, true, true }, NumClasses = 21, InputHeight = 512, InputWidth = 512"),
        ("Segmentation101", "Block.Bottleneck, 3, 4, 23, 3, ReplaceStrideWithDilation = new[] { false, false, true }, NumClasses = 21"),
        ("Cifar18", "Block.Basic, 2, 2, 2, 2, InputHeight = 32, InputWidth = 32, NumClasses = 10"),
        ("Cifar50", "Block.Bottleneck, 3, 4, 6, 3, InputHeight = 32, InputWidth = 32, NumClasses = 100"),
        ("Batch8", "Block.Bottleneck, 3, 4, 6, 3, BatchSize = 8"),
        ("Grayscale", "Block.Basic, 2, 2, 2, 2, InputChannels = 1, NumClasses = 2"),
        ("Wide", "Block.Basic, 2, 2, 2, 2, InputHeight = 240, InputWidth = 320"),
        ("Small", "Block.Basic, 1, 1, 1, 1, InputHeight = 64, InputWidth = 64, NumClasses = 10"),
        ("Deep", "Block.Basic, 3, 6, 24, 3"),
        ("Tiny", "Block.Bottleneck, 1, 1, 1, 1, InputHeight = 16, InputWidth = 16, NumClasses = 4"),
    ]);

    public static GeneratorSetup Create(string input)
    {
        string networks = input switch
        {
            "resnet152" => ResNet152,
            "20 classes" => TwentyClasses,
            _ => throw new ArgumentException("Unknown input: " + input, nameof(input)),
        };

        // Each edited file in the version the compilation starts with, then two more that edits alternate between, so that
        // every edit makes a new compilation (with no semantic state yet, as after a keystroke) that differs from the last.
        SyntaxTree[] networkTrees =
        {
            CSharpSyntaxTree.ParseText(networks, ParseOptions, "Networks.cs"),
            CSharpSyntaxTree.ParseText(networks.Replace("3, 8, 36, 3", "3, 8, 35, 3"), ParseOptions, "Networks.cs"),
            CSharpSyntaxTree.ParseText(networks, ParseOptions, "Networks.cs"),
        };
        SyntaxTree[] unrelatedTrees =
        {
            CSharpSyntaxTree.ParseText(Unrelated("x"), ParseOptions, "Program.cs"),
            CSharpSyntaxTree.ParseText(Unrelated("y"), ParseOptions, "Program.cs"),
            CSharpSyntaxTree.ParseText(Unrelated("z"), ParseOptions, "Program.cs"),
        };

        CSharpCompilation compilation = CSharpCompilation.Create(
            "UserAssembly",
            new[] { networkTrees[0], unrelatedTrees[0] },
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return new GeneratorSetup(compilation, networkTrees, unrelatedTrees);
    }

    public GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(new[] { new ResNetGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);

    /// <summary>A new compilation in which the unrelated file has changed (a field renamed) since the previous edit.</summary>
    public Compilation UnrelatedEdit(int edit) => Compilation.ReplaceSyntaxTree(_unrelated[0], _unrelated[1 + (edit % 2)]);

    /// <summary>A new compilation in which resnet152's third stage has one block less, or again as many, than at the previous edit.</summary>
    public Compilation NetworkEdit(int edit) => Compilation.ReplaceSyntaxTree(_networks[0], _networks[1 + (edit % 2)]);

    /// <summary>Binds the attributes of every annotated class in a new compilation (after an unrelated edit), as the driver must.</summary>
    public int BindAttributes(int edit)
    {
        Compilation compilation = UnrelatedEdit(edit);
        SemanticModel model = compilation.GetSemanticModel(_networks[0]);
        int count = 0;
        foreach (TypeDeclarationSyntax declaration in _networks[0].GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
        {
            count += model.GetDeclaredSymbol(declaration)!.GetAttributes().Length;
        }

        return count;
    }

    /// <summary>Runs the generator once on the compilation and returns the generated sources' total length, failing loudly on errors.</summary>
    public int Check()
    {
        GeneratorRunResult result = NewDriver().RunGenerators(Compilation).GetRunResult().Results.Single();
        if (result.Exception is not null || !result.Diagnostics.IsEmpty)
        {
            throw new InvalidOperationException("The generator failed: " + (result.Exception?.ToString() ?? string.Join("; ", result.Diagnostics)));
        }

        return result.GeneratedSources.Sum(source => source.SourceText.Length);
    }

    /// <summary>A torchvision model from the one table of them, as a class named after it.</summary>
    private static (string Name, string Arguments) Torchvision(TorchvisionArchitecture model) =>
        (model.Name, model.Declaration["[ResNet(".Length..^")]".Length]);

    private static string Declare(params (string Name, string Arguments)[] networks) =>
        "using ResNetGen;\n\nnamespace Models;\n\n" + string.Concat(networks.Select(n => $"[ResNet({n.Arguments})]\npublic partial class {n.Name} {{ }}\n\n"));

    private static string Unrelated(string field) => $$"""
        using System;

        namespace App;

        public static class Program
        {
            private static int {{field}};

            public static void Main() => Console.WriteLine({{field}});
        }
        """;

    private static ImmutableArray<MetadataReference> References()
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(ResNetAttribute).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
