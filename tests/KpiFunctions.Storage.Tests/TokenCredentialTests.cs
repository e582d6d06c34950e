using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Tables;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

/// <summary>An Azurite of its own over HTTPS that checks bearer tokens (<c>--oauth basic</c>): issuer, audience, lifetime.</summary>
public sealed class OAuthAzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _process;

    internal AzuriteProcess Azurite => _process ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _process = await AzuriteProcess.StartAsync(oauth: true);

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <summary>Client options whose transport trusts exactly this Azurite's self-signed certificate.</summary>
    public AzureStorageOptions PinnedOptions()
    {
        var pin = Azurite.Certificate!.GetCertHashString(HashAlgorithmName.SHA256);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == pin,
        };
        return new AzureStorageOptions { ConfigureClient = client => client.Transport = new HttpClientTransport(handler) };
    }
}

/// <summary>
/// Microsoft Entra ID tokens through <see cref="TokenCredential"/>, from identity-based settings, accepted and refused by
/// a real Azurite that validates them. The credential is ours (no identity provider exists offline); it issues
/// unsigned JWTs with the claims Azurite's basic OAuth mode checks.
/// </summary>
public sealed class TokenCredentialTests(OAuthAzuriteFixture fixture) : IClassFixture<OAuthAzuriteFixture>
{
    private Dictionary<string, string?> Settings() => new()
    {
        ["KPI_STORAGE__blobServiceUri"] = fixture.Azurite.BlobEndpoint.ToString(),
        ["KPI_STORAGE__tableServiceUri"] = fixture.Azurite.TableEndpoint.ToString(),
    };

    [Fact]
    public async Task Identity_based_settings_with_a_token_credential_read_and_write_blobs_and_tables()
    {
        var credential = new JwtCredential();
        var settings = Settings();
        var account = StorageAccount.FromSettings("KPI_STORAGE", k => settings.GetValueOrDefault(k), credential)!;
        var blobs = new AzureBlobStore(account, AzuriteFixture.NewContainer(), fixture.PinnedOptions());
        var tables = new AzureTableStore(account, fixture.PinnedOptions());
        var table = "Oauth" + Guid.NewGuid().ToString("N")[..12];

        await blobs.UploadAsync("a/b.txt", new MemoryStream("token"u8.ToArray()));
        await using (var read = await blobs.OpenReadAsync("a/b.txt"))
        {
            Assert.Equal("token", await new StreamReader(read!).ReadToEndAsync());
        }

        await tables.CreateTableIfNotExistsAsync(table);
        await tables.SubmitInChunksAsync(table, Enumerable.Range(0, 150).Select(i =>
            new TableTransactionAction(TableTransactionKind.Upsert, new TableEntity("p", i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)) { ["N"] = i })));
        var count = 0;
        await foreach (var _ in tables.QueryAsync(table, TableQuery.Partition("p")))
        {
            count++;
        }

        Assert.True(account.UsesTokenCredential);
        Assert.Equal(150, count);
        Assert.Equal([StorageAccount.TokenScope], credential.Scopes.Distinct());

