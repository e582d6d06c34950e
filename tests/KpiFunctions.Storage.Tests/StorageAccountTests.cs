using KpiFunctions.Storage.Azure;

namespace KpiFunctions.Storage.Tests;

public class StorageAccountTests
{
    [Fact]
    public void Development_storage_is_azurites_account_on_its_default_ports()
    {
        var cs = StorageAccount.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", cs.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), cs.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), cs.TableEndpoint);
    }

    [Fact]
    public void An_account_key_string_gets_the_default_endpoints_and_never_shows_the_key()
    {
        var key = Convert.ToBase64String(new byte[] { 1, 2, 3, 4 });

        var cs = StorageAccount.Parse($"DefaultEndpointsProtocol=https;AccountName=kpistore;AccountKey={key};EndpointSuffix=core.windows.net");

        Assert.Equal(new Uri("https://kpistore.blob.core.windows.net"), cs.BlobEndpoint);
        Assert.Equal(new Uri("https://kpistore.table.core.windows.net"), cs.TableEndpoint);
        Assert.DoesNotContain(key, cs.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountKey=AAAA", "no AccountName")]
    [InlineData("AccountName=x", "no AccountKey")]
    [InlineData("AccountName=x;AccountKey=not base64!", "not valid base64")]
    [InlineData("AccountName", "has no value")]
    public void Bad_strings_say_what_is_missing_without_echoing_secrets(string text, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageAccount.Parse(text));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not base64!", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountName=x;AccountKey=AAAA;S3CR3TKEYPASTEDWITHOUTPADDING", "part #3 has no value")]
    [InlineData("AccountName=x;AccountKey=AAAA;BlobEndpoint=not a url", "BlobEndpoint is not an absolute http(s) URL")]
    [InlineData("DefaultEndpointsProtocol=ftp;AccountName=x;AccountKey=AAAA", "endpoint (from DefaultEndpointsProtocol, AccountName and EndpointSuffix) is not")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net;TableEndpoint=::?sig=S3CR3T;SharedAccessSignature=sv=1&sig=S3CR3T", "TableEndpoint is not an absolute http(s) URL")]
    public void Nameless_parts_and_endpoints_that_are_not_urls_are_argument_errors_without_the_secret(string text, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageAccount.Parse(text));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3CR3T", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sas_string_uses_its_endpoints_and_never_shows_the_token()
    {
        var parsed = StorageAccount.Parse(
            "BlobEndpoint=https://acct.blob.core.windows.net/;TableEndpoint=https://acct.table.core.windows.net;SharedAccessSignature=?sv=2025-11-05&ss=bt&sig=SECRETSIG%3D");

        Assert.True(parsed.UsesSharedAccessSignature);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://acct.table.core.windows.net"), parsed.TableEndpoint);
        Assert.DoesNotContain("SECRETSIG", parsed.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net;TableEndpoint=https://a.table.core.windows.net;SharedAccessSignature=sv=2025-11-05&ss=bt", "no sig= part")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sig=SECRETSIG", "no TableEndpoint")]
    public void Incomplete_sas_strings_say_what_is_missing_without_the_token(string text, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageAccount.Parse(text));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETSIG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_setting_wins_over_identity_settings_and_no_settings_mean_none()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Store"] = "UseDevelopmentStorage=true",
            ["Store__accountName"] = "kpiprod",
            ["Blank"] = "   ",
            ["Blank__accountName"] = "kpiblank",
            ["Blank__credential"] = " ",
        };

        // A blank connection string falls through to the identity settings; a blank credential means the default chain.
        Assert.Equal("kpiblank", StorageAccount.FromSettings("Blank", k => settings.GetValueOrDefault(k))!.AccountName);

        var fromString = StorageAccount.FromSettings("Store", k => settings.GetValueOrDefault(k));

        Assert.Equal("devstoreaccount1", fromString!.AccountName);
        Assert.False(fromString.UsesTokenCredential);
        Assert.Null(StorageAccount.FromSettings("Other", k => settings.GetValueOrDefault(k)));
    }

    [Fact]
    public void An_account_name_gives_the_default_https_endpoints_and_a_managed_identity()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage__accountName"] = "kpiprod",
            ["AzureWebJobsStorage__credential"] = "managedidentity",
            ["AzureWebJobsStorage__clientId"] = "11111111-2222-3333-4444-555555555555",
        };

