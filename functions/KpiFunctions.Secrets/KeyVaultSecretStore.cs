using System.Globalization;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace KpiFunctions.Secrets;

/// <summary>One version of a secret.</summary>
/// <param name="Version">The version id.</param>
/// <param name="Enabled">Whether it can be read.</param>
/// <param name="CreatedUtc">When it was written.</param>
public sealed record SecretVersion(string Version, bool Enabled, DateTimeOffset? CreatedUtc);

/// <summary>
/// Secrets in Azure Key Vault through the official SDK (<see cref="SecretClient"/>), with a Microsoft Entra ID token
/// whose scope the SDK takes from the vault's own challenge (so a sovereign cloud's vault gets its cloud's scope, and
/// a token goes only to a host in the domain the challenge names). A missing secret reads as null. A throttled request
/// (429) is retried after the time its Retry-After gives. Errors name the operation, the secret and the service's code
/// and message, never a value. Setting a secret adds a version; the vault keeps the earlier ones.
/// </summary>
public sealed partial class KeyVaultSecretStore : ISecretStore
{
    private readonly SecretClient _client;
    private readonly Uri _vault;

    /// <summary>Creates a store on the vault at <paramref name="vaultUri"/> (https).</summary>
    /// <param name="vaultUri">The vault, e.g. https://kpi-prod-kv.vault.azure.net.</param>
    /// <param name="credential">The identity that reads and writes the secrets.</param>
    /// <param name="options">The SDK's options; null: its defaults with a few more, longer retries.</param>
    public KeyVaultSecretStore(Uri vaultUri, TokenCredential credential, SecretClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vaultUri);
        ArgumentNullException.ThrowIfNull(credential);
        if (!vaultUri.IsAbsoluteUri || vaultUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Key Vault URI '{vaultUri}' is not an absolute https URL (e.g. https://kpi-prod-kv.vault.azure.net).", nameof(vaultUri));
        }

        _vault = new Uri(vaultUri.GetLeftPart(UriPartial.Authority));
        _client = new SecretClient(_vault, credential, options ?? DefaultOptions());
    }

    /// <summary>The SDK's options with the retries a nightly run wants: up to four, exponential from 1 s to 30 s.</summary>
    public static SecretClientOptions DefaultOptions()
    {
        var options = new SecretClientOptions();
        options.Retry.MaxRetries = 4;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromSeconds(1);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        return options;
    }

    /// <inheritdoc />
    public Task<string?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync($"Get secret '{CheckName(name)}'", async () => (string?)(await _client.GetSecretAsync(name, null, cancellationToken).ConfigureAwait(false)).Value.Value, missing: null);

    /// <summary>A given version of a secret, or null when there is no such secret or version.</summary>
    public Task<string?> GetVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        if (!VersionPattern().IsMatch(version ?? ""))
        {
            throw new ArgumentException($"Secret version '{version}' is not a Key Vault version id (32 hexadecimal characters).", nameof(version));
        }

        return CallAsync($"Get secret '{CheckName(name)}' version {version}", async () => (string?)(await _client.GetSecretAsync(name, version, cancellationToken).ConfigureAwait(false)).Value.Value, missing: null);
    }

    /// <inheritdoc />
    public Task SetAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return CallAsync($"Set secret '{CheckName(name)}'", async () => (await _client.SetSecretAsync(name, value, cancellationToken).ConfigureAwait(false)).Value.Name, missing: null, missingIsFailure: true);
    }

    /// <summary>Every version of a secret (none for a secret that does not exist), following the vault's pages.</summary>
    public Task<IReadOnlyList<SecretVersion>> ListVersionsAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync<IReadOnlyList<SecretVersion>>($"List versions of secret '{CheckName(name)}'", async () =>
        {
            var versions = new List<SecretVersion>();
            await foreach (var properties in _client.GetPropertiesOfSecretVersionsAsync(name, cancellationToken).ConfigureAwait(false))
            {
                versions.Add(new SecretVersion(properties.Version, properties.Enabled ?? true, properties.CreatedOn));
            }

            return versions;
        }, missing: []);

    /// <summary>
    /// One call to the vault: a 404 is <paramref name="missing"/> (unless <paramref name="missingIsFailure"/>), any
    /// other refusal a <see cref="KeyVaultException"/> that says what to do.
    /// </summary>
    private async Task<T> CallAsync<T>(string operation, Func<Task<T>> call, T missing, bool missingIsFailure = false)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404 && !missingIsFailure)
        {
            return missing;
        }
        catch (RequestFailedException e)
        {
            throw Failure(operation, e);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("challenge resource", StringComparison.OrdinalIgnoreCase))
        {
            // The SDK sends a token only to a host in the domain the vault's challenge names (a foreign nextLink or a
            // spoofed challenge gets none).
            throw new KeyVaultException($"{operation} in {_vault} failed: {e.Message.Split(". ", 2)[0]}; no token was sent. Check KPI_KEYVAULT_URI.", 0, null, e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Key Vault {_vault}";

    private static string CheckName(string name) =>
        NamePattern().IsMatch(name ?? "")
            ? name!
            : throw new ArgumentException($"Secret name '{name}' is not a Key Vault secret name: 1-127 letters, digits and '-'.", nameof(name));

    /// <summary>The refusal with what to do about it; the SDK's exception is kept inside (it redacts tokens).</summary>
    private KeyVaultException Failure(string operation, RequestFailedException error)
    {
        var advice = (error.Status, error.ErrorCode) switch
        {
            (403, "SecretDisabled") => " The secret is disabled; enable it (az keyvault secret set-attributes --enabled true) or set a new value.",
            (401 or 403, _) => " Grant the app's identity the 'Key Vault Secrets Officer' role on the vault (it reads and writes the tokens).",
            (409, _) => " A deleted secret of this name is being kept (soft delete); recover it (az keyvault secret recover) or purge it first.",
            (429, _) => " The vault kept throttling past the retries; try again later.",
            _ => "",
        };

        // The SDK's message starts with the service's own sentence; the rest is diagnostics.
        var text = error.Message.Split('\n', 2)[0].Trim().TrimEnd('.');
        return new KeyVaultException(
            string.Create(CultureInfo.InvariantCulture, $"{operation} in {_vault} failed: {error.Status} {error.ErrorCode}: {text}.{advice}"), error.Status, error.ErrorCode, error);
    }

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex VersionPattern();
}

/// <summary>A Key Vault request that failed; the message names the operation and the service's code, never a value.</summary>
public sealed class KeyVaultException(string message, int status, string? code, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>HTTP status (0 when no request was sent).</summary>
    public int Status { get; } = status;

    /// <summary>Key Vault's error code, e.g. Forbidden or SecretDisabled.</summary>
    public string? Code { get; } = code;
}
