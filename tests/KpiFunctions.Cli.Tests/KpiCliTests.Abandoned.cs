using System.Diagnostics;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Runs;

namespace KpiFunctions.Cli.Tests;

public sealed partial class KpiCliTests
{
    [Fact]
    public async Task A_local_run_whose_process_was_killed_shows_as_abandoned_and_one_whose_process_lives_as_running()
    {
        var data = Path.Combine(_dir.Path, "data");
        using var child = StartKpi("run", "--demo", "--days", "30", "--data-dir", data);
        RunHeader? killed = null;
        var clock = Stopwatch.StartNew();
        while (killed is null && !child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
            killed = await RunningAsync(data);
        }

        var (_, whileAlive) = await CliRunner.RunAsync("runs", "--data-dir", data);
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        Assert.NotNull(killed);
        Assert.Contains("Running", whileAlive, StringComparison.Ordinal); // the start time this process reads is the one the run recorded
        Assert.StartsWith($"local:{Environment.MachineName}:{child.Id}:", killed.Owner, StringComparison.Ordinal);
        await SaveAsync(data, killed with { RunId = "owned-by-this-process", Owner = RunOwner.Current }, killed with { RunId = "owned-elsewhere", Owner = "local:another-machine:1234:0" });

        var (listCode, list) = await CliRunner.RunAsync("runs", "--data-dir", data);
        var (killedCode, killedShown) = await CliRunner.RunAsync("runs", killed.RunId, "--data-dir", data);
        var (aliveCode, aliveShown) = await CliRunner.RunAsync("runs", "owned-by-this-process", "--data-dir", data);

        var rows = list.Split('\n');
        Assert.Equal(ExitCodes.Ok, listCode);
        Assert.Contains("Abandoned", rows.Single(r => r.Contains(killed.RunId, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("Running", rows.Single(r => r.Contains("owned-by-this-process", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("Running", rows.Single(r => r.Contains("owned-elsewhere", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, killedCode);
        Assert.Contains($"Abandoned: process {child.Id} on host {Environment.MachineName} is gone", killedShown, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, aliveCode);
        Assert.Contains("Running", aliveShown, StringComparison.Ordinal);
        Assert.DoesNotContain("Abandoned", aliveShown, StringComparison.Ordinal);
    }

    /// <summary>Starts the kpi built beside the tests (the test project references the Cli) in a process of its own.</summary>
    private static Process StartKpi(params string[] args)
    {
        // The dotnet CLI tells the processes it starts where it is; a plain "dotnet" on the PATH otherwise.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kpi.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["KPI_BUYER_HASH_SALT"] = Convert.ToBase64String("cli-test-salt-0123456789"u8.ToArray());
        var process = Process.Start(start)!;
        // Read what it prints, so it never waits on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The header of a run that says Running in the data folder, once the run has written one.</summary>
    private static async Task<RunHeader?> RunningAsync(string data)
    {
        if (!File.Exists(Path.Combine(data, "tables.db")))
        {
            return null;
        }

        var storage = KpiStorage.Embedded(data);
        try
        {
            return (await new RunHistory(storage.Tables).ListAsync(1)).FirstOrDefault(h => h.Status == RunStatus.Running);
        }
        catch (InvalidOperationException)
        {
            return null; // KpiRuns is not created yet
        }
        finally
        {
            (storage.Tables as IDisposable)?.Dispose();
        }
    }

    private static async Task SaveAsync(string data, params RunHeader[] headers)
    {
        var storage = KpiStorage.Embedded(data);
        try
        {
            foreach (var header in headers)
            {
                await new RunHistory(storage.Tables).SaveAsync(header);
            }
        }
        finally
        {
            (storage.Tables as IDisposable)?.Dispose();
        }
    }
}
