using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>The same run on Azure Storage (Azurite) and on the embedded store writes the same KPI rows.</summary>
public sealed class AzureStoragePipelineTests : IAsyncLifetime
{
    private AzuriteProcess _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task A_run_on_azurite_gives_the_same_kpis_as_the_embedded_store()
    {
        var from = new DateOnly(2026, 11, 1);
        var to = new DateOnly(2026, 11, 4);
        using var embedded = new Harness(3);
        using var azure = new Harness(3) { Storage = KpiStorage.Azure(_azurite.ConnectionString, "t" + Guid.NewGuid().ToString("N")[..12] + "-") };
        await embedded.SeedAsync(from, to);
        await azure.SeedAsync(from, to);

        var onAzure = await azure.Runner().RunAsync(new RunRequest(from, to));
        await embedded.Runner().RunAsync(new RunRequest(from, to));
        var azureRows = await new KpiDailyRepository(azure.Storage.Tables, KpiCatalog.Default).QueryAsync(from, to);
        var embeddedRows = await new KpiDailyRepository(embedded.Storage.Tables, KpiCatalog.Default).QueryAsync(from, to);

        Assert.Equal(RunStatus.Completed, onAzure.Header.Status);
        Assert.Equal(12, azureRows.Count);
        Assert.Equal(embeddedRows.Count, azureRows.Count);
        for (var i = 0; i < azureRows.Count; i++)
        {
            Assert.Equal((embeddedRows[i].StoreId, embeddedRows[i].Date), (azureRows[i].StoreId, azureRows[i].Date));
            Assert.Equal(embeddedRows[i].Kpis, azureRows[i].Kpis);
            Assert.Equal(embeddedRows[i].Measures, azureRows[i].Measures);
        }

        Assert.True(await azure.Storage.Blobs.ExistsAsync(Curated.CuratedStore.PartitionPath("orders", "uk-main", to)));

        // Every curated file the embedded run wrote, the Azure run wrote at the same path with the same bytes.
        var curated = 0;
        await foreach (var item in embedded.Storage.Blobs.ListAsync("curated/"))
        {
            curated++;
            Assert.Equal(await BytesAsync(embedded.Storage, item.Path), await BytesAsync(azure.Storage, item.Path));
        }

        Assert.True(curated > 40, $"only {curated} curated files compared");

        // The run published under the lease on the semantic container's lock blob, and let it go: a second publish gets it.
        var publisher = new Semantic.SemanticPublisher(azure.Storage, KpiCatalog.Default, TimeSpan.FromDays(7), azure.Time, lockWait: TimeSpan.Zero);
        var published = await publisher.CurrentAsync();
        azure.Time.Now += TimeSpan.FromMinutes(1);
        var again = await publisher.PublishAsync("again");
        Assert.NotNull(published);
        Assert.True(string.CompareOrdinal(again.Version, published.Version) > 0);
        Assert.True(await azure.Storage.Blobs.ExistsAsync(Semantic.SemanticPublisher.LockPath));
    }

    private static async Task<byte[]> BytesAsync(KpiStorage storage, string path)
    {
        await using var stream = await storage.Blobs.OpenReadAsync(path) ?? throw new InvalidOperationException($"{storage.Location} has no {path}.");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
