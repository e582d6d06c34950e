using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using global::Azure;
using global::Azure.Data.Tables;
using KpiFunctions.Storage.Tables;
using SdkEntity = global::Azure.Data.Tables.TableEntity;
using SdkTransactionAction = global::Azure.Data.Tables.TableTransactionAction;
using TableEntity = KpiFunctions.Storage.Tables.TableEntity;
using TableTransactionAction = KpiFunctions.Storage.Tables.TableTransactionAction;
using TableUpdateMode = KpiFunctions.Storage.Tables.TableUpdateMode;

namespace KpiFunctions.Storage.Azure;

/// <summary>
/// <see cref="ITableStore"/> on Azure Table Storage (or Azurite) through the official SDK. Lost races and missing rows
/// are values; other refusals throw <see cref="StorageRequestException"/> with status, error code and request id.
/// </summary>
public sealed class AzureTableStore : ITableStore
{
    private static readonly HashSet<string> SystemProperties = new(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag" };
    private readonly TableServiceClient _service;
    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);

    /// <summary>Creates a store from a connection string.</summary>
    public AzureTableStore(string connectionString, AzureStorageOptions? options = null)
        : this(StorageAccount.Parse(connectionString), options)
    {
    }

    /// <summary>Creates a store on an account (key, SAS or token credential), with a client of its own.</summary>
    public AzureTableStore(StorageAccount account, AzureStorageOptions? options = null)
        : this((account ?? throw new ArgumentNullException(nameof(account))).CreateTableServiceClient(options))
    {
    }

    /// <summary>Creates a store on a shared service client.</summary>
    public AzureTableStore(TableServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <inheritdoc />
    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        try
        {
            await _service.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw StorageErrors.Refused($"Create table {table}", e);
        }
    }

