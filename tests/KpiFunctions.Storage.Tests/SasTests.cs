using Azure.Storage;
using Azure.Storage.Sas;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Storage.Tests;

/// <summary>Connection strings with an account SAS token authorize the stores on Azurite, and the signature never shows.</summary>
public sealed class SasTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_read_write_sas_lets_both_clients_write_read_list_and_batch()
    {
        var connection = await SasConnection("rwdlacu");
        var blobs = new AzureBlobStore(connection, AzuriteFixture.NewContainer());
        var tables = new AzureTableStore(connection);
        var table = "Sas" + Guid.NewGuid().ToString("N")[..16];

        await blobs.UploadAsync("a/b.txt", new MemoryStream("hello"u8.ToArray()));
        await using (var read = await blobs.OpenReadAsync("a/b.txt"))
        {
            Assert.Equal("hello", await new StreamReader(read!).ReadToEndAsync());
        }

        var listed = new List<string>();
        await foreach (var item in blobs.ListAsync("a/"))
        {
            listed.Add(item.Path);
        }

        await tables.CreateTableIfNotExistsAsync(table);
        await tables.SubmitInChunksAsync(table, Enumerable.Range(0, 3).Select(i =>
            new TableTransactionAction(TableTransactionKind.Upsert, new TableEntity("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)) { ["N"] = i })));
        var entity = await tables.GetEntityAsync(table, "p", "2");

        Assert.Equal(["a/b.txt"], listed);
        Assert.Equal(2, entity?["N"]);
    }

    [Fact]
    public async Task A_read_only_sas_is_refused_a_write_and_the_error_holds_no_signature()
    {
        var connection = await SasConnection("rl");
        var parsed = StorageAccount.Parse(connection);
        var signature = connection[(connection.IndexOf("sig=", StringComparison.Ordinal) + 4)..].Split('&')[0];
        var blobs = new AzureBlobStore(connection, "tnever" + Guid.NewGuid().ToString("N")[..8]);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => blobs.UploadAsync("x", new MemoryStream([1])));

        Assert.Equal(403, error.Status);
        Assert.True(parsed.UsesSharedAccessSignature);
        Assert.DoesNotContain(signature, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.UnescapeDataString(signature), error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", parsed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_request_carries_the_token_once()
    {
        var connection = await SasConnection("rwdlacu");
        var flaky = new FailFirstAttempt();
        var options = new AzureStorageOptions
        {
            ConfigureClient = client =>
            {
                client.Retry.Delay = TimeSpan.FromMilliseconds(1);
                client.AddPolicy(flaky, global::Azure.Core.HttpPipelinePosition.PerRetry);
            },
        };
        var blobs = new AzureBlobStore(connection, AzuriteFixture.NewContainer(), options);

        await blobs.UploadAsync("retried", new MemoryStream([1, 2, 3]));

        Assert.True(flaky.Attempts.Count >= 2);
        Assert.All(flaky.Attempts, query => Assert.Single(query.Split('&'), p => p.StartsWith("sig=", StringComparison.Ordinal) || p.StartsWith("?sig=", StringComparison.Ordinal)));
    }

    /// <summary>Fails the first attempt of every request with a network error, so the pipeline retries it; records each attempt's query.</summary>
    private sealed class FailFirstAttempt : global::Azure.Core.Pipeline.HttpPipelinePolicy
    {
        public List<string> Attempts { get; } = [];

        public override void Process(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            lock (Attempts)
            {
                Attempts.Add(message.Request.Uri.Query);
            }

            if (!message.TryGetProperty(typeof(FailFirstAttempt), out _))
            {
                message.SetProperty(typeof(FailFirstAttempt), true);
                throw new IOException("simulated connection reset");
            }

            await ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>An account SAS for blobs, tables and queues, signed with Azurite's well-known key by the SDK's builder.</summary>
    private Task<string> SasConnection(string permissions)
    {
        var builder = new AccountSasBuilder(AccountSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1), AccountSasServices.All, AccountSasResourceTypes.All);
        builder.SetPermissions(permissions);
        var sas = builder.ToSasQueryParameters(new StorageSharedKeyCredential("devstoreaccount1", StorageAccount.DevelopmentAccountKey)).ToString();
        var account = StorageAccount.Parse(azurite.ConnectionString);
        return Task.FromResult($"BlobEndpoint={account.BlobEndpoint};TableEndpoint={account.TableEndpoint};SharedAccessSignature={sas}");
    }
}
