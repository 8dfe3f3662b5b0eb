using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// Reads one <c>[ResNet]</c> attribute into a <see cref="ResNetModel"/>, or into diagnostics that say what to change.
    /// What makes a network valid is decided by <see cref="SpecValidator"/>, shared with the runtime; this class reads the
    /// declaration and the arguments, and reports the validator's findings at the attribute.
    /// </summary>
    internal static class Parser
    {
        /// <summary>
        /// Reads the attribute without planning the network: this runs again for every annotated class whenever the
        /// compilation changes (on every keystroke in an IDE), so it only reads the declaration and the arguments.
        /// The planner runs in a later step, cached on the <see cref="ResNetModel"/> this returns.
        /// </summary>
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0 || IsRepeated(type, context.Attributes[0]))
            {
                // A repeated [ResNet] on partial declarations is the compiler's CS0579; generating once per declaration would clash.
                return ParseResult.Nothing;
            }

            AttributeData attribute = context.Attributes[0];
            LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation())
                ?? LocationInfo.From(type.Locations.IsEmpty ? null : type.Locations[0]);

            var diagnostics = new List<DiagnosticInfo>();
            void Report(DiagnosticDescriptor descriptor, params object[] arguments) => diagnostics.Add(Info(descriptor, location, arguments));

            TargetType? target = ReadTarget(context, type, Report);
            ResNetSpec? spec = ReadSpec(attribute, Report);
            ResNetModel? model = spec is null ? null : new ResNetModel(target, spec);
            return new ParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), location, target ?? StubEmitter.DeclaredType(type));
        }

        /// <summary>
        /// Every diagnostic for one attribute: those found while reading it, and the planner's, if it could not plan the
        /// network (an empty feature map, a buffer larger than a span, a dilated basic block), reported at the attribute.
        /// </summary>
        public static IEnumerable<DiagnosticInfo> Diagnostics(ParseResult parsed, ImmutableArray<PlannedNetwork> failures)
        {
            foreach (DiagnosticInfo diagnostic in parsed.Diagnostics)
            {
                yield return diagnostic;
            }

            if (parsed.Model is null)
            {
                yield break;
            }

            foreach (PlannedNetwork failure in failures)
            {
                if (failure.Error is { } error && failure.Model.Equals(parsed.Model))
                {
                    yield return Info(SpecValidator.Explain(error, failure.Model.Spec), parsed.Location);
                    yield break;
                }
            }
        }

        private static DiagnosticInfo Info(SpecFinding finding, LocationInfo? location) =>
            new(DiagnosticDescriptors.For(finding.Rule), location, finding.Arguments);

        private static DiagnosticInfo Info(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
        {
            var texts = new string[arguments.Length];
            for (int i = 0; i < arguments.Length; i++)
            {
                texts[i] = System.Convert.ToString(arguments[i], CultureInfo.InvariantCulture) ?? string.Empty;
            }

            return new DiagnosticInfo(descriptor, location, new EquatableArray<string>(texts));
        }

        private static bool IsRepeated(INamedTypeSymbol type, AttributeData attribute)
        {
            int count = 0;
            foreach (AttributeData other in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(other.AttributeClass, attribute.AttributeClass))
                {
                    count++;
                }
            }

            return count > 1;
        }

        private static TargetType? ReadTarget(GeneratorAttributeSyntaxContext context, INamedTypeSymbol type, System.Action<DiagnosticDescriptor, object[]> report)
        {
            if (type.IsRecord || type.TypeKind != TypeKind.Class || type.IsStatic)
            {
                string what = type.IsRecord ? "a record" : type.IsStatic ? "a static class" : "a " + type.TypeKind.ToString().ToLowerInvariant();
                report(DiagnosticDescriptors.NotAClass, new object[] { type.Name, what });
                return null;
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsGenericType)
                {
                    report(DiagnosticDescriptors.GenericType, new object[] { type.Name });
                    return null;
                }
            }

            foreach (IMethodSymbol constructor in type.InstanceConstructors)
            {
                if (!constructor.IsImplicitlyDeclared)
                {
                    // The generated private constructor is the only one that prepares the weights; any other leaves them null.
                    report(DiagnosticDescriptors.UserConstructor, new object[] { type.Name });
                    return null;
                }
            }

            var containing = new List<ContainingType>();
            bool partial = true;
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (!IsPartial(current))
                {
                    report(DiagnosticDescriptors.TypeNotPartial, new object[] { current.Name });
                    partial = false;
                }

                if (!SymbolEqualityComparer.Default.Equals(current, type))
                {
                    containing.Insert(0, new ContainingType(Keyword(current), current.Name));
                }
            }

            if (!partial)
            {
                return null;
            }

            string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            return new TargetType(ns, new EquatableArray<ContainingType>(containing.ToArray()), type.Name);
        }

        private static bool IsPartial(INamedTypeSymbol type)
        {
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return true;
                }
            }

            return false;
        }

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        private static ResNetSpec? ReadSpec(AttributeData attribute, System.Action<DiagnosticDescriptor, object[]> report)
        {
            ResNetSpec? spec = ReadArguments(attribute);
            if (spec is null)
            {
                return null;
            }

            IReadOnlyList<SpecFinding> findings = SpecValidator.Validate(spec);
            foreach (SpecFinding finding in findings)
            {
                report(DiagnosticDescriptors.For(finding.Rule), finding.Arguments.Cast<object>().ToArray());
            }

            return findings.Count == 0 ? spec : null;
        }

        /// <summary>The attribute's spec when its arguments are valid, otherwise null (their diagnostics are reported at the attribute).</summary>
        public static ResNetSpec? ReadValidSpec(AttributeData attribute) =>
            ReadArguments(attribute) is ResNetSpec spec && SpecValidator.Validate(spec).Count == 0 ? spec : null;

        /// <summary>
        /// The attribute's arguments as a spec, not yet validated, with torchvision's defaults for the options it leaves out;
        /// null when an argument does not compile (the compiler reports that itself).
        /// </summary>
        private static ResNetSpec? ReadArguments(AttributeData attribute)
        {
            ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
            if (arguments.Length != 2 || HasErrors(arguments[0]) || HasErrors(arguments[1]) || arguments[0].Value is not int block)
            {
                return null;
            }

            ResNetSpec spec = ResNetSpec.Create((BlockKind)block, arguments[1].IsNull ? new int[0] : ReadArray<int>(arguments[1]));
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (HasErrors(named.Value))
                {
                    return null;
                }

                TypedConstant value = named.Value;
                spec = named.Key switch
                {
                    nameof(ResNetSpec.ReplaceStrideWithDilation) => spec with { ReplaceStrideWithDilation = new EquatableArray<bool>(value.IsNull ? new bool[3] : ReadArray<bool>(value)) },
                    nameof(ResNetSpec.NumClasses) when value.Value is int n => spec with { NumClasses = n },
                    nameof(ResNetSpec.InputChannels) when value.Value is int n => spec with { InputChannels = n },
                    nameof(ResNetSpec.InputHeight) when value.Value is int n => spec with { InputHeight = n },
                    nameof(ResNetSpec.InputWidth) when value.Value is int n => spec with { InputWidth = n },
                    nameof(ResNetSpec.BatchSize) when value.Value is int n => spec with { BatchSize = n },
                    nameof(ResNetSpec.Groups) when value.Value is int n => spec with { Groups = n },
                    nameof(ResNetSpec.WidthPerGroup) when value.Value is int n => spec with { WidthPerGroup = n },
                    nameof(ResNetSpec.Headless) when value.Value is bool headless => spec with { Headless = headless },
                    nameof(ResNetSpec.ZeroInitResidual) when value.Value is bool zeroInit => spec with { ZeroInitResidual = zeroInit },
                    _ => spec,
                };
            }

            return spec;
        }

        private static bool HasErrors(TypedConstant constant)
        {
            if (constant.Kind == TypedConstantKind.Error)
            {
                return true;
            }

            if (constant.Kind == TypedConstantKind.Array && !constant.IsNull)
            {
                foreach (TypedConstant element in constant.Values)
                {
                    if (HasErrors(element))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static T[] ReadArray<T>(TypedConstant constant)
        {
            if (constant.Kind != TypedConstantKind.Array)
            {
                return constant.Value is T single ? new[] { single } : new T[0];
            }

            var result = new List<T>();
            foreach (TypedConstant element in constant.Values)
            {
                if (element.Value is T value)
                {
                    result.Add(value);
                }
            }

            return result.ToArray();
        }
    }
}
