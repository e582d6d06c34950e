using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KpiFunctions.Secrets;

/// <summary>Options of <see cref="KeyVaultSecretStore"/>: retries (Azure.Core's, which wait as a 429's Retry-After says) and the transport.</summary>
public sealed class KeyVaultSecretStoreOptions : ClientOptions
{
    /// <summary>The REST API version sent with every request.</summary>
    public string ApiVersion { get; set; } = "7.5";

    /// <summary>
    /// The token scope; null derives it from the vault's host (<c>x.vault.azure.net</c> →
    /// <c>https://vault.azure.net/.default</c>, likewise in the sovereign clouds), else the public cloud's.
    /// </summary>
    public string? Scope { get; set; }

    /// <summary>Creates options with a few exponential retries.</summary>
    public KeyVaultSecretStoreOptions()
    {
        Retry.MaxRetries = 4;
        Retry.Mode = RetryMode.Exponential;
        Retry.Delay = TimeSpan.FromSeconds(1);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
    }
}

/// <summary>One version of a secret.</summary>
/// <param name="Version">The version id.</param>
/// <param name="Enabled">Whether it can be read.</param>
/// <param name="CreatedUtc">When it was written.</param>
public sealed record SecretVersion(string Version, bool Enabled, DateTimeOffset? CreatedUtc);

