using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ResNetGen.Generator;

namespace ResNetGen.Tests.Generator;

/// <summary>Runs <see cref="ResNetGenerator"/> on source text in an in-memory compilation, as the compiler would.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(ResNetAttribute).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    /// <summary>The references of a project that also installs ResNetGen.Ilgpu (and so ILGPU).</summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> AcceleratorReferences = new(() =>
        References.Value
            .Add(MetadataReference.CreateFromFile(typeof(ResNetGen.Ilgpu.AcceleratedNetwork).Assembly.Location))
            .Add(MetadataReference.CreateFromFile(typeof(ILGPU.Context).Assembly.Location)));

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation Compilation(params string[] sources) => Compilation(References.Value, sources);

    private static CSharpCompilation Compilation(ImmutableArray<MetadataReference> references, string[] sources) =>
        CSharpCompilation.Create(
            "UserAssembly",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

    public static GeneratorDriver Driver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new ResNetGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once and returns what it produced and the diagnostics of the resulting compilation.</summary>
    public static GeneratorOutcome Run(params string[] sources) => Run(Compilation(sources));

    /// <summary>As <see cref="Run(string[])"/>, in a compilation that references ResNetGen.Ilgpu, so the accelerated form is emitted too.</summary>
    public static GeneratorOutcome RunWithAccelerators(params string[] sources) => Run(Compilation(AcceleratorReferences.Value, sources));

    private static GeneratorOutcome Run(CSharpCompilation compilation)
    {
        GeneratorDriver driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null)
        {
            throw new InvalidOperationException("The generator threw.", result.Exception);
        }

        return new GeneratorOutcome(
            result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString()),
            generatorDiagnostics,
            output.GetDiagnostics());
    }
}

internal sealed record GeneratorOutcome(
    IReadOnlyDictionary<string, string> Sources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> CompilationDiagnostics);
