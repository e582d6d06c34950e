using System.Diagnostics;
using System.Text.Json;

namespace KpiFunctions.Tests.Shared;

/// <summary>Runs tools/parquet.mjs (DuckDB and hyparquet, installed on first use by <see cref="NpmTools"/>) and parses its JSON.</summary>
internal static class Node
{
    public static Task<JsonElement> RunAsync(params string[] args) => ScriptAsync("parquet.mjs", args);

    /// <summary>Runs one of the tools/ scripts and parses its JSON output.</summary>
    public static async Task<JsonElement> ScriptAsync(string script, params string[] args)
    {
        var tools = await NpmTools.EnsureInstalledAsync();
        var start = new ProcessStartInfo("node") { WorkingDirectory = tools, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} {args.FirstOrDefault()} failed ({process.ExitCode}): {await stderr}");
        }

        using var doc = JsonDocument.Parse(await stdout);
        return doc.RootElement.Clone();
    }
}
