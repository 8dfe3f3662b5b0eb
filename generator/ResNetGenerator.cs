using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// Turns every <c>[ResNet(...)]</c> partial class into a compiled, unrolled torchvision ResNet.
    /// Pipeline: attribute → <see cref="Parser"/> (spec or diagnostics) → <see cref="Planner"/> (the graph) →
    /// <see cref="CpuSchedule"/> and <see cref="DeviceSchedule"/> → <see cref="Emitter"/> (and <see cref="AcceleratedEmitter"/>
    /// when the compilation references ResNetGen.Ilgpu).
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ResNetGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking name of the step that reads each attribute (used by the caching tests).</summary>
        public const string ParseStep = "Parse";

        /// <summary>Tracking name of the step that keeps the models of attributes whose arguments are valid.</summary>
        public const string ModelStep = "Model";

        /// <summary>Tracking name of the step that plans each model (it runs only when a model changes).</summary>
        public const string PlanStep = "Plan";

        /// <summary>Tracking name of the step that gathers each attribute's diagnostics.</summary>
        public const string DiagnosticsStep = "Diagnostics";

        /// <summary>Tracking name of the step that checks <c>LoadPretrained</c> calls against the declarations they load into.</summary>
        public const string PretrainedStep = "Pretrained";

        /// <summary>Every step this generator names, in pipeline order.</summary>
        public static IReadOnlyList<string> Steps { get; } = new[] { ParseStep, ModelStep, PlanStep, DiagnosticsStep, PretrainedStep };

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Re-runs for every annotated class whenever the compilation changes, so it only reads the attribute.
            IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    "ResNetGen.ResNetAttribute",
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
                .WithTrackingName(ParseStep);

            // Equatable models: an edit that leaves a class's attribute as it was stops here.
            IncrementalValuesProvider<ResNetModel> models = parsed
                .Select(static (result, _) => result.Model)
                .Where(static model => model is not null)
                .Select(static (model, _) => model!)
                .WithTrackingName(ModelStep);

            IncrementalValuesProvider<PlannedNetwork> planned = models
                .Select(static (model, _) => PlannedNetwork.Create(model))
                .WithTrackingName(PlanStep);

            // Diagnostics travel apart from the source, so moving an attribute re-reports them without re-emitting anything.
            IncrementalValueProvider<ImmutableArray<PlannedNetwork>> failures = planned
                .Where(static network => network.Error is not null)
                .Collect();
            IncrementalValuesProvider<DiagnosticInfo> diagnostics = parsed
                .Combine(failures)
                .SelectMany(static (pair, _) => Parser.Diagnostics(pair.Left, pair.Right))
                .WithTrackingName(DiagnosticsStep);
            context.RegisterSourceOutput(diagnostics, static (context, diagnostic) => context.ReportDiagnostic(diagnostic.ToDiagnostic()));

            // X.LoadPretrained(TorchvisionWeights.Y) with an entry for another architecture: a compile error at the entry.
            IncrementalValuesProvider<DiagnosticInfo> misfits = context.SyntaxProvider
                .CreateSyntaxProvider(static (node, _) => PretrainedCheck.IsCandidate(node), static (context, cancellationToken) => PretrainedCheck.Read(context, cancellationToken))
                .Where(static use => use is not null)
                .Select(static (use, _) => PretrainedCheck.Check(use!))
                .Where(static diagnostic => diagnostic is not null)
                .Select(static (diagnostic, _) => diagnostic!)
                .WithTrackingName(PretrainedStep);
            context.RegisterSourceOutput(misfits, static (context, diagnostic) => context.ReportDiagnostic(diagnostic.ToDiagnostic()));

            // Whether the compilation references ResNetGen.Ilgpu: a bool, so the source is re-emitted only when it changes.
            IncrementalValueProvider<bool> accelerated = context.CompilationProvider
                .Select(static (compilation, _) => compilation.GetTypeByMetadataName(AcceleratedEmitter.MarkerType) is not null);

            // A declaration with an error still gets the class's members, each throwing that error (StubEmitter), so the
            // RNG diagnostic is reported alone and not followed by a CS0117 for every member the program uses.
            context.RegisterSourceOutput(
                parsed.Combine(failures).Select(static (pair, _) => StubEmitter.Select(pair.Left, pair.Right)).Where(static stub => stub is not null).Combine(accelerated),
                static (context, pair) => context.AddSource(StubEmitter.HintName(pair.Left!.Type), StubEmitter.Emit(pair.Left!, pair.Right)));

            context.RegisterSourceOutput(
                planned.Where(static network => network.Cpu is not null && network.Model.Type is not null).Combine(accelerated),
                static (context, pair) => context.AddSource(
                    Emitter.HintName(pair.Left.Model.Type!),
                    Emitter.Emit(pair.Left.Model.Type!, pair.Left.Cpu!, pair.Right ? pair.Left.Device : null)));
        }
    }
}
