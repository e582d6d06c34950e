using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KpiFunctions.Tests.Shared;

/// <summary>
/// A real Azurite (blob, queue and table services), pinned in tools/ and installed on first use (<see cref="NpmTools"/>), on free loopback ports with a temporary location; with
/// <c>oauth</c>, over HTTPS with a fresh self-signed certificate and bearer tokens checked (<c>--oauth basic</c>).
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's published development key (not a secret).</summary>
    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly TempDirectory _location;

    private AzuriteProcess(Process process, TempDirectory location, int blobPort, int queuePort, int tablePort, X509Certificate2? certificate)
    {
        _process = process;
        _location = location;
        Certificate = certificate;
        var scheme = certificate is null ? "http" : "https";
        BlobEndpoint = new Uri($"{scheme}://127.0.0.1:{blobPort}/devstoreaccount1");
        TableEndpoint = new Uri($"{scheme}://127.0.0.1:{tablePort}/devstoreaccount1");
        QueueEndpoint = new Uri($"{scheme}://127.0.0.1:{queuePort}/devstoreaccount1");
        ConnectionString = $"DefaultEndpointsProtocol={scheme};AccountName=devstoreaccount1;AccountKey={DevelopmentKey};" +
            $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";
    }

    public string ConnectionString { get; }

    public Uri BlobEndpoint { get; }

    public Uri TableEndpoint { get; }

    public Uri QueueEndpoint { get; }

    /// <summary>The self-signed server certificate when started with <c>oauth</c> (clients pin it), else null.</summary>
    public X509Certificate2? Certificate { get; }

    public static async Task<AzuriteProcess> StartAsync(bool oauth = false)
    {
        var bin = Path.Combine(await NpmTools.EnsureInstalledAsync(), "node_modules", ".bin", "azurite");
        if (!File.Exists(bin))
        {
            throw new InvalidOperationException($"Azurite is missing from {bin}: tools/package.json must pin the azurite package.");
        }

        var location = new TempDirectory();
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}", "--location", location.Path, "--disableTelemetry",
        })
        {
            start.ArgumentList.Add(arg);
        }

        X509Certificate2? certificate = null;
        if (oauth)
        {
            certificate = WriteSelfSignedCertificate(location.Path, out var certPath, out var keyPath);
            foreach (var arg in new[] { "--oauth", "basic", "--cert", certPath, "--key", keyPath })
            {
                start.ArgumentList.Add(arg);
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        foreach (var port in new[] { blob, queue, table })
        {
            await WaitForAsync(process, port);
        }

        return new AzuriteProcess(process, location, blob, queue, table, certificate);
    }

    /// <summary>A one-day self-signed certificate for 127.0.0.1 and localhost, written as PEM files Azurite can load.</summary>
    private static X509Certificate2 WriteSelfSignedCertificate(string directory, out string certPath, out string keyPath)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        certPath = Path.Combine(directory, "azurite-cert.pem");
        keyPath = Path.Combine(directory, "azurite-key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Certificate?.Dispose();
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
