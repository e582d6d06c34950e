using System.Text;
using KpiFunctions.Local;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Demo;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Local;
using KpiFunctions.Pipeline.Orchestration;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.App.Tests;

/// <summary>
/// Whole runs through the handler on Azurite, with <see cref="HostEmulator"/> playing the host from the repo's own
/// host.json and function.json files: concurrent batches, twin deliveries, duplicated outputs, a host dying after the
/// handler answered, a store poisoned. Each ends with one compute, a correct ledger and a clean run's KPI rows.
/// </summary>
public sealed class HostedDeliveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly From = new(2026, 11, 16);
    private static readonly DateOnly To = new(2026, 11, 19);
    private static readonly byte[] Salt = Encoding.UTF8.GetBytes("hosted-delivery-salt-0123");

    [Fact]
    public async Task Concurrent_twin_duplicated_and_dying_deliveries_through_the_handler_compute_once_and_give_the_clean_runs_rows()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await StartAsync(azurite, null);
        var host = new HostEmulator(server.Client, server.Services.Storage.Queues!, seed: 5)
        {
            DuplicateShare = 0.5,
            // Chosen by what the messages say, so the same deliveries are twinned or die on every run of the test.
            Twin = (queue, m) => m.DequeueCount == 1 && (queue == QueueNames.Compute || queue == QueueNames.Fetch && !m.Text.Contains("us-west", StringComparison.Ordinal)),
            DiesAfterWork = (queue, m) => m.DequeueCount == 1 && (queue == QueueNames.Publish || queue == QueueNames.Fetch && m.Text.Contains("us-west", StringComparison.Ordinal)),
        };

        var runId = await StartRunAsync(host);
        await host.DeliverAllAsync();

        var ledger = new RunLedger(server.Services.Storage.Tables);
        var header = (await ledger.GetAsync(runId))!;
        var tasks = await ledger.GetTasksAsync(runId);
        Assert.True(host.Twins >= 3, string.Join("\n", host.Log));
        Assert.Contains(host.Log, l => l.StartsWith("FetchStore #1: the host died", StringComparison.Ordinal));
        Assert.Contains(host.Log, l => l.StartsWith("PublishSemantic #1: the host died", StringComparison.Ordinal));
        Assert.Equal((RunStatus.Completed, 1), (header.Status, header.Computations));
        Assert.NotNull(header.PublishedUtc);
        Assert.All(tasks, t => Assert.Equal((StoreTaskStatus.Succeeded, 1), (t.Status, t.Attempts))); // never two fetches of a store
        Assert.Equal(await CleanRowsAsync(server.Services.Options), await RowsAsync(server.Services.Storage));

        var (status, body) = await host.HttpAsync("Runs", "GET", "https://kpi.example/api/runs/" + runId, null, new Dictionary<string, string> { ["id"] = runId });
        Assert.Equal((200, "Completed", "3/3 stores finished"), (status, body["runtimeStatus"]!.GetValue<string>(), body["customStatus"]!["progress"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_store_that_fails_every_delivery_through_the_handler_is_poisoned_marked_failed_and_the_run_completes_with_errors()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await StartAsync(azurite, source => new FailingStore(source, "us-east"));
        var host = new HostEmulator(server.Client, server.Services.Storage.Queues!, seed: 9);

        var runId = await StartRunAsync(host);
        await host.DeliverAllAsync();

        var ledger = new RunLedger(server.Services.Storage.Tables);
        var header = (await ledger.GetAsync(runId))!;
        var failed = (await ledger.GetTasksAsync(runId)).Single(t => t.StoreId == "us-east");
        Assert.Equal((RunStatus.CompletedWithErrors, 1), (header.Status, header.Computations));
        Assert.Contains("failed stores: us-east", header.Output, StringComparison.Ordinal);
        Assert.Equal((StoreTaskStatus.Failed, host.MaxDequeueCount), (failed.Status, failed.Attempts));
        Assert.Equal($"gave up after {host.MaxDequeueCount} attempts; last error: us-east's API is down", failed.LastError);
        Assert.Equal(host.MaxDequeueCount, host.Log.Count(l => l.StartsWith("FetchStore #", StringComparison.Ordinal) && l.Contains(": 500 ", StringComparison.Ordinal)));
        Assert.Equal((await CleanRowsAsync(server.Services.Options)).Where(r => r.Store != "us-east"), await RowsAsync(server.Services.Storage));

        var (status, body) = await host.HttpAsync("Runs", "GET", "https://kpi.example/api/runs/" + runId, null, new Dictionary<string, string> { ["id"] = runId });
        Assert.Equal((200, "Completed"), (status, body["runtimeStatus"]!.GetValue<string>()));
        Assert.Equal("CompletedWithErrors", body["customStatus"]!["status"]!.GetValue<string>());
    }

    private static async Task<HandlerServer> StartAsync(AzuriteProcess azurite, Func<IStoreSource, IStoreSource>? decorate)
    {
        var settings = new Dictionary<string, string>
        {
            ["KPI_STORAGE"] = azurite.ConnectionString,
            ["KPI_SOURCE"] = "synthetic",
            ["KPI_BUYER_HASH_SALT"] = Convert.ToBase64String(Salt),
        };
        var server = await HandlerServer.StartAsync(settings, new FixedTimeProvider(Now), decorate);
        await DemoSetup.SeedAsync(server.Services.Storage, World(), From.AddDays(-10), To);
        return server;
    }

    private static async Task<string> StartRunAsync(HostEmulator host)
    {
        var (status, body) = await host.HttpAsync("Runs", "POST", "https://kpi.example/api/runs", $$"""{"from":"{{From:yyyy-MM-dd}}","to":"{{To:yyyy-MM-dd}}"}""");
        Assert.Equal(202, status);
        return body["id"]!.GetValue<string>();
    }

    private static SyntheticWorld World() => new(42, DemoStores.Create(3), Now, new BuyerIdHasher(Salt));

    /// <summary>The same window run in-process on the embedded store, nothing going wrong.</summary>
    private static async Task<List<(string Store, DateOnly Date, string Kpis)>> CleanRowsAsync(PipelineOptions options)
    {
        using var dir = new TempDirectory();
        var storage = KpiStorage.Embedded(dir.Path, new FixedTimeProvider(Now));
        var world = World();
        await DemoSetup.SeedAsync(storage, world, From.AddDays(-10), To);
        await new LocalPipelineRunner(storage, new SyntheticSource(world), new SyntheticFxSource(world), options, new FixedTimeProvider(Now), new Random(1))
            .RunAsync(new RunRequest(From, To));
        var rows = await RowsAsync(storage);
        (storage.Tables as IDisposable)?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return rows;
    }

    private static async Task<List<(string Store, DateOnly Date, string Kpis)>> RowsAsync(KpiStorage storage) =>
        [.. (await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(From, To))
            .Select(r => (r.StoreId, r.Date, string.Join(";", r.Kpis.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}"))))];

    /// <summary>Every fetch of one store fails, as when its API is down.</summary>
    private sealed class FailingStore(IStoreSource inner, string storeId) : IStoreSource
    {
        public string Name => inner.Name;

        public Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default) =>
            store.Id == storeId ? throw new HttpRequestException($"{store.Id}'s API is down") : inner.FetchDayAsync(store, date, cancellationToken);

        public Task<IReadOnlyList<ProductCost>> FetchCostsAsync(Store store, CancellationToken cancellationToken = default) => inner.FetchCostsAsync(store, cancellationToken);
    }
}
