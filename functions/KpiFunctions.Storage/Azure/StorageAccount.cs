using System.Globalization;
using global::Azure;
using global::Azure.Core;
using global::Azure.Data.Tables;
using global::Azure.Identity;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;

namespace KpiFunctions.Storage.Azure;

/// <summary>
/// Where an Azure Storage account is and how requests to it are authorized: from a connection string
/// (<c>UseDevelopmentStorage=true</c> for Azurite's well-known account, <c>AccountName=…;AccountKey=…</c> with the
/// default or explicit endpoints, or explicit endpoints with <c>SharedAccessSignature=…</c>), or from identity-based
/// settings with a Microsoft Entra ID <see cref="TokenCredential"/> (<see cref="FromSettings"/>). The key, the SAS
/// token and any access token are kept out of <see cref="ToString"/> and every message.
/// </summary>
public sealed class StorageAccount
{
    /// <summary>The OAuth scope of Azure Storage's data plane (blobs and tables here).</summary>
    public const string TokenScope = "https://storage.azure.com/.default";

    /// <summary>Azurite's published development account key (not a secret).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageAccount(string accountName, byte[]? accountKey, Uri blobEndpoint, Uri tableEndpoint, string? sas = null, TokenCredential? credential = null)
    {
        AccountName = accountName;
        Credential = credential;
        AccountKey = accountKey;
        SharedAccessSignature = sas;
        BlobEndpoint = blobEndpoint;
        TableEndpoint = tableEndpoint;
    }

    /// <summary>Storage account name.</summary>
    public string AccountName { get; }

    /// <summary>Blob service endpoint (for Azurite it includes the account name in the path).</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>Table service endpoint.</summary>
    public Uri TableEndpoint { get; }

    internal byte[]? AccountKey { get; }

    internal string? SharedAccessSignature { get; }

    internal TokenCredential? Credential { get; }

    /// <summary>True when requests carry Microsoft Entra ID bearer tokens rather than a key or SAS.</summary>
    public bool UsesTokenCredential => Credential is not null;

    /// <summary>True when requests are authorized with a SAS token rather than the account key.</summary>
    public bool UsesSharedAccessSignature => SharedAccessSignature is not null;

