using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KpiFunctions.Tests.Shared;

/// <summary>A real Azurite (blob and table services) from tools/, on free loopback ports with a temporary location.</summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's published development key (not a secret).</summary>
    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly TempDirectory _location;

    private AzuriteProcess(Process process, TempDirectory location, int blobPort, int tablePort)
    {
        _process = process;
        _location = location;
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteProcess> StartAsync()
    {
        var bin = Path.Combine(RepoRoot.Find(), "tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(bin))
        {
            throw new InvalidOperationException("Azurite is not installed: run 'npm install' in tools/ (.ci/run does).");
        }

        var location = new TempDirectory();
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}", "--location", location.Path, "--skipApiVersionCheck", "--disableTelemetry",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        foreach (var port in new[] { blob, table })
        {
            await WaitForAsync(process, port);
        }

        return new AzuriteProcess(process, location, blob, table);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _location.Dispose();
    }

    private static async Task WaitForAsync(Process process, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"Azurite did not listen on port {port} within 60 s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
