using System.Diagnostics;
using System.Reflection;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.App.Tests;

/// <summary>
/// Every .bicep file under infra/ builds and lints with the Bicep compiler (the Azure.Bicep.CommandLine package's
/// binary) with no error and no warning: warnings count as errors here.
/// </summary>
public sealed class BicepCompilerTests
{
    public static TheoryData<string> Files()
    {
        var root = RepoRoot.Find();
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "infra"), "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Builds_and_lints_without_a_warning(string file)
    {
        var path = Path.Combine(RepoRoot.Find(), file);

        var (buildCode, buildOutput) = await BicepAsync("build", path, "--stdout");
        var (lintCode, lintOutput) = await BicepAsync("lint", path);

        Assert.True(buildCode == 0, buildOutput);
        Assert.DoesNotContain(": Warning ", buildOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(": Error ", buildOutput, StringComparison.Ordinal);
        Assert.True(lintCode == 0, lintOutput);
        Assert.DoesNotContain(": Warning ", lintOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(": Error ", lintOutput, StringComparison.Ordinal);
    }

    /// <summary>Runs bicep; returns its exit code and what it wrote to stderr (the diagnostics).</summary>
    private static async Task<(int Code, string Diagnostics)> BicepAsync(params string[] args)
    {
        var package = typeof(BicepCompilerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value;
        var bicep = Path.Combine(package!, "tools", "bicep");
        Assert.True(File.Exists(bicep), $"No Bicep compiler at {bicep}; restore the tests (Azure.Bicep.CommandLine.linux-x64).");
        var start = new ProcessStartInfo(bicep) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await stdout;
        return (process.ExitCode, await stderr);
    }
}