    /// <summary>Parses a connection string; errors name the missing or bad part, never the key's value.</summary>
    public static StorageAccount Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            number++;
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                // Counted, not quoted: a part without a name may be a pasted key.
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Connection string part #{number} has no value; parts look like Name=value."), nameof(connectionString));
            }

            parts[part[..eq]] = part[(eq + 1)..];
        }

        // Named, not quoted: a URL may carry a SAS token in its query.
        Uri Url(string name, string text) =>
            Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? uri
                : throw new ArgumentException($"The connection string's {name} is not an absolute http(s) URL.", nameof(connectionString));

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && string.Equals(dev, "true", StringComparison.OrdinalIgnoreCase))
        {
            var host = parts.TryGetValue("DevelopmentStorageProxyUri", out var proxy) ? proxy.TrimEnd('/') : "http://127.0.0.1";
            return new StorageAccount(
                "devstoreaccount1",
                Convert.FromBase64String(DevelopmentAccountKey),
                Url("DevelopmentStorageProxyUri", host + ":10000/devstoreaccount1"),
                Url("DevelopmentStorageProxyUri", host + ":10002/devstoreaccount1"));
        }

        if (parts.TryGetValue("SharedAccessSignature", out var sas))
        {
            if (string.IsNullOrWhiteSpace(sas) || !sas.Contains("sig=", StringComparison.Ordinal))
            {
                throw new ArgumentException("The connection string's SharedAccessSignature has no sig= part; paste the whole SAS token.", nameof(connectionString));
            }

            // The pipeline writes Parquet to blobs and KPIs to tables, so a SAS connection string names both.
            Uri SasEndpoint(string name) => parts.TryGetValue(name, out var uri) && !string.IsNullOrWhiteSpace(uri)
                ? Url(name, uri)
                : throw new ArgumentException($"The connection string has a SharedAccessSignature but no {name}; give BlobEndpoint and TableEndpoint.", nameof(connectionString));
            return new StorageAccount(
                parts.TryGetValue("AccountName", out var named) ? named : "",
                null,
                SasEndpoint("BlobEndpoint"),
                SasEndpoint("TableEndpoint"),
                sas.TrimStart('?'));
        }

        if (!parts.TryGetValue("AccountName", out var account) || string.IsNullOrWhiteSpace(account))
        {
            throw new ArgumentException("The connection string has no AccountName (or use UseDevelopmentStorage=true for Azurite).", nameof(connectionString));
        }

        if (!parts.TryGetValue("AccountKey", out var keyText))
        {
            throw new ArgumentException($"The connection string for account '{account}' has no AccountKey; add AccountKey=… (the account's access key), or give BlobEndpoint, TableEndpoint and SharedAccessSignature. For managed identity, leave the connection string unset and use the <name>__accountName setting instead.", nameof(connectionString));
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(keyText);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"The AccountKey for account '{account}' is not valid base64; copy the whole key from the account's access keys.", nameof(connectionString));
        }

        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var p) ? p : "https";
        var suffix = parts.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
        Uri Endpoint(string name, string service) => parts.TryGetValue(name, out var explicitUri)
            ? Url(name, explicitUri)
            : Url($"{service} endpoint (from DefaultEndpointsProtocol, AccountName and EndpointSuffix)", string.Create(CultureInfo.InvariantCulture, $"{protocol}://{account}.{service}.{suffix}"));
        return new StorageAccount(account, key, Endpoint("BlobEndpoint", "blob"), Endpoint("TableEndpoint", "table"));
    }

    /// <summary>
    /// An account reached with Microsoft Entra ID tokens from <paramref name="credential"/> (Authorization: Bearer, scope
    /// <see cref="TokenScope"/>). Tokens travel only over HTTPS, so both endpoints must be https.
    /// </summary>
    public static StorageAccount FromTokenCredential(Uri blobEndpoint, Uri tableEndpoint, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        foreach (var endpoint in new[] { blobEndpoint, tableEndpoint })
        {
            if (endpoint.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"Endpoint {endpoint.GetLeftPart(UriPartial.Path)} is not https; Microsoft Entra ID tokens are only sent over HTTPS.", nameof(blobEndpoint));
            }
        }

        var host = blobEndpoint.Host;
        var account = host.Contains('.', StringComparison.Ordinal) && !IsAddress(host) ? host[..host.IndexOf('.', StringComparison.Ordinal)] : blobEndpoint.AbsolutePath.Trim('/');
        return new StorageAccount(account, null, new Uri(blobEndpoint.ToString().TrimEnd('/')), new Uri(tableEndpoint.ToString().TrimEnd('/')), credential: credential);
    }

    /// <summary>
    /// Resolves a storage connection the way the Azure Functions host does: the setting <paramref name="name"/> holds a
    /// connection string; when it is empty, identity-based settings are read: <c>&lt;name&gt;__accountName</c>, or
    /// <c>&lt;name&gt;__blobServiceUri</c> and <c>&lt;name&gt;__tableServiceUri</c> (which override the account's
    /// default endpoints), with <c>&lt;name&gt;__credential</c> = <c>managedidentity</c> (and
    /// <c>&lt;name&gt;__clientId</c> for a user-assigned identity) or, unset, the default Azure credential chain.
    /// Returns null when none of these settings is present.
    /// </summary>
    /// <param name="name">The setting name, e.g. <c>KPI_STORAGE</c> or <c>AzureWebJobsStorage</c>.</param>
    /// <param name="setting">Looks a setting up (environment, app settings); null or empty when absent.</param>
    /// <param name="credential">A credential to use instead of the one the settings describe (tests, or a host's own).</param>
    public static StorageAccount? FromSettings(string name, Func<string, string?> setting, TokenCredential? credential = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(setting);
        string? Get(string key) => setting(key)?.Trim() is { Length: > 0 } value ? value : null;
        if (Get(name) is { } connectionString)
        {
            return Parse(connectionString);
        }

        var accountName = Get(name + "__accountName");
        if (accountName is not null && (accountName.Length is < 3 or > 24 || !accountName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))))
        {
            throw new ArgumentException($"Setting {name}__accountName '{accountName}' is not a storage account name (3-24 lower-case letters and digits, e.g. kpiprod).", nameof(setting));
        }
        var blobUri = Get(name + "__blobServiceUri") ?? Get(name + "__serviceUri");
        var tableUri = Get(name + "__tableServiceUri");
        if (accountName is null && blobUri is null && tableUri is null)
        {
            return null;
        }

        Uri Endpoint(string? explicitUri, string key, string service)
        {
            if (explicitUri is not null)
            {
                return Uri.TryCreate(explicitUri, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                    ? uri
                    : throw new ArgumentException($"Setting {name}__{key} is not an absolute https URL.", nameof(setting));
            }

            return accountName is not null
                ? new Uri($"https://{accountName}.{service}.core.windows.net")
                : throw new ArgumentException($"Setting {name}__{key} is missing; give it, or {name}__accountName for the account's default endpoints.", nameof(setting));
        }

        var blob = Endpoint(blobUri, "blobServiceUri", "blob");
        var table = Endpoint(tableUri, "tableServiceUri", "table");
        foreach (var (uri, key) in new[] { (blob, "blobServiceUri"), (table, "tableServiceUri") })
        {
            if (uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"Setting {name}__{key} is {uri.GetLeftPart(UriPartial.Path)}; Microsoft Entra ID tokens are only sent over https.", nameof(setting));
            }
        }

        return FromTokenCredential(blob, table, credential ?? CredentialFromSettings(name, Get));
    }

    /// <summary>
    /// The Microsoft Entra ID credential the identity-based settings <c>&lt;name&gt;__credential</c> and
    /// <c>&lt;name&gt;__clientId</c> describe: a managed identity (system-assigned, or the user-assigned one with that
    /// client id), or, with no credential setting, the default Azure credential chain. The app uses the same identity
    /// for Key Vault.
    /// </summary>
    public static TokenCredential CredentialFromSettings(string name, Func<string, string?> setting)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(setting);
        string? Get(string key) => setting(key)?.Trim() is { Length: > 0 } value ? value : null;
        var kind = Get(name + "__credential");
        var clientId = Get(name + "__clientId");
        if (kind is null)
        {
            // Local development: environment, workload identity, managed identity, Azure CLI and the like, in the library's order.
            return clientId is null ? new DefaultAzureCredential() : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        }

        if (string.Equals(kind, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        throw new ArgumentException($"Setting {name}__credential is '{kind}'; the supported value is 'managedidentity' (or leave it unset for the default Azure credential chain).", nameof(name));
    }

    private static bool IsAddress(string host) => System.Net.IPAddress.TryParse(host, out _) || host == "localhost";

    /// <summary>
    /// True when the endpoints are on this machine (Azurite): the SDK clients then ask for a service version Azurite
    /// accepts instead of the SDK's newest, which Azurite refuses unless started with --skipApiVersionCheck.
    /// </summary>
    public bool IsEmulator => IsLocal(BlobEndpoint) && IsLocal(TableEndpoint);

    /// <summary>
    /// The blob service client for this account, built once per account and shared (it is thread-safe): key, SAS or
    /// Entra ID token, the SDK's retries, and MD5 transfer validation set by the adapters.
    /// </summary>
    public BlobServiceClient CreateBlobServiceClient(AzureStorageOptions? options = null)
    {
        var clientOptions = IsEmulator ? new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06) : new BlobClientOptions();
        options?.ConfigureClient?.Invoke(clientOptions);
        return Credential is { } token ? new BlobServiceClient(BlobEndpoint, token, clientOptions)
            : SharedAccessSignature is { } sas ? new BlobServiceClient(BlobEndpoint, new AzureSasCredential(sas), clientOptions)
            : new BlobServiceClient(BlobEndpoint, new StorageSharedKeyCredential(AccountName, Convert.ToBase64String(AccountKey!)), clientOptions);
    }

    /// <summary>The table service client for this account (key, SAS or Entra ID token), built once and shared.</summary>
    public TableServiceClient CreateTableServiceClient(AzureStorageOptions? options = null)
    {
        var clientOptions = new TableClientOptions();
        options?.ConfigureClient?.Invoke(clientOptions);
        return Credential is { } token ? new TableServiceClient(TableEndpoint, token, clientOptions)
            : SharedAccessSignature is { } sas ? new TableServiceClient(TableEndpoint, new AzureSasCredential(sas), clientOptions)
            : new TableServiceClient(TableEndpoint, new TableSharedKeyCredential(AccountName, Convert.ToBase64String(AccountKey!)), clientOptions);
    }

    /// <summary>
    /// Which credential and endpoints this account uses, for people and logs: the kind (key, SAS, Entra ID token and the
    /// credential's type), never its value.
    /// </summary>
    public string DescribeCredential() =>
        Credential is { } token ? $"Microsoft Entra ID token ({token.GetType().Name})"
        : SharedAccessSignature is not null ? "shared access signature"
        : "account key";

    private static bool IsLocal(Uri endpoint) => endpoint.IsLoopback;

    /// <summary>For logs: the account and endpoints, never the key or SAS token.</summary>
    public override string ToString() => $"AccountName={AccountName};BlobEndpoint={BlobEndpoint};TableEndpoint={TableEndpoint};Credential={DescribeCredential()}";
}
