using System.Globalization;
using KpiFunctions.Core.Domain;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Reference;

/// <summary>Monthly GMV targets in KpiTargets (partition = store id, row = "gmv|yyyy-MM"), in the store's currency.</summary>
public sealed class TargetRepository
{
    private readonly ITableStore _tables;

    /// <summary>Creates the repository.</summary>
    public TargetRepository(ITableStore tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
    }

    /// <summary>Writes targets (replacing any for the same store and month).</summary>
    public async Task SaveAsync(IEnumerable<MonthlyTarget> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        foreach (var byStore in targets.GroupBy(t => t.StoreId, StringComparer.Ordinal))
        {
            foreach (var chunk in byStore.Chunk(TableRules.MaxTransactionActions))
            {
                await _tables.SubmitTransactionAsync(TableNames.Targets, [.. chunk.Select(t =>
                {
                    if (t.Gmv < 0)
                    {
                        throw new ArgumentException($"GMV target for store {t.StoreId} in {t.Month:yyyy-MM} is negative ({t.Gmv}).", nameof(targets));
                    }

                    return new TableTransactionAction(TableTransactionKind.Upsert, new TableEntity(t.StoreId, RowKey(t.Month)) { ["Gmv"] = t.Gmv });
                })], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The store's target for the month of <paramref name="date"/>, or null.</summary>
    public async Task<MonthlyTarget?> GetAsync(string storeId, DateOnly date, CancellationToken cancellationToken = default)
    {
        var month = new DateOnly(date.Year, date.Month, 1);
        var entity = await _tables.GetEntityAsync(TableNames.Targets, storeId, RowKey(month), cancellationToken).ConfigureAwait(false);
        return entity?.GetDecimal("Gmv") is { } gmv ? new MonthlyTarget(storeId, month, gmv) : null;
    }

    private static string RowKey(DateOnly month) => "gmv|" + month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
