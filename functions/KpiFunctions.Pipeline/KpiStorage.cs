using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Blobs;
using KpiFunctions.Storage.Embedded;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline;

/// <summary>The blob and table stores a pipeline runs on, and a description of where they are.</summary>
/// <param name="Blobs">Blob store (raw, curated, quarantine).</param>
/// <param name="Tables">Table store (run summary, KPIs, registry, targets, FX).</param>
/// <param name="Location">Where the data lives, for people.</param>
public sealed record KpiStorage(IBlobStore Blobs, ITableStore Tables, string Location)
{
    /// <summary>The embedded default: blobs in <c>&lt;dir&gt;/blobs</c>, tables in <c>&lt;dir&gt;/tables.db</c>.</summary>
    public static KpiStorage Embedded(string dataDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var root = Path.GetFullPath(dataDirectory);
        return new KpiStorage(
            new FileBlobStore(Path.Combine(root, "blobs")),
            new SqliteTableStore(Path.Combine(root, "tables.db"), timeProvider),
            root);
    }

    /// <summary>
    /// The blob folders, each a container of its own on Azure: raw pages as received, curated Parquet, quarantined
    /// records, the CSV inbox and its archive, the semantic dataset and the weekly review reports. infra/main.bicep creates the same.
    /// </summary>
    public static IReadOnlyList<string> Containers { get; } = ["raw", "curated", "quarantine", "inbox", "archive", "semantic", "reports"];

    /// <summary>Azure Storage (or Azurite) from a connection string: a container per blob folder, tables in the account.</summary>
    public static KpiStorage Azure(string connectionString, string containerPrefix = "") => Azure(StorageAccount.Parse(connectionString), containerPrefix);

    /// <summary>
    /// Azure Storage on an account (key, SAS or Microsoft Entra ID token): blobs in a container per folder of
    /// <see cref="Containers"/> (named with <paramref name="containerPrefix"/> first, which tests use to keep apart on
    /// one account), tables in the account.
    /// </summary>
    public static KpiStorage Azure(StorageAccount account, string containerPrefix = "", AzureStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(containerPrefix);
        if (!containerPrefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"Container prefix '{containerPrefix}' may hold only lower-case letters, digits and '-' (Azure's container names).", nameof(containerPrefix));
        }

        // One SDK client per service, shared by every container and table (the clients are thread-safe).
        var blobService = account.CreateBlobServiceClient(options);
        var blobs = new FolderContainerBlobStore(Containers, folder => new AzureBlobStore(blobService, containerPrefix + folder, options));
        return new KpiStorage(blobs, new AzureTableStore(account.CreateTableServiceClient(options)), account + ";Containers=" + string.Join(',', Containers.Select(c => containerPrefix + c)));
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
