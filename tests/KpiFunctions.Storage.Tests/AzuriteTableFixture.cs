using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

/// <summary>
/// A real Azurite table service: started from tools/ on a free loopback port (the table service does not report a
/// port it picked itself) with a temporary location, and stopped afterwards; or KPI_TEST_AZURITE_TABLE when set.
/// </summary>
public sealed class AzuriteTableFixture : IAsyncLifetime
{
    private readonly TempDirectory _location = new();
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("KPI_TEST_AZURITE_TABLE") is { Length: > 0 } endpoint)
        {
            ConnectionString = Connection(endpoint.TrimEnd('/'));
            return;
        }

        var bin = Path.Combine(RepoRoot.Find(), "tools", "node_modules", ".bin", "azurite-table");
        if (!File.Exists(bin))
        {
            throw new InvalidOperationException("Azurite is not installed: run 'npm install' in tools/ (.ci/run does).");
        }

        var port = FreePort();
        var start = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", _location.Path, "--skipApiVersionCheck", "--disableTelemetry" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                ConnectionString = Connection($"http://127.0.0.1:{port}/devstoreaccount1");
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    break;
                }

                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("Azurite's table service did not start listening within 60 s.");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Connection(string tableEndpoint) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={StorageConnectionString.DevelopmentAccountKey};TableEndpoint={tableEndpoint};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";
}