        var account = StorageAccount.FromSettings("AzureWebJobsStorage", k => settings.GetValueOrDefault(k))!;

        Assert.Equal(new Uri("https://kpiprod.blob.core.windows.net"), account.BlobEndpoint);
        Assert.Equal(new Uri("https://kpiprod.table.core.windows.net"), account.TableEndpoint);
        Assert.Equal("kpiprod", account.AccountName);
        Assert.IsType<global::Azure.Identity.ManagedIdentityCredential>(account.Credential);
        Assert.Equal("AccountName=kpiprod;BlobEndpoint=https://kpiprod.blob.core.windows.net/;TableEndpoint=https://kpiprod.table.core.windows.net/;Credential=Microsoft Entra ID token (ManagedIdentityCredential)", account.ToString());
    }

    [Fact]
    public void Explicit_service_uris_override_the_account_and_no_credential_setting_means_the_default_chain()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KPI_STORAGE__accountName"] = "kpiprod",
            ["KPI_STORAGE__tableServiceUri"] = "https://kpiprod-secondary.table.core.windows.net",
        };

        var account = StorageAccount.FromSettings("KPI_STORAGE", k => settings.GetValueOrDefault(k))!;

        Assert.Equal(new Uri("https://kpiprod.blob.core.windows.net"), account.BlobEndpoint);
        Assert.Equal(new Uri("https://kpiprod-secondary.table.core.windows.net"), account.TableEndpoint);
        Assert.IsType<global::Azure.Identity.DefaultAzureCredential>(account.Credential);
    }

    [Fact]
    public void A_connection_string_naming_a_queue_endpoint_is_accepted_and_the_endpoint_left_out_of_what_is_shown()
    {
        // Azurite prints, and people paste, connection strings with all three endpoints; only blobs and tables are used.
        var account = StorageAccount.Parse($"AccountName=devstoreaccount1;AccountKey={StorageAccount.DevelopmentAccountKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1");

        Assert.Equal((new Uri("http://127.0.0.1:10000/devstoreaccount1"), new Uri("http://127.0.0.1:10002/devstoreaccount1")), (account.BlobEndpoint, account.TableEndpoint));
        Assert.DoesNotContain("10001", account.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KPI_STORAGE__blobServiceUri", "https://kpiprod.blob.core.windows.net", "KPI_STORAGE__tableServiceUri is missing")]
    [InlineData("KPI_STORAGE__blobServiceUri", "not a url", "KPI_STORAGE__blobServiceUri is not an absolute https URL")]
    [InlineData("KPI_STORAGE__accountName", "kpiprod", "KPI_STORAGE__credential is 'password'")]
    [InlineData("KPI_STORAGE__accountName", "kpiprod.blob.core.windows.net", "KPI_STORAGE__accountName 'kpiprod.blob.core.windows.net' is not a storage account name")]
    [InlineData("KPI_STORAGE__accountName", "evil@host", "is not a storage account name")]
    public void Incomplete_or_wrong_identity_settings_name_the_setting(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (message.Contains("credential", StringComparison.Ordinal))
        {
            settings["KPI_STORAGE__credential"] = "password";
        }

        var ex = Assert.Throws<ArgumentException>(() => StorageAccount.FromSettings("KPI_STORAGE", k => settings.GetValueOrDefault(k)));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_credential_account_refuses_http_endpoints_without_echoing_their_query()
    {
        var credential = new global::Azure.Identity.DefaultAzureCredential();

        var table = Assert.Throws<ArgumentException>(() => StorageAccount.FromTokenCredential(new Uri("https://a.blob.core.windows.net"), new Uri("http://a.table.core.windows.net/?sig=SECRETSIG"), credential));
        var settings = new Dictionary<string, string?> { ["S__blobServiceUri"] = "https://a.blob.core.windows.net", ["S__tableServiceUri"] = "http://a.table.core.windows.net/?sig=SECRETSIG" };
        var fromSettings = Assert.Throws<ArgumentException>(() => StorageAccount.FromSettings("S", k => settings.GetValueOrDefault(k), credential));

        Assert.Contains("is not https", table.Message, StringComparison.Ordinal);
        Assert.Contains("S__tableServiceUri", fromSettings.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETSIG", table.Message + fromSettings.Message, StringComparison.Ordinal);
    }
}