/// <summary>
/// Secrets in Azure Key Vault over its REST API (Key Vault secrets API 7.5: Get Secret, Set Secret, Get Secret
/// Versions), authenticated with a Microsoft Entra ID token for <c>https://vault.azure.net/.default</c>. A missing
/// secret reads as null. A throttled request (429) is retried after the time its Retry-After gives. Errors name the
/// operation, the secret and the service's code and message, never a value. Setting a secret adds a version; the vault
/// keeps the earlier ones.
/// </summary>
public sealed partial class KeyVaultSecretStore : ISecretStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Uri _vault;
    private readonly HttpPipeline _pipeline;
    private readonly string _apiVersion;

    /// <summary>Creates a store on the vault at <paramref name="vaultUri"/> (https).</summary>
    public KeyVaultSecretStore(Uri vaultUri, TokenCredential credential, KeyVaultSecretStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vaultUri);
        ArgumentNullException.ThrowIfNull(credential);
        if (!vaultUri.IsAbsoluteUri || vaultUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Key Vault URI '{vaultUri}' is not an absolute https URL (e.g. https://kpi-prod-kv.vault.azure.net).", nameof(vaultUri));
        }

        options ??= new KeyVaultSecretStoreOptions();
        _vault = new Uri(vaultUri.GetLeftPart(UriPartial.Authority));
        _apiVersion = options.ApiVersion;
        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, options.Scope ?? ScopeFor(_vault)));
    }

    /// <summary>The token scope of a vault: its host without the vault's own name (the DNS suffix is the cloud's).</summary>
    public static string ScopeFor(Uri vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        var host = vault.Host;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && host[(dot + 1)..].StartsWith("vault.", StringComparison.OrdinalIgnoreCase)
            ? "https://" + host[(dot + 1)..] + "/.default"
            : "https://vault.azure.net/.default";
    }

    /// <inheritdoc />
    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        using var document = await GetDocumentAsync($"Get secret '{CheckName(name)}'", RequestMethod.Get, $"/secrets/{name}", null, cancellationToken).ConfigureAwait(false);
        return document?.RootElement.GetProperty("value").GetString();
    }

    /// <summary>A given version of a secret, or null when there is no such secret or version.</summary>
    public async Task<string?> GetVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        if (!VersionPattern().IsMatch(version ?? ""))
        {
            throw new ArgumentException($"Secret version '{version}' is not a Key Vault version id (32 hexadecimal characters).", nameof(version));
        }

        using var document = await GetDocumentAsync($"Get secret '{CheckName(name)}' version {version}", RequestMethod.Get, $"/secrets/{name}/{version}", null, cancellationToken).ConfigureAwait(false);
        return document?.RootElement.GetProperty("value").GetString();
    }

    /// <inheritdoc />
    public async Task SetAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { value }, Json);
        using var answer = await GetDocumentAsync($"Set secret '{CheckName(name)}'", RequestMethod.Put, $"/secrets/{name}", body, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyVaultException($"Set secret '{name}' in {_vault}: the vault answered 404.", 404, null);
    }

    /// <summary>Every version of a secret (none for a secret that does not exist), following the vault's pages.</summary>
    public async Task<IReadOnlyList<SecretVersion>> ListVersionsAsync(string name, CancellationToken cancellationToken = default)
    {
        var versions = new List<SecretVersion>();
        var operation = $"List versions of secret '{CheckName(name)}'";
        string? next = $"/secrets/{name}/versions";
        while (next is not null)
        {
            using var page = await GetDocumentAsync(operation, RequestMethod.Get, next, null, cancellationToken).ConfigureAwait(false);
            if (page is null)
            {
                break;
            }

            foreach (var item in page.RootElement.GetProperty("value").EnumerateArray())
            {
                var id = item.GetProperty("id").GetString() ?? "";
                var attributes = item.TryGetProperty("attributes", out var a) ? a : default;
                versions.Add(new SecretVersion(
                    id[(id.LastIndexOf('/') + 1)..],
                    attributes.ValueKind != JsonValueKind.Object || !attributes.TryGetProperty("enabled", out var enabled) || enabled.GetBoolean(),
                    attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("created", out var created) ? DateTimeOffset.FromUnixTimeSeconds(created.GetInt64()) : null));
            }

            next = page.RootElement.TryGetProperty("nextLink", out var link) && link.GetString() is { Length: > 0 } url ? NextPath(url, operation) : null;
        }

        return versions;
    }

    /// <inheritdoc />
    public override string ToString() => $"Key Vault {_vault}";

    private static string CheckName(string name) =>
        NamePattern().IsMatch(name ?? "")
            ? name!
            : throw new ArgumentException($"Secret name '{name}' is not a Key Vault secret name: 1-127 letters, digits and '-'.", nameof(name));

    /// <summary>
    /// The path and query of a page's nextLink. Only a link to this vault is followed: the request carries a token,
    /// which must never go to another host.
    /// </summary>
    private string NextPath(string link, string operation)
    {
        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || !string.Equals(uri.GetLeftPart(UriPartial.Authority), _vault.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            throw new KeyVaultException($"{operation} in {_vault}: the next page is at '{link}', not in this vault; it is not followed.", 0, null);
        }

        return uri.PathAndQuery;
    }

    /// <summary>Sends a request; returns the answer's JSON, or null for a 404 (no such secret or version).</summary>
    private async Task<JsonDocument?> GetDocumentAsync(string operation, RequestMethod method, string pathAndQuery, byte[]? body, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        var separator = pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        message.Request.Uri.Reset(new Uri(_vault, pathAndQuery.Contains("api-version=", StringComparison.Ordinal) ? pathAndQuery : pathAndQuery + separator + "api-version=" + _apiVersion));
        message.Request.Headers.SetValue("Accept", "application/json");
        if (body is not null)
        {
            message.Request.Headers.SetValue("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(body);
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status == 404)
        {
            return null;
        }

        if (response.Status is < 200 or > 299)
        {
            var (code, text) = Error(response);
            var advice = (response.Status, code) switch
            {
                (403, "SecretDisabled") => " The secret is disabled; enable it (az keyvault secret set-attributes --enabled true) or set a new value.",
                (401 or 403, _) => " Grant the app's identity the 'Key Vault Secrets Officer' role on the vault (it reads and writes the tokens).",
                (409, _) => " A deleted secret of this name is being kept (soft delete); recover it (az keyvault secret recover) or purge it first.",
                (429, _) => " The vault kept throttling past the retries; try again later.",
                _ => "",
            };
            throw new KeyVaultException(
                string.Create(CultureInfo.InvariantCulture, $"{operation} in {_vault} failed: {response.Status} {code}: {text}.{advice}"), response.Status, code);
        }

        return await JsonDocument.ParseAsync(response.ContentStream ?? Stream.Null, default, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Key Vault's error body: <c>{"error": {"code": "...", "message": "..."}}</c>.</summary>
    private static (string? Code, string Message) Error(Response response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            var error = document.RootElement.GetProperty("error");
            return (error.TryGetProperty("code", out var c) ? c.GetString() : null, error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, response.ReasonPhrase);
        }
    }

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex VersionPattern();
}

/// <summary>A Key Vault request that failed; the message names the operation and the service's code, never a value.</summary>
public sealed class KeyVaultException(string message, int status, string? code) : Exception(message)
{
    /// <summary>HTTP status (0 when no request was sent).</summary>
    public int Status { get; } = status;

    /// <summary>Key Vault's error code, e.g. Forbidden or SecretDisabled.</summary>
    public string? Code { get; } = code;
}
