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
        var all = targets.ToList();
        // Checked before anything is written, so a bad target leaves the table as it was.
        if (all.FirstOrDefault(t => t.Gmv < 0) is { } bad)
        {
            throw new ArgumentException($"GMV target for store {bad.StoreId} in {bad.Month:yyyy-MM} is negative ({bad.Gmv}).", nameof(targets));
        }

        await _tables.SubmitInChunksAsync(
            TableNames.Targets,
            all.Select(t => new TableTransactionAction(TableTransactionKind.Upsert, new TableEntity(t.StoreId, RowKey(t.Month)) { ["Gmv"] = t.Gmv })),
            cancellationToken).ConfigureAwait(false);
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