        // Azure.Core caches a token until near its expiry: one token per client, not one per request.
        Assert.Equal(2, credential.Scopes.Count);
    }

    [Fact]
    public async Task Identity_based_settings_build_the_sdk_clients_on_the_given_endpoints_and_say_which_credential_without_a_token()
    {
        var credential = new JwtCredential();
        var settings = Settings();
        var account = StorageAccount.FromSettings("KPI_STORAGE", k => settings.GetValueOrDefault(k), credential)!;
        var blobService = account.CreateBlobServiceClient(fixture.PinnedOptions());
        var tableService = account.CreateTableServiceClient(fixture.PinnedOptions());
        var container = blobService.GetBlobContainerClient("oauth-" + Guid.NewGuid().ToString("N")[..12]);

        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("by-token.txt").UploadAsync(BinaryData.FromString("by token"));
        var read = (await container.GetBlobClient("by-token.txt").DownloadContentAsync()).Value.Content.ToString();
        await container.DeleteAsync();
        var described = account.ToString();

        Assert.Equal("by token", read);
        Assert.Equal(fixture.Azurite.BlobEndpoint.ToString().TrimEnd('/'), blobService.Uri.ToString().TrimEnd('/'));
        Assert.Equal(fixture.Azurite.TableEndpoint.ToString().TrimEnd('/'), tableService.Uri.ToString().TrimEnd('/'));
        Assert.Contains("Credential=Microsoft Entra ID token (JwtCredential)", described, StringComparison.Ordinal);
        Assert.DoesNotContain(credential.LastToken!, described, StringComparison.Ordinal);
        Assert.Equal([StorageAccount.TokenScope], credential.Scopes.Distinct());
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    public async Task A_token_the_service_rejects_fails_with_its_status_and_code_and_never_shows_the_token(string fault)
    {
        var credential = new JwtCredential(fault);
        var settings = Settings();
        var account = StorageAccount.FromSettings("KPI_STORAGE", k => settings.GetValueOrDefault(k), credential)!;
        var blobs = new AzureBlobStore(account, AzuriteFixture.NewContainer(), fixture.PinnedOptions());
        var tables = new AzureTableStore(account, fixture.PinnedOptions());

        var blobError = await Assert.ThrowsAsync<StorageRequestException>(() => blobs.UploadAsync("x", new MemoryStream([1])));
        var tableError = await Assert.ThrowsAsync<StorageRequestException>(() => tables.CreateTableIfNotExistsAsync("Refused"));

        foreach (var error in new[] { blobError, tableError })
        {
            Assert.Contains(error.Status, new[] { 401, 403 });
            Assert.Equal("AuthenticationFailed", error.ErrorCode);
            Assert.DoesNotContain(credential.LastToken!, error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(credential.LastToken!.Split('.')[1], error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Tokens_are_never_sent_over_plain_http()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KPI_STORAGE__blobServiceUri"] = "http://127.0.0.1:10000/devstoreaccount1",
            ["KPI_STORAGE__tableServiceUri"] = "https://127.0.0.1:10002/devstoreaccount1",
        };

        var ex = Assert.Throws<ArgumentException>(() => StorageAccount.FromSettings("KPI_STORAGE", k => settings.GetValueOrDefault(k), new JwtCredential()));

        Assert.Contains("KPI_STORAGE__blobServiceUri", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issues JWTs shaped like Entra ID access tokens for Azure Storage (aud https://storage.azure.com, an
    /// sts.windows.net issuer, iat/nbf/exp), or a faulty one, and records the scopes it was asked for.
    /// </summary>
    private sealed class JwtCredential(string? fault = null) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public string? LastToken { get; private set; }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            var now = DateTimeOffset.UtcNow;
            var expires = fault == "expired" ? now.AddMinutes(-5) : now.AddHours(1);
            var claims = new Dictionary<string, object>
            {
                ["aud"] = fault == "wrong-audience" ? "https://vault.azure.net" : "https://storage.azure.com",
                ["iss"] = fault == "wrong-issuer" ? "https://issuer.example.com/tenant/" : "https://sts.windows.net/00000000-0000-0000-0000-000000000001/",
                ["iat"] = now.AddMinutes(-10).ToUnixTimeSeconds(),
                ["nbf"] = now.AddMinutes(-10).ToUnixTimeSeconds(),
                ["exp"] = expires.ToUnixTimeSeconds(),
                ["oid"] = "00000000-0000-0000-0000-0000000000aa",
                ["tid"] = "00000000-0000-0000-0000-000000000001",
            };
            LastToken = Segment(new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT" }) + "." + Segment(claims) + "." + Base64Url(RandomNumberGenerator.GetBytes(32));

            // An expired token is handed out as if still valid, so Azure.Core sends it and the service judges it.
            return new AccessToken(LastToken, now.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));

        private static string Segment(Dictionary<string, object> json) => Base64Url(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(json)));

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
