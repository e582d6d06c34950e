using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Secrets.Tests;

public sealed class KeyVaultSecretStoreTests : IAsyncLifetime
{
    private FakeKeyVault _vault = null!;

    public async Task InitializeAsync() => _vault = await FakeKeyVault.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task A_secret_set_twice_reads_as_its_latest_value_and_keeps_both_versions_across_pages()
    {
        var store = Store();
        _vault.PageSize = 1; // every version on a page of its own: the nextLink is followed

        await store.SetAsync("tiktok-token-uk-main", """{"access_token":"a1"}""");
        await store.SetAsync("tiktok-token-uk-main", """{"access_token":"a2"}""");
        var latest = await store.GetAsync("tiktok-token-uk-main");
        var versions = await store.ListVersionsAsync("tiktok-token-uk-main");

        Assert.Equal("""{"access_token":"a2"}""", latest);
        Assert.Equal(2, versions.Count);
        Assert.All(versions, v => Assert.True(v.Enabled && v.CreatedUtc is not null));
        Assert.Equal("""{"access_token":"a1"}""", await store.GetVersionAsync("tiktok-token-uk-main", versions[0].Version));
        Assert.Contains(_vault.Requests, r => r.PathAndQuery.Contains("$skiptoken=1", StringComparison.Ordinal));

        // The first request asks for the vault's challenge; every later one carries the token it led to.
        Assert.Null(_vault.Requests.First().Authorization);
        Assert.All(_vault.Requests.Skip(1), r => Assert.Equal("Bearer " + FakeKeyVault.Token, r.Authorization));
    }

    [Fact]
    public async Task A_secret_that_does_not_exist_reads_as_null_and_has_no_versions()
    {
        var store = Store();

        Assert.Null(await store.GetAsync("tiktok-token-nowhere"));
        Assert.Null(await store.GetVersionAsync("tiktok-token-nowhere", new string('a', 32)));
        Assert.Empty(await store.ListVersionsAsync("tiktok-token-nowhere"));
    }

    [Fact]
    public async Task A_throttled_request_is_sent_again_after_the_retry_after_the_vault_gave()
    {
        // The client's own delay is 50 ms: only the vault's Retry-After (3 s) explains a longer wait.
        var options = Options();
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        var store = Store(options);
        await store.SetAsync("kpi-buyer-hash-salt", "c2FsdA==");
        _vault.RetryAfterSeconds = 3;
        _vault.Throttle(1);
        var before = _vault.Requests.Count;

        var value = await store.GetAsync("kpi-buyer-hash-salt");

        var gets = _vault.Requests.Skip(before).ToArray();
        Assert.Equal("c2FsdA==", value);
        Assert.Equal(2, gets.Length);
        Assert.True(gets[1].At - gets[0].At >= TimeSpan.FromMilliseconds(2900), $"sent again after {(gets[1].At - gets[0].At).TotalMilliseconds} ms; Retry-After said 3 s");
    }

    [Fact]
    public async Task A_vault_that_keeps_throttling_fails_naming_the_operation_after_the_retries()
    {
        var options = Options();
        options.Retry.MaxRetries = 2;
        var store = Store(options);
        _vault.RetryAfterSeconds = 0;
        _vault.Throttle(100);

        var error = await Assert.ThrowsAsync<KeyVaultException>(() => store.GetAsync("tiktok-app-secret"));

        Assert.Equal((429, "Throttled"), (error.Status, error.Code));
        Assert.StartsWith($"Get secret 'tiktok-app-secret' in {_vault.Uri} failed: 429 Throttled:", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _vault.Requests.Count(r => r.Authorization is not null)); // the first try and two retries
    }

    [Fact]
    public async Task A_refusal_says_which_role_the_identity_needs_and_shows_no_token_or_value()
    {
        var store = Store();
        _vault.Forbidden = true;

        var error = await Assert.ThrowsAsync<KeyVaultException>(() => store.SetAsync("tiktok-token-uk-main", "very-secret-value"));

        Assert.Equal((403, "Forbidden"), (error.Status, error.Code));
        Assert.Contains("Set secret 'tiktok-token-uk-main'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Key Vault Secrets Officer' role", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeKeyVault.Token, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_secret_says_to_enable_it_rather_than_to_grant_a_role()
    {
        var store = Store();
        await store.SetAsync("tiktok-token-uk-main", "v1");
        _vault.Disabled["tiktok-token-uk-main"] = true;

        var error = await Assert.ThrowsAsync<KeyVaultException>(() => store.GetAsync("tiktok-token-uk-main"));

        Assert.Equal((403, "SecretDisabled"), (error.Status, error.Code));
        Assert.Contains("The secret is disabled; enable it", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secrets Officer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_scope_follows_the_resource_the_vaults_challenge_names()
    {
        _vault.ChallengeResource = "https://vault.azure.cn"; // a vault in Azure China
        var store = new KeyVaultSecretStore(_vault.Uri, new StaticToken(FakeKeyVault.Token, "https://vault.azure.cn/.default"), Options());

        await store.SetAsync("tiktok-token-cn-main", "v1");

        Assert.Equal("v1", await store.GetAsync("tiktok-token-cn-main"));
    }

    [Theory]
    [InlineData("tiktok_token_uk")]
    [InlineData("")]
    [InlineData("a/b")]
    public async Task A_name_key_vault_cannot_hold_is_refused_before_any_request(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store().GetAsync(name));

        Assert.Contains("is not a Key Vault secret name: 1-127 letters, digits and '-'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_vault.Requests);
    }

    [Fact]
    public async Task A_challenge_naming_a_domain_other_than_the_vaults_gets_no_token_and_names_the_setting()
    {
        // As a foreign nextLink or a spoofed challenge would: the fake at 127.0.0.1 names vault.azure.net.
        var options = Options();
        options.DisableChallengeResourceVerification = false; // the store's default
        var store = Store(options);

        var error = await Assert.ThrowsAsync<KeyVaultException>(() => store.SetAsync("tiktok-token-uk-main", "very-secret-value"));

        Assert.StartsWith($"Set secret 'tiktok-token-uk-main' in {_vault.Uri} failed: The challenge resource 'vault.azure.net' does not match the requested domain", error.Message, StringComparison.Ordinal);
        Assert.Contains("no token was sent. Check KPI_KEYVAULT_URI.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_vault.Requests, r => r.Authorization is not null);
        Assert.DoesNotContain("very-secret-value", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_vault_reached_without_tls_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new KeyVaultSecretStore(new Uri("http://kpi-kv.vault.azure.net"), new StaticToken(FakeKeyVault.Token, "https://vault.azure.net/.default")));

        Assert.Contains("is not an absolute https URL", error.Message, StringComparison.Ordinal);
    }

    private KeyVaultSecretStore Store(SecretClientOptions? options = null) => new(_vault.Uri, new StaticToken(FakeKeyVault.Token, "https://vault.azure.net/.default"), options ?? Options());

    /// <summary>
    /// The store's default options, pinned to the API version the fake serves, over a transport that trusts the fake;
    /// the fake's challenge names vault.azure.net, which is not its host, so the SDK's domain check is off.
    /// </summary>
    private SecretClientOptions Options()
    {
        var options = new SecretClientOptions(SecretClientOptions.ServiceVersion.V7_5)
        {
            Transport = new HttpClientTransport(_vault.Handler()),
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = KeyVaultSecretStore.DefaultOptions().Retry.MaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        return options;
    }
}
