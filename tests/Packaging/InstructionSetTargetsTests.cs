using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace ResNetGen.Tests.Packaging;

/// <summary>
/// The package's build file, run by MSBuild itself: a project that imports it, with a stand-in for the NativeAOT target it
/// runs before, and asks for the instruction set ILC would be given. (CI publishes a real NativeAOT app from the package.)
/// </summary>
[Trait("Category", "Packaging")]
public sealed class InstructionSetTargetsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("resnetgen-targets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void An_x64_NativeAOT_publish_that_names_no_instruction_set_gets_x86_64_v3_and_warning_RNG100()
    {
        (string value, string output) = IlcInstructionSet("-p:PublishAot=true", "-p:RuntimeIdentifier=linux-x64");

        Assert.Equal("x86-64-v3", value);
        Assert.Contains("warning RNG100", output);
        Assert.Contains("add <IlcInstructionSet>x86-64-v3</IlcInstructionSet> to a PropertyGroup of app.proj", output);
        Assert.Contains("x86-64-v4", output);
    }

    [Theory]
    [InlineData("x86-64-v4")]
    [InlineData("native")]
    [InlineData("x86-64-v2")]
    public void An_instruction_set_the_project_names_is_kept_without_a_warning(string named)
    {
        (string value, string output) = IlcInstructionSet("-p:PublishAot=true", "-p:RuntimeIdentifier=linux-x64", "-p:IlcInstructionSet=" + named);

        Assert.Equal(named, value);
        Assert.DoesNotContain("RNG100", output);
    }

    [Theory]
    [InlineData("-p:PublishAot=true", "-p:RuntimeIdentifier=linux-arm64")]
    [InlineData("-p:PublishAot=false", "-p:RuntimeIdentifier=linux-x64")]
    public void Other_architectures_and_JIT_builds_are_left_alone(string aot, string runtime)
    {
        (string value, string output) = IlcInstructionSet(aot, runtime);

        Assert.Equal(string.Empty, value);
        Assert.DoesNotContain("RNG100", output);
    }

    private (string Value, string Output) IlcInstructionSet(params string[] properties)
    {
        string targets = Path.Combine(RepositoryRoot(), "runtime", "buildTransitive", "ResNetGen.targets");
        string project = Path.Combine(_directory, "app.proj");
        File.WriteAllText(project, $"""
            <Project>
              <Import Project="{targets}" />
              <Target Name="WriteIlcRspFileForCompilation">
                <Message Importance="high" Text="ILC instruction set: [$(IlcInstructionSet)]" />
              </Target>
            </Project>
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        foreach (string argument in new[] { "msbuild", project, "-t:WriteIlcRspFileForCompilation", "-nologo", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string property in properties)
        {
            start.ArgumentList.Add(property);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
        int at = output.IndexOf("ILC instruction set: [", StringComparison.Ordinal);
        Assert.True(at >= 0, output);
        int from = at + "ILC instruction set: [".Length;
        return (output[from..output.IndexOf(']', from)], output);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ResNetGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ResNetGen.sln not found above " + AppContext.BaseDirectory);
    }
}
