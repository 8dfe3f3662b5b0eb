using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace ResNetGen.Tests;

/// <summary>
/// No method, constructor, property, accessor or local function of the runtime, the planner, the generator or the
/// accelerator package is longer than 80 lines, from its signature to its closing brace, so that each can be read at once.
/// The unrolled register tiles of the convolution (one file per instruction set) and the device's convolution kernel, whose
/// length is the unrolling, are exempt.
/// </summary>
public sealed class MemberLengthTests
{
    private const int MaxLines = 80;

    private static readonly string[] Exempt = ["Convolution.Avx512.cs", "Convolution.Avx2.cs", "Convolution.Scalar.cs", "ConvolutionKernel.cs"];

    [Fact]
    public void No_member_of_the_libraries_is_longer_than_80_lines()
    {
        string[] files = new[] { "runtime", "planning", "generator", "ilgpu", "imaging", "ml" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(RepositoryRoot(), folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => !Exempt.Contains(Path.GetFileName(f)))
            .ToArray();
        Assert.NotEmpty(files);

        string[] offenders = files
            .SelectMany(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot().DescendantNodes()
                .Where(node => node is BaseMethodDeclarationSyntax or PropertyDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax)
                .Select(node => (Name: Name(file, node), Lines: Lines(node))))
            .Where(member => member.Lines > MaxLines)
            .Select(member => $"{member.Name} ({member.Lines} lines)")
            .ToArray();

        Assert.True(offenders.Length == 0, "members longer than 80 lines: " + string.Join(", ", offenders));
    }

    /// <summary>Lines from the declaration's first token (attributes and doc comments aside) to its last.</summary>
    private static int Lines(SyntaxNode node)
    {
        FileLinePositionSpan span = node.SyntaxTree.GetLineSpan(node.Span);
        int start = node is MemberDeclarationSyntax member && member.AttributeLists.Count > 0
            ? node.SyntaxTree.GetLineSpan(member.AttributeLists.Last().Span).EndLinePosition.Line + 1
            : span.StartLinePosition.Line;
        return span.EndLinePosition.Line - start + 1;
    }

    private static string Name(string file, SyntaxNode node) => Path.GetFileName(file) + ":" + node switch
    {
        MethodDeclarationSyntax method => method.Identifier.Text,
        ConstructorDeclarationSyntax constructor => constructor.Identifier.Text,
        PropertyDeclarationSyntax property => property.Identifier.Text,
        LocalFunctionStatementSyntax local => local.Identifier.Text,
        _ => node.Kind().ToString(),
    };

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ResNetGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ResNetGen.sln not found above " + AppContext.BaseDirectory);
    }
}
