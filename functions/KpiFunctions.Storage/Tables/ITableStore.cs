namespace KpiFunctions.Storage.Tables;

/// <summary>Tables of entities keyed by partition key and row key, with ETag concurrency.</summary>
public interface ITableStore
{
    /// <summary>Creates a table unless it exists.</summary>
    Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>An entity, or null when there is none.</summary>
    Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>Inserts; <see cref="TableWriteStatus.Conflict"/> when the keys are taken.</summary>
    Task<TableWriteResult> AddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Inserts or updates without a concurrency check.</summary>
    Task<TableWriteResult> UpsertEntityAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default);

    /// <summary>Updates only if the stored ETag equals <paramref name="ifMatch"/> ("*" matches any).</summary>
    Task<TableWriteResult> UpdateEntityAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default);

    /// <summary>Deletes; false when there was nothing to delete.</summary>
    Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>Entities in key order.</summary>
    IAsyncEnumerable<TableEntity> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default);

    /// <summary>Applies up to 100 operations on one partition, all or none.</summary>
    Task SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default);
}
