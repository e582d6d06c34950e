using System.Diagnostics;
using System.Text.RegularExpressions;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

/// <summary>
/// A real Azurite blob service for the tests: started from tools/ (npm) on a free loopback port with a temporary
/// location and stopped afterwards; or the one named by KPI_TEST_AZURITE_BLOB (a blob endpoint URL) when set.
/// </summary>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    private readonly TempDirectory _location = new();
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("KPI_TEST_AZURITE_BLOB") is { Length: > 0 } endpoint)
        {
            ConnectionString = Connection(endpoint.TrimEnd('/'));
            return;
        }

        var bin = Path.Combine(RepoRoot.Find(), "tools", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(bin))
        {
            throw new InvalidOperationException($"Azurite is not installed: run 'npm install' in {Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(bin)))} (.ci/run does).");
        }

        var start = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", _location.Path, "--skipApiVersionCheck", "--disableTelemetry" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ListensOn().Match(line) is { Success: true } match)
            {
                ConnectionString = Connection(match.Groups[1].Value + "/devstoreaccount1");
                _ = _process.StandardOutput.ReadToEndAsync();
                _ = _process.StandardError.ReadToEndAsync();
                return;
            }
        }

        throw new InvalidOperationException("Azurite exited before it listened: " + await _process.StandardError.ReadToEndAsync());
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _location.Dispose();
    }

    /// <summary>A fresh container name, so every test has its own.</summary>
    public static string NewContainer() => "t" + Guid.NewGuid().ToString("N");

    private static string Connection(string blobEndpoint) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={StorageConnectionString.DevelopmentAccountKey};BlobEndpoint={blobEndpoint};";

    [GeneratedRegex(@"listens on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListensOn();
}
