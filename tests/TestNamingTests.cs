using System.Linq;
using System.Reflection;
using Xunit;

namespace ResNetGen.Tests;

/// <summary>One naming style for every test: a sentence in words joined by underscores, saying what holds.</summary>
public sealed class TestNamingTests
{
    [Fact]
    public void Every_test_is_named_as_a_sentence_with_underscores()
    {
        string[] offenders = typeof(TestNamingTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttribute<FactAttribute>() is not null)
            .Where(method => !method.Name.Contains('_') || !char.IsUpper(method.Name[0]))
            .Select(method => method.DeclaringType!.Name + "." + method.Name)
            .ToArray();

        Assert.True(offenders.Length == 0, "tests not named as sentences: " + string.Join(", ", offenders));
    }
}
