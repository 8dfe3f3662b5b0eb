using Microsoft.CodeAnalysis;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// Turns every <c>[ResNet(...)]</c> partial class into a compiled, unrolled torchvision ResNet.
    /// Pipeline: attribute → <see cref="Parser"/> (spec or diagnostics) → <see cref="Planner"/> → <see cref="Emitter"/>.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ResNetGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking name of the step that reads each attribute (used by the caching tests).</summary>
        public const string ParseStep = "Parse";

        /// <summary>Tracking name of the step that keeps only emittable models.</summary>
        public const string ModelStep = "Model";

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    "ResNetGen.ResNetAttribute",
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
                .WithTrackingName(ParseStep);

            context.RegisterSourceOutput(parsed.SelectMany(static (result, _) => result.Diagnostics), static (context, diagnostic) =>
                context.ReportDiagnostic(diagnostic.ToDiagnostic()));

            IncrementalValuesProvider<ResNetModel> models = parsed
                .Select(static (result, _) => result.Model)
                .Where(static model => model is not null)
                .Select(static (model, _) => model!)
                .WithTrackingName(ModelStep);

            context.RegisterSourceOutput(models, static (context, model) =>
            {
                NetworkPlan? plan = Planner.Plan(model.Spec, out _);
                if (plan is not null)
                {
                    context.AddSource(Emitter.HintName(model.Type), Emitter.Emit(model.Type, plan));
                }
            });
        }
    }
}
