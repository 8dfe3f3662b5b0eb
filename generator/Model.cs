using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ResNetGen.Planning;

namespace ResNetGen.Generator
{
    /// <summary>A type that encloses the annotated class, as it must be re-declared in the generated file.</summary>
    internal sealed record ContainingType(string Keyword, string Name);

    /// <summary>Where the generated members go: namespace, enclosing types (outermost first) and the class name.</summary>
    internal sealed record TargetType(string? Namespace, EquatableArray<ContainingType> ContainingTypes, string Name)
    {
        public string FullName =>
            (Namespace is null ? string.Empty : Namespace + ".") + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name + ".")) + Name;
    }

    /// <summary>
    /// One annotated class and the network it declares: what the planner needs (<see cref="Spec"/>) and where the code goes
    /// (<see cref="Type"/>, null when the declaration itself is invalid, so the network is still checked but never emitted).
    /// Equatable, so unchanged classes are neither re-planned nor re-emitted.
    /// </summary>
    internal sealed record ResNetModel(TargetType? Type, ResNetSpec Spec);

    /// <summary>
    /// The planner's answer for one model: the graph with its CPU schedule to emit (and the device schedule for the ILGPU form;
    /// null when the device arena would not fit in a view, and then no ILGPU form is emitted), or the reason there is none.
    /// </summary>
    internal sealed record PlannedNetwork(ResNetModel Model, CpuSchedule? Cpu, DeviceSchedule? Device, PlanError? Error)
    {
        public static PlannedNetwork Create(ResNetModel model)
        {
            NetworkGraph? graph = Planner.Plan(model.Spec, out PlanError? error);
            if (graph is null)
            {
                return new PlannedNetwork(model, null, null, error);
            }

            CpuSchedule? cpu = CpuSchedule.Create(graph, CpuProfiles.Generic, out error);
            DeviceSchedule? device = DeviceSchedule.Create(graph, out _);
            return new PlannedNetwork(model, cpu, device, error);
        }
    }

    /// <summary>A <see cref="Location"/> reduced to equatable values, so it can travel through the incremental pipeline.</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

        public static LocationInfo? From(Location? location) =>
            location?.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    /// <summary>A diagnostic as equatable data: the descriptor, where, the message arguments, and a second place it concerns.</summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments, LocationInfo? AdditionalLocation = null)
    {
        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(
                Descriptor,
                Location?.ToLocation(),
                AdditionalLocation is null ? null : new[] { AdditionalLocation.ToLocation() },
                System.Linq.Enumerable.ToArray<object>(Arguments));
    }

    /// <summary>
    /// The result of reading one [ResNet] attribute, without planning (this step re-runs whenever the compilation changes,
    /// so it stays cheap): the model when the attribute's arguments are valid, the problems found so far, and the
    /// attribute's location, where problems the planner finds later are reported. <see cref="Declared"/> is the class as it
    /// can take members even when the declaration has an error (<see cref="StubEmitter"/>), null when it cannot.
    /// </summary>
    internal sealed record ParseResult(ResNetModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, LocationInfo? Location, TargetType? Declared = null)
    {
        public static ParseResult Nothing { get; } = new(null, EquatableArray<DiagnosticInfo>.Empty, null);
    }
}
