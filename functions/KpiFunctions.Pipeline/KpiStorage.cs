using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Blobs;
using KpiFunctions.Storage.Embedded;
using KpiFunctions.Storage.Queues;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline;

/// <summary>The blob, table and queue stores a pipeline runs on, and a description of where they are.</summary>
/// <param name="Blobs">Blob store (raw, curated, quarantine).</param>
/// <param name="Tables">Table store (ledger, KPIs, registry, targets, FX).</param>
/// <param name="Location">Where the data lives, for people.</param>
public sealed record KpiStorage(IBlobStore Blobs, ITableStore Tables, string Location)
{
    /// <summary>Queue store (the Functions app's steps); null for an account reached by a SAS that names no queue endpoint.</summary>
    public IQueueStore? Queues { get; init; }

    /// <summary>The embedded default: blobs in <c>&lt;dir&gt;/blobs</c>, tables in <c>&lt;dir&gt;/tables.db</c>.</summary>
    public static KpiStorage Embedded(string dataDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var root = Path.GetFullPath(dataDirectory);
        return new KpiStorage(
            new FileBlobStore(Path.Combine(root, "blobs")),
            new SqliteTableStore(Path.Combine(root, "tables.db"), timeProvider),
            root)
        {
            Queues = new SqliteQueueStore(Path.Combine(root, "queues.db"), timeProvider),
        };
    }

    /// <summary>Azure Storage (or Azurite) from a connection string: blobs in <paramref name="container"/>, tables in the account.</summary>
    public static KpiStorage Azure(string connectionString, string container = "kpi") => Azure(StorageAccount.Parse(connectionString), container);

    /// <summary>Azure Storage on an account (key, SAS or Microsoft Entra ID token): blobs in <paramref name="container"/>, tables in the account.</summary>
    public static KpiStorage Azure(StorageAccount account, string container = "kpi", AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new KpiStorage(new AzureBlobStore(account, container, options), new AzureTableStore(account, options), account + ";Container=" + container)
        {
            Queues = account.QueueEndpoint is null ? null : new AzureQueueStore(account, options),
        };
    }

    /// <summary>The embedded default for a data folder, or Azure Storage when an account is given.</summary>
    public static KpiStorage Open(StorageAccount? account, string dataDirectory, TimeProvider? timeProvider = null) =>
        account is null ? Embedded(dataDirectory, timeProvider) : Azure(account);

    /// <summary>Creates every table the pipeline uses.</summary>
    public async Task EnsureTablesAsync(CancellationToken cancellationToken = default)
    {
        foreach (var table in TableNames.All)
        {
            await Tables.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
        }
    }
}