    /// <inheritdoc />
    public async Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var client = Table(table);
        try
        {
            var found = await client.GetEntityAsync<SdkEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return FromSdk(found.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404 && StorageErrors.ErrorCode(e) != "TableNotFound")
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Get {table}/{partitionKey}/{rowKey}", table, e);
        }
    }

    /// <inheritdoc />
    public async Task<TableWriteResult> AddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        try
        {
            var response = await Table(table).AddEntityAsync(ToSdk(entity), cancellationToken).ConfigureAwait(false);
            return Written(response);
        }
        catch (RequestFailedException e) when (e.Status == 409 && StorageErrors.ErrorCode(e) == "EntityAlreadyExists")
        {
            return new TableWriteResult(TableWriteStatus.Conflict, null);
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Insert {table}/{entity.PartitionKey}/{entity.RowKey}", table, e);
        }
    }

    /// <inheritdoc />
    public async Task<TableWriteResult> UpsertEntityAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        try
        {
            var response = await Table(table).UpsertEntityAsync(ToSdk(entity), Mode(mode), cancellationToken).ConfigureAwait(false);
            return Written(response);
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Upsert {table}/{entity.PartitionKey}/{entity.RowKey}", table, e);
        }
    }

    /// <inheritdoc />
    public async Task<TableWriteResult> UpdateEntityAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        try
        {
            var response = await Table(table).UpdateEntityAsync(ToSdk(entity), new ETag(ifMatch), Mode(mode), cancellationToken).ConfigureAwait(false);
            return Written(response);
        }
        catch (RequestFailedException e) when (e.Status == 404 && StorageErrors.ErrorCode(e) != "TableNotFound")
        {
            return new TableWriteResult(TableWriteStatus.NotFound, null);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return new TableWriteResult(TableWriteStatus.PreconditionFailed, null);
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Update {table}/{entity.PartitionKey}/{entity.RowKey}", table, e);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var client = Table(table);
        try
        {
            // The SDK answers a missing entity with its 404 response rather than an exception.
            var response = await client.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            if (response.Status == 404 && response.Headers.TryGetValue("x-ms-error-code", out var code) && code == "TableNotFound")
            {
                throw MissingTable(table);
            }

            return response.Status != 404;
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Delete {table}/{partitionKey}/{rowKey}", table, e);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TableEntity> QueryAsync(string table, TableQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var client = Table(table);
        var filter = Filter(query);
        var pages = client.QueryAsync<SdkEntity>(filter.Length == 0 ? null : filter, maxPerPage: query.Top is { } top ? Math.Min(top, 1000) : null, cancellationToken: cancellationToken).AsPages();
        var page = pages.GetAsyncEnumerator(cancellationToken);
        await using var pageScope = page.ConfigureAwait(false);
        var returned = 0;
        while (true)
        {
            try
            {
                if (!await page.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (RequestFailedException e)
            {
                throw Refused($"Query {table}", table, e);
            }

            foreach (var entity in page.Current.Values)
            {
                yield return FromSdk(entity);
                if (query.Top is { } limit && ++returned >= limit)
                {
                    yield break;
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            return;
        }

        // The SDK sends a 101-action transaction and fails reading the answer; the rules refuse it up front.
        var partition = TableRules.ValidateTransaction(actions);
        var client = Table(table);
        var batch = actions.Select(a => a.Kind == TableTransactionKind.Delete
            ? new SdkTransactionAction(TableTransactionActionType.Delete, new SdkEntity(a.Entity.PartitionKey, a.Entity.RowKey), ETag.All)
            : new SdkTransactionAction(a.Mode == TableUpdateMode.Merge ? TableTransactionActionType.UpsertMerge : TableTransactionActionType.UpsertReplace, ToSdk(a.Entity)));
        try
        {
            await client.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } index && index < actions.Count)
        {
            var failed = actions[index];
            throw Refused($"Transaction on {table}/{partition} (action {index}: {failed.Kind} of row '{failed.Entity.RowKey}')", table, e);
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Transaction on {table}/{partition}", table, e);
        }
    }

    private TableClient Table(string table)
    {
        TableRules.ValidateTableName(table);
        return _tables.GetOrAdd(table, _service.GetTableClient);
    }

    private static string Filter(TableQuery q)
    {
        var parts = new List<string>();
        void Add(FormattableString condition, string? value)
        {
            if (value is not null)
            {
                parts.Add(TableClient.CreateQueryFilter(condition));
            }
        }

        Add($"PartitionKey eq {q.PartitionKey}", q.PartitionKey);
        Add($"PartitionKey ge {q.PartitionKeyFrom}", q.PartitionKeyFrom);
        Add($"PartitionKey le {q.PartitionKeyTo}", q.PartitionKeyTo);
        Add($"RowKey ge {q.RowKeyFrom}", q.RowKeyFrom);
        Add($"RowKey le {q.RowKeyTo}", q.RowKeyTo);
        return string.Join(" and ", parts);
    }

    private static global::Azure.Data.Tables.TableUpdateMode Mode(TableUpdateMode mode) =>
        mode == TableUpdateMode.Merge ? global::Azure.Data.Tables.TableUpdateMode.Merge : global::Azure.Data.Tables.TableUpdateMode.Replace;

    private static SdkEntity ToSdk(TableEntity entity)
    {
        var sdk = new SdkEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            sdk[name] = value;
        }

        return sdk;
    }

    private static TableEntity FromSdk(SdkEntity sdk)
    {
        var entity = new TableEntity(sdk.PartitionKey, sdk.RowKey) { ETag = sdk.ETag.ToString(), Timestamp = sdk.Timestamp };
        foreach (var (name, value) in sdk)
        {
            if (value is not null && !SystemProperties.Contains(name))
            {
                entity[name] = value;
            }
        }

        return entity;
    }

    private static TableWriteResult Written(Response response) =>
        new(TableWriteStatus.Succeeded, response.Headers.ETag?.ToString());

    private static InvalidOperationException MissingTable(string table) =>
        new($"Table '{table}' does not exist; create it first (CreateTableIfNotExistsAsync).");

    /// <summary>A missing table is a caller's mistake, named as such; any other refusal is the service's.</summary>
    private static Exception Refused(string operation, string table, RequestFailedException error) =>
        error.Status == 404 && StorageErrors.ErrorCode(error) == "TableNotFound" ? MissingTable(table) : StorageErrors.Refused(operation, error);
}
