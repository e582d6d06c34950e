using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Tables;
using KpiFunctions.Tests.Shared;
using TableEntity = KpiFunctions.Storage.Tables.TableEntity;
using TableTransactionAction = KpiFunctions.Storage.Tables.TableTransactionAction;

namespace KpiFunctions.Bench;

/// <summary>
/// Scenario runner for the storage adapters: against one Azurite started for the run, upload a 256 MiB blob in
/// 4 MiB blocks (5 at once, MD5) and upsert 20,000 entities in transactions of 100, through the project's ports and
/// through the same SDK clients called directly (what the ports add), alternating, and print the times and ratios.
/// Usage: dotnet run -c Release -- storage [MiB] [entities] [rounds] [connection string of a running Azurite]
/// </summary>
internal static class StorageBench
{
    private const int MiB = 1024 * 1024;

    public static async Task RunAsync(string[] args)
    {
        var size = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        await using var azurite = args.Length > 3 ? null : await AzuriteProcess.StartAsync();
        var connection = args.Length > 3 ? args[3] : azurite!.ConnectionString;
        var account = StorageAccount.Parse(connection);
        var options = new AzureStorageOptions(); // defaults: 4 MiB blocks, 5 at once
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; Azurite on loopback; blob {size} MiB in {options.BlockSize / MiB} MiB blocks ({options.UploadConcurrency} at once); {count:N0} entities; {rounds} rounds, alternating the ports and the SDK called directly");

        var container = "bench" + Guid.NewGuid().ToString("N")[..8];
        var blobs = new AzureBlobStore(account, container, options);
        var tables = new AzureTableStore(account, options);
        var direct = account.CreateBlobServiceClient(options).GetBlobContainerClient(container);
        var directTables = account.CreateTableServiceClient(options);
        var upload = new BlobUploadOptions
        {
            TransferOptions = new StorageTransferOptions { InitialTransferSize = options.SingleUploadLimit, MaximumTransferSize = options.BlockSize, MaximumConcurrency = options.UploadConcurrency },
            TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
        };
        var data = new byte[size * MiB];
        new Random(42).NextBytes(data);

        // Warm-up (JIT, connections, container) for both sides before timing.
        await blobs.UploadAsync("warm", new MemoryStream(data, 0, 16 * MiB));
        var warmTable = "BenchWarm" + Guid.NewGuid().ToString("N")[..8];
        await tables.CreateTableIfNotExistsAsync(warmTable);
        await tables.SubmitInChunksAsync(warmTable, Entities(1000, "warm"));
        await direct.GetBlobClient("warm-direct").UploadAsync(new MemoryStream(data, 0, 16 * MiB), upload);
        await SubmitDirectAsync(directTables.GetTableClient(warmTable), Entities(1000, "warm"));

        var ours = (Blob: new List<double>(), Table: new List<double>());
        var sdk = (Blob: new List<double>(), Table: new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await blobs.UploadAsync($"ours-{round}", new MemoryStream(data, writable: false));
            ours.Blob.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            await direct.GetBlobClient($"direct-{round}").UploadAsync(new MemoryStream(data, writable: false), upload);
            sdk.Blob.Add(watch.Elapsed.TotalMilliseconds);

            var table = "BenchOurs" + round.ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8];
            await tables.CreateTableIfNotExistsAsync(table);
            var entities = Entities(count, "run").ToList();
            watch.Restart();
            await tables.SubmitInChunksAsync(table, entities);
            ours.Table.Add(watch.Elapsed.TotalMilliseconds);
            var sdkTable = "BenchDirect" + round.ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8];
            var sdkClient = directTables.GetTableClient(sdkTable);
            await sdkClient.CreateIfNotExistsAsync();
            entities = Entities(count, "run").ToList();
            watch.Restart();
            await SubmitDirectAsync(sdkClient, entities);
            sdk.Table.Add(watch.Elapsed.TotalMilliseconds);
            await CheckSameWorkAsync(blobs, tables, $"ours-{round}", $"direct-{round}", table, sdkTable, count);
            Console.WriteLine($"round {round + 1}: blob ports {ours.Blob[^1]:N0} ms, SDK direct {sdk.Blob[^1]:N0} ms; table ports {ours.Table[^1]:N0} ms, SDK direct {sdk.Table[^1]:N0} ms");
        }

        Console.WriteLine();
        Console.WriteLine("| what | the ports (best / median) | the SDK called directly (best / median) | ratio ports/SDK (median) | bar |");
        Console.WriteLine("|---|---|---|---|---|");
        Line($"upload {size} MiB in 4 MiB blocks", ours.Blob, sdk.Blob, ms => $"{size / (ms / 1000):N0} MiB/s");
        Line($"upsert {count:N0} entities, transactions of 100", ours.Table, sdk.Table, ms => $"{count / (ms / 1000):N0} entities/s");
    }

    /// <summary>Both sides did the same work: blobs of one size, tables with every row and equal, equally typed values.</summary>
    private static async Task CheckSameWorkAsync(AzureBlobStore blobs, AzureTableStore tables, string ourBlob, string sdkBlob, string ourTable, string sdkTable, int count)
    {
        long ourSize = 0, sdkSize = 0;
        await foreach (var item in blobs.ListAsync(""))
        {
            ourSize = item.Path == ourBlob ? item.Size : ourSize;
            sdkSize = item.Path == sdkBlob ? item.Size : sdkSize;
        }

        var ourRows = new Dictionary<string, TableEntity>();
        await foreach (var entity in tables.QueryAsync(ourTable, TableQuery.All))
        {
            ourRows[entity.PartitionKey + "/" + entity.RowKey] = entity;
        }

        var sdkRows = 0;
        await foreach (var entity in tables.QueryAsync(sdkTable, TableQuery.All))
        {
            sdkRows++;
            var ours = ourRows[entity.PartitionKey + "/" + entity.RowKey];
            foreach (var (name, value) in entity.Properties)
            {
                if (!Equals(ours[name], value) || ours[name]?.GetType() != value.GetType())
                {
                    throw new InvalidOperationException($"{sdkTable} {entity.PartitionKey}/{entity.RowKey}.{name}: SDK wrote {value} ({value.GetType().Name}), we wrote {ours[name]}.");
                }
            }
        }

        if (ourSize != sdkSize || ourSize == 0 || ourRows.Count != count || sdkRows != count)
        {
            throw new InvalidOperationException($"Unequal work: blobs {ourSize} vs {sdkSize} bytes, rows {ourRows.Count} vs {sdkRows} (expected {count}).");
        }
    }

    /// <summary>20 partitions, with every property type the pipeline writes.</summary>
    private static IEnumerable<TableTransactionAction> Entities(int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            var entity = new TableEntity($"{prefix}-{i % 20:D2}", i.ToString("D6", CultureInfo.InvariantCulture))
            {
                ["StoreId"] = $"store-{i % 20}",
                ["Day"] = new DateTimeOffset(2026, 11, 1 + (i % 28), 0, 0, 0, TimeSpan.Zero),
                ["Orders"] = i % 977,
                ["Units"] = 1_000_000_000_000L + i,
                ["Gmv"] = 1234.5 + i,
                ["Conversion"] = 0.0125 + (i % 100 / 10000.0),
                ["Currency"] = "MYR",
                ["Provisional"] = i % 2 == 0,
            };
            yield return new TableTransactionAction(TableTransactionKind.Upsert, entity);
        }
    }

    private static void Line(string what, List<double> ours, List<double> sdk, Func<double, string> rate)
    {
        var ratio = Median(ours) / Median(sdk);
        Console.WriteLine($"| {what} | {ours.Min():N0} / {Median(ours):N0} ms ({rate(Median(ours))}) | {sdk.Min():N0} / {Median(sdk):N0} ms ({rate(Median(sdk))}) | {ratio:N2} | ≤ 1.15 ({(ratio <= 1.15 ? "met" : "NOT met")}) |");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The SDK's own transactions, grouped by partition and chunked to 100, as the port does.</summary>
    private static async Task SubmitDirectAsync(TableClient client, IEnumerable<TableTransactionAction> actions)
    {
        foreach (var partition in actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(TableRules.MaxTransactionActions))
            {
                await client.SubmitTransactionAsync(chunk.Select(a =>
                {
                    var entity = new Azure.Data.Tables.TableEntity(a.Entity.PartitionKey, a.Entity.RowKey);
                    foreach (var (name, value) in a.Entity.Properties)
                    {
                        entity[name] = value;
                    }

                    return new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.UpsertReplace, entity);
                }));
            }
        }
    }
}
