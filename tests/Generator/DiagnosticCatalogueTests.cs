using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using ResNetGen.Generator;
using Xunit;

namespace ResNetGen.Tests.Generator;

/// <summary>
/// The catalogue of diagnostics: numbered without gaps, all errors in one category, each with an absolute help link to its own row
/// of docs/diagnostics.md. (Release tracking, AnalyzerReleases.*.md, is checked at build time by RS2000-RS2008.)
/// </summary>
public sealed class DiagnosticCatalogueTests
{
    /// <summary>Every descriptor the generator declares, read from the generator's assembly (the class is internal).</summary>
    public static IReadOnlyList<DiagnosticDescriptor> Descriptors { get; } = typeof(ResNetGenerator).Assembly
        .GetType("ResNetGen.Generator.DiagnosticDescriptors", throwOnError: true)!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
        .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
        .OrderBy(descriptor => descriptor.Id, System.StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void Ids_are_numbered_without_gaps()
    {
        Assert.Equal(
            Enumerable.Range(1, Descriptors.Count).Select(n => "RNG" + n.ToString("000", System.Globalization.CultureInfo.InvariantCulture)),
            Descriptors.Select(d => d.Id));
    }

    [Fact]
    public void Every_diagnostic_is_an_error_with_an_absolute_help_link_to_its_row_of_the_diagnostics_page()
    {
        Assert.All(Descriptors, descriptor =>
        {
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal("ResNetGen", descriptor.Category);
            Assert.Equal("https://github.com/resnetgen/ResNetGen/blob/main/docs/diagnostics.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
            Assert.True(System.Uri.TryCreate(descriptor.HelpLinkUri, System.UriKind.Absolute, out System.Uri? link) && link.Scheme == "https");
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    [Fact]
    public void Every_diagnostic_has_its_anchored_row_on_the_diagnostics_page()
    {
        string page = System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));

        Assert.All(Descriptors, d => Assert.Contains($"<a id=\"{d.Id.ToLowerInvariant()}\"></a>{d.Id} |", page));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new System.IO.DirectoryInfo(System.AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "ResNetGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new System.InvalidOperationException("ResNetGen.sln not found above " + System.AppContext.BaseDirectory);
    }
}
