namespace KpiFunctions.Storage.Tables;

/// <summary>Writes over <see cref="ITableStore"/> that need more than one transaction.</summary>
public static class TableStoreExtensions
{
    /// <summary>
    /// Submits any number of operations as entity group transactions: grouped by partition (in the order partitions
    /// first appear), then chunked to <see cref="TableRules.MaxTransactionActions"/>. Each chunk is all-or-nothing;
    /// the set as a whole is not, so callers write sets that are safe to repeat (upserts) and repeat on failure.
    /// </summary>
    /// <returns>The number of transactions submitted.</returns>
    public static async Task<int> SubmitInChunksAsync(this ITableStore store, string table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(actions);
        var transactions = 0;
        foreach (var partition in actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(TableRules.MaxTransactionActions))
            {
                await store.SubmitTransactionAsync(table, chunk, cancellationToken).ConfigureAwait(false);
                transactions++;
            }
        }

        return transactions;
    }
}
