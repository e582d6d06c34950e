using System.Globalization;
using global::Azure.Core.Pipeline;

namespace KpiFunctions.Storage.Azure;

/// <summary>
/// An Azure Storage connection string: <c>UseDevelopmentStorage=true</c> (Azurite's well-known account) or
/// <c>AccountName=…;AccountKey=…</c> with the default or explicit endpoints, or explicit endpoints with
/// <c>SharedAccessSignature=…</c>. The key and the SAS token are kept out of <see cref="ToString"/> and every message.
/// </summary>
public sealed class StorageConnectionString
{
    /// <summary>Azurite's published development account key (not a secret).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnectionString(string accountName, byte[]? accountKey, Uri blobEndpoint, Uri tableEndpoint, string? sas = null)
    {
        AccountName = accountName;
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

    /// <summary>True when requests are authorized with a SAS token rather than the account key.</summary>
    public bool UsesSharedAccessSignature => SharedAccessSignature is not null;

    /// <summary>Parses a connection string; errors name the missing or bad part, never the key's value.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"Connection string part '{part.Split('=')[0]}' has no value; parts look like Name=value.", nameof(connectionString));
            }

            parts[part[..eq]] = part[(eq + 1)..];
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && string.Equals(dev, "true", StringComparison.OrdinalIgnoreCase))
        {
            var host = parts.TryGetValue("DevelopmentStorageProxyUri", out var proxy) ? proxy.TrimEnd('/') : "http://127.0.0.1";
            return new StorageConnectionString(
                "devstoreaccount1",
                Convert.FromBase64String(DevelopmentAccountKey),
                new Uri(host + ":10000/devstoreaccount1"),
                new Uri(host + ":10002/devstoreaccount1"));
        }

        if (parts.TryGetValue("SharedAccessSignature", out var sas))
        {
            if (string.IsNullOrWhiteSpace(sas) || !sas.Contains("sig=", StringComparison.Ordinal))
            {
                throw new ArgumentException("The connection string's SharedAccessSignature has no sig= part; paste the whole SAS token.", nameof(connectionString));
            }

            // The pipeline writes Parquet to blobs and KPIs to tables, so a SAS connection string names both.
            Uri SasEndpoint(string name) => parts.TryGetValue(name, out var uri) && !string.IsNullOrWhiteSpace(uri)
                ? new Uri(uri.TrimEnd('/'))
                : throw new ArgumentException($"The connection string has a SharedAccessSignature but no {name}; give BlobEndpoint and TableEndpoint.", nameof(connectionString));
            return new StorageConnectionString(
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
            throw new ArgumentException($"The connection string for account '{account}' has no AccountKey; add AccountKey=… (the account's access key), or give BlobEndpoint, TableEndpoint and SharedAccessSignature. Managed identity is not supported yet.", nameof(connectionString));
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
            ? new Uri(explicitUri.TrimEnd('/'))
            : new Uri(string.Create(CultureInfo.InvariantCulture, $"{protocol}://{account}.{service}.{suffix}"));
        return new StorageConnectionString(account, key, Endpoint("BlobEndpoint", "blob"), Endpoint("TableEndpoint", "table"));
    }

    /// <summary>The policy that authorizes requests to the blob service: SAS, or SharedKey signing.</summary>
    internal HttpPipelinePolicy BlobAuthorization(TimeProvider time) => SharedAccessSignature is { } sas
        ? new SasPolicy(sas)
        : new SharedKeyPolicy(AccountName, AccountKey!, time);

    /// <summary>The policy that authorizes requests to the table service: SAS, or SharedKeyLite signing.</summary>
    internal HttpPipelinePolicy TableAuthorization(TimeProvider time) => SharedAccessSignature is { } sas
        ? new SasPolicy(sas)
        : new SharedKeyLiteTablePolicy(AccountName, AccountKey!, time);

    /// <summary>For logs: the account and endpoints, never the key or SAS token.</summary>
    public override string ToString() => $"AccountName={AccountName};BlobEndpoint={BlobEndpoint};TableEndpoint={TableEndpoint}";
}
