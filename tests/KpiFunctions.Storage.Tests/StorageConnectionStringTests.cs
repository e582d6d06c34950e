using KpiFunctions.Storage.Azure;

namespace KpiFunctions.Storage.Tests;

public class StorageConnectionStringTests
{
    [Fact]
    public void Development_storage_is_azurites_account_on_its_default_ports()
    {
        var cs = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", cs.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), cs.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), cs.TableEndpoint);
    }

    [Fact]
    public void An_account_key_string_gets_the_default_endpoints_and_never_shows_the_key()
    {
        var key = Convert.ToBase64String(new byte[] { 1, 2, 3, 4 });

        var cs = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=kpistore;AccountKey={key};EndpointSuffix=core.windows.net");

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
        var ex = Assert.Throws<ArgumentException>(() => StorageConnectionString.Parse(text));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not base64!", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sas_string_uses_its_endpoints_and_never_shows_the_token()
    {
        var parsed = StorageConnectionString.Parse(
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
        var ex = Assert.Throws<ArgumentException>(() => StorageConnectionString.Parse(text));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETSIG", ex.Message, StringComparison.Ordinal);
    }
}
