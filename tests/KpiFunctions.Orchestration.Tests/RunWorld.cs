using System.Globalization;
using System.Text;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Orchestration;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Activities;
using KpiFunctions.Pipeline.Demo;
using KpiFunctions.Pipeline.Notify;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace KpiFunctions.Orchestration.Tests;

/// <summary>
/// Demo stores on an embedded store in a temp folder, with the app's activities over them (counted, and with faults
/// when a test asks) registered on the in-memory Durable host exactly as every host registers them; alert webhooks
/// when a test gives them (built over the world's temp folder).
/// </summary>
internal sealed class RunWorld : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly From = new(2026, 11, 16);
    public static readonly DateOnly To = new(2026, 11, 18);
    private readonly TempDirectory _dir = new();

    public RunWorld(int stores, Func<string, AlertWebhooks>? webhooks = null, int chunkDays = 31)
    {
        Stores = DemoStores.Create(stores);
        World = new SyntheticWorld(7, Stores, Now, new BuyerIdHasher(Encoding.UTF8.GetBytes("orchestration-salt-0123")));
        Storage = KpiStorage.Embedded(_dir.Path, new FixedTimeProvider(Now));
        var options = new PipelineOptions { ResponseWindows = DemoStores.ResponseWindows, MaxAttempts = 3, RetryFirstSeconds = 0.05, RetryBackoff = 1, BackfillChunkDays = chunkDays };
        Activities = new CountingActivities(new RunActivities(Storage, new SyntheticSource(World), new SyntheticFxSource(World), options, new FixedTimeProvider(Now))
        {
            Webhooks = webhooks?.Invoke(_dir.Path),
        });
    }

    public IReadOnlyList<Store> Stores { get; }

    public SyntheticWorld World { get; }

    public KpiStorage Storage { get; }

    public CountingActivities Activities { get; }

    public Task SeedAsync() => DemoSetup.SeedAsync(Storage, World, From, To);

    /// <summary>Seeds the stores for another window.</summary>
    public Task SeedAsync(DateOnly from, DateOnly to) => DemoSetup.SeedAsync(Storage, World, from, to);

    /// <summary>Starts the in-memory host with the app's registration over this world's activities.</summary>
    public Task<DurableTaskTestHost> StartHostAsync() => DurableTaskTestHost.StartAsync(registry => registry.AddKpiTasks(Activities));

    /// <summary>Runs the window to the end under <paramref name="runId"/>; returns the instance with its output.</summary>
    public async Task<OrchestrationMetadata> RunAsync(DurableTaskTestHost host, string runId = "test-run", RunInput? input = null)
    {
        await host.Client.ScheduleNewOrchestrationInstanceAsync(KpiTasks.KpiRun, input ?? new RunInput(From, To), new StartOrchestrationOptions { InstanceId = runId });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await host.Client.WaitForInstanceCompletionAsync(runId, getInputsAndOutputs: true, timeout.Token);
    }

    /// <summary>Every KpiDaily entity of the given stores, a line per property, in key order.</summary>
    public async Task<string> KpiRowsAsync(IReadOnlyCollection<string> storeIds)
    {
        var text = new StringBuilder();
        await foreach (var entity in Storage.Tables.QueryAsync(TableNames.Daily, KpiFunctions.Storage.Tables.TableQuery.All))
        {
            if (!storeIds.Contains(entity.RowKey))
            {
                continue;
            }

            text.Append(entity.PartitionKey).Append(' ').Append(entity.RowKey).Append('\n');
            foreach (var (name, value) in entity.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append("  ").Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Every curated partition of a per-day dataset for the given stores, path and bytes, in path order.</summary>
    public async Task<string> CuratedAsync(string dataset, IReadOnlyCollection<string> storeIds)
    {
        var text = new StringBuilder();
        var paths = new List<string>();
        await foreach (var blob in Storage.Blobs.ListAsync($"curated/{dataset}/"))
        {
            // Store-day partitions, and store-month ones (kpi_store_day): .../store=<id>/part-00000.parquet.
            var store = blob.Path.Split('/').FirstOrDefault(p => p.StartsWith("store=", StringComparison.Ordinal))?["store=".Length..];
            if (store is not null && storeIds.Contains(store))
            {
                paths.Add(blob.Path);
            }
        }

        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            await using var stream = (await Storage.Blobs.OpenReadAsync(path))!;
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            text.Append(path).Append(' ').Append(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.ToArray()))).Append('\n');
        }

        return text.ToString();
    }

    public void Dispose()
    {
        (Storage.Tables as IDisposable)?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
