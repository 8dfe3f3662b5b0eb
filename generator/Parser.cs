using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>
    /// Reads one <c>[ResNet]</c> attribute into a <see cref="ResNetModel"/>, or into diagnostics that say what to change.
    /// Every check torchvision would make at construction time is made here, at compile time.
    /// </summary>
    internal static class Parser
    {
        /// <summary>
        /// The most blocks a stage may have. Every block is unrolled into the generated source (resnet152's 50 blocks are
        /// about 240 KB of it), so a mistyped depth would otherwise make the compiler plan and emit without end.
        /// </summary>
        public const int MaxStageDepth = 1000;

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
            return new ParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), location);
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
                    ResNetSpec spec = failure.Model.Spec;
                    yield return error.Kind switch
                    {
                        PlanErrorKind.EmptyFeatureMap => Info(DiagnosticDescriptors.InputTooSmall, parsed.Location, spec.InputHeight, spec.InputWidth, error.Module, error.Detail),
                        PlanErrorKind.TooLarge => Info(DiagnosticDescriptors.NetworkTooLarge, parsed.Location, error.Detail, error.Remedy),
                        _ => Info(DiagnosticDescriptors.BasicBlockDilation, parsed.Location, error.Module, error.Detail),
                    };
                    yield break;
                }
            }
        }

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
            ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
            if (arguments.Length != 2 || HasErrors(arguments[0]) || HasErrors(arguments[1]) || arguments[0].Value is not int block)
            {
                // The compiler reports malformed attribute arguments itself.
                return null;
            }

            int[] layers = arguments[1].IsNull ? new int[0] : ReadArray<int>(arguments[1]);
            var values = new Dictionary<string, int>
            {
                ["NumClasses"] = 1000,
                ["InputChannels"] = 3,
                ["InputHeight"] = 224,
                ["InputWidth"] = 224,
                ["BatchSize"] = 1,
                ["Groups"] = 1,
                ["WidthPerGroup"] = 64,
            };
            bool[] dilation = new bool[3];
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (HasErrors(named.Value))
                {
                    return null;
                }

                if (named.Key == "ReplaceStrideWithDilation")
                {
                    dilation = named.Value.IsNull ? new bool[3] : ReadArray<bool>(named.Value);
                }
                else if (values.ContainsKey(named.Key) && named.Value.Value is int value)
                {
                    values[named.Key] = value;
                }
            }

            bool valid = true;
            if (layers.Length != 4)
            {
                report(DiagnosticDescriptors.WrongStageCount, new object[] { layers.Length, layers.Length == 1 ? "was" : "were" });
                valid = false;
            }

            for (int i = 0; i < layers.Length; i++)
            {
                if (layers[i] < 1)
                {
                    report(DiagnosticDescriptors.StageDepthTooSmall, new object[] { i + 1, layers[i] });
                    valid = false;
                }
                else if (layers[i] > MaxStageDepth)
                {
                    report(DiagnosticDescriptors.StageDepthTooLarge, new object[] { i + 1, layers[i], MaxStageDepth });
                    valid = false;
                }
            }

            foreach (KeyValuePair<string, int> option in values)
            {
                if (option.Value < 1)
                {
                    report(DiagnosticDescriptors.OptionTooSmall, new object[] { option.Key, option.Value });
                    valid = false;
                }
            }

            if (values["BatchSize"] >= 1 && values["InputChannels"] >= 1 && values["InputHeight"] >= 1 && values["InputWidth"] >= 1)
            {
                // Checked before planning: the planner's shape arithmetic is in int, and an input this large cannot be a span anyway.
                BigInteger inputLength = new BigInteger(values["BatchSize"]) * values["InputChannels"] * values["InputHeight"] * values["InputWidth"];
                if (inputLength > int.MaxValue)
                {
                    report(DiagnosticDescriptors.NetworkTooLarge, new object[] { "the input needs " + inputLength.ToString("N0", CultureInfo.InvariantCulture) + " floats", PlanError.ReduceInput });
                    valid = false;
                }
            }

            if (dilation.Length != 3)
            {
                report(DiagnosticDescriptors.WrongDilationLength, new object[] { dilation.Length });
                valid = false;
            }

            var kind = (BlockKind)block;
            if (kind != BlockKind.Basic && kind != BlockKind.Bottleneck)
            {
                report(DiagnosticDescriptors.UnknownBlock, new object[] { block });
                valid = false;
            }
            else if (kind == BlockKind.Basic && (values["Groups"] != 1 || values["WidthPerGroup"] != 64))
            {
                report(DiagnosticDescriptors.BasicBlockGroups, new object[] { values["Groups"], values["WidthPerGroup"] });
                valid = false;
            }

            if (!valid)
            {
                return null;
            }

            return new ResNetSpec(
                kind,
                new EquatableArray<int>(layers),
                values["NumClasses"],
                values["InputChannels"],
                values["InputHeight"],
                values["InputWidth"],
                values["BatchSize"],
                values["Groups"],
                values["WidthPerGroup"],
                new EquatableArray<bool>(dilation));
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
