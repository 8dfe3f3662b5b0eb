using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// A call <c>X.LoadPretrained(TorchvisionWeights.Y)</c> (or <c>LoadPretrainedAsync</c>) on a <c>[ResNet]</c> class named
    /// directly, with a catalogue entry named directly: everything needed to tell at compile time whether the entry fits.
    /// Equatable, so an edit elsewhere re-checks nothing.
    /// </summary>
    internal sealed record PretrainedUse(string Network, ResNetSpec Spec, string Entry, LocationInfo? Location, LocationInfo? Attribute);

    /// <summary>
    /// Finds <c>LoadPretrained</c> calls whose weights cannot fit the declaration (<see cref="DiagnosticDescriptors.PretrainedMisfit"/>).
    /// Only what the compiler can see is checked: an entry held in a variable, weights of your own, or a call through a
    /// type parameter (<c>TNet.LoadPretrained(...)</c>) are checked when the call runs, with the same message.
    /// </summary>
    internal static class PretrainedCheck
    {
        private const string CatalogueType = "ResNetGen.TorchvisionWeights";
        private const string AttributeType = "ResNetGen.ResNetAttribute";

        /// <summary>Syntax only (runs on every node): an invocation of a member called LoadPretrained or LoadPretrainedAsync with arguments.</summary>
        public static bool IsCandidate(SyntaxNode node) =>
            node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation
            && access.Name.Identifier.ValueText is "LoadPretrained" or "LoadPretrainedAsync"
            && invocation.ArgumentList.Arguments.Count > 0;

        /// <summary>The call's network and entry, or null when either is not named directly (or the declaration is invalid).</summary>
        public static PretrainedUse? Read(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var invocation = (InvocationExpressionSyntax)context.Node;
            var access = (MemberAccessExpressionSyntax)invocation.Expression;
            if (context.SemanticModel.GetSymbolInfo(access.Expression, cancellationToken).Symbol is not INamedTypeSymbol type)
            {
                return null;
            }

            AttributeData? attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeType);
            ArgumentSyntax? argument = invocation.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "weights")
                ?? invocation.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon is null);
            if (attribute is null || argument is null
                || context.SemanticModel.GetSymbolInfo(argument.Expression, cancellationToken).Symbol is not IPropertySymbol { IsStatic: true } property
                || property.ContainingType?.ToDisplayString() != CatalogueType
                || Parser.ReadValidSpec(attribute) is not ResNetSpec spec)
            {
                return null;
            }

            return new PretrainedUse(
                type.Name,
                spec,
                property.Name,
                LocationInfo.From(argument.Expression.GetLocation()),
                LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()));
        }

        /// <summary>The error for a call whose entry does not fit, or null.</summary>
        public static DiagnosticInfo? Check(PretrainedUse use)
        {
            if (PretrainedCatalogue.Find(use.Entry) is not CatalogueEntry entry
                || PretrainedCatalogue.Misfit(entry.Block, entry.Layers, entry.Groups, entry.WidthPerGroup, entry.NumClasses, entry.InputChannels, use.Spec) is not string misfit)
            {
                return null;
            }

            string message = PretrainedCatalogue.MisfitMessage(
                $"TorchvisionWeights.{entry.Member} ({entry.Weights})", entry.Declaration, $"'{use.Network}'", PretrainedCatalogue.Declaration(use.Spec), misfit);
            return new DiagnosticInfo(DiagnosticDescriptors.PretrainedMisfit, use.Location, new EquatableArray<string>(new[] { message }), use.Attribute);
        }
    }
}
