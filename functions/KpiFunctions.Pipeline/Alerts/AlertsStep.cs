using System.Globalization;
using KpiFunctions.Core.Alerts;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Alerts;

/// <summary>
/// Checks every KPI of a window's store-days against the store's own history (<see cref="AnomalyDetector"/>) and the
/// catalog's thresholds, and replaces the window's alerts in KpiAlerts (partition = date, row = store|kpi), so running
/// a window again gives the same alerts. With <paramref name="keepFrom"/> (the retention's first day), alerts dated
/// before it are neither stored nor returned, and those stored before are deleted, so the table, and what the semantic
/// publish reads from it, stays bounded however long the history grows.
/// </summary>
public sealed class AlertsStep(KpiStorage storage, KpiCatalog catalog, DateOnly? keepFrom = null)
{
    /// <summary>Detects and stores the alerts of <paramref name="storeIds"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public async Task<IReadOnlyList<KpiAlert>> DetectAsync(DateOnly from, DateOnly to, IReadOnlyCollection<string> storeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storeIds);
        var stores = storeIds.ToHashSet(StringComparer.Ordinal);
        var rows = (await new KpiDailyRepository(storage.Tables, catalog).QueryAsync(from.AddDays(-7 * AnomalyDetector.Weeks), to, null, cancellationToken).ConfigureAwait(false))
            .Where(r => stores.Contains(r.StoreId))
            .ToDictionary(r => (r.StoreId, r.Date));
        var alerts = new List<KpiAlert>();
        foreach (var row in rows.Values.Where(r => r.Date >= from).OrderBy(r => r.Date).ThenBy(r => r.StoreId, StringComparer.Ordinal))
        {
            foreach (var kpi in catalog.Kpis)
            {
                if (row.Kpis.GetValueOrDefault(kpi.Id) is not { Value: { } value } cell)
                {
                    continue;
                }

                var history = Enumerable.Range(1, AnomalyDetector.Weeks)
                    .Select(k => rows.GetValueOrDefault((row.StoreId, row.Date.AddDays(-7 * k)))?.Kpis.GetValueOrDefault(kpi.Id)?.Value)
                    .OfType<decimal>()
                    .ToArray();
                // Red alone alerts on the day a KPI turns red, not on every day it stays red (the RAG colours show a
                // lasting red; a daily alert for it would bury the unusual days). Unusual and red is critical either way.
                var red = cell.Status == RagStatus.Red;
                var newlyRed = red && rows.GetValueOrDefault((row.StoreId, row.Date.AddDays(-1)))?.Kpis.GetValueOrDefault(kpi.Id)?.Status != RagStatus.Red;
                if (AnomalyDetector.Check(row.StoreId, row.Date, kpi, value, history, red) is { } alert
                    && (newlyRed || !red || AnomalyDetector.Check(row.StoreId, row.Date, kpi, value, history, red: false) is not null))
                {
                    alerts.Add(alert);
                }
            }
        }

        // The months written (the window's) and those the retention empties are marked before and after, so a publish
        // rereads exactly them (see Changes).
        var old = new List<TableTransactionAction>();
        if (keepFrom is { } first)
        {
            alerts.RemoveAll(a => a.Date < first);
            old = await BeforeAsync(first, cancellationToken).ConfigureAwait(false);
        }

        var touched = old.Select(o => DateOnly.ParseExact(o.Entity.PartitionKey, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        for (var month = StoreCalendar.MonthStart(from); month <= to; month = month.AddMonths(1))
        {
            touched.Add(month);
        }

        var marks = Changes(storage.Tables);
        await marks.MarkAsync(touched, cancellationToken).ConfigureAwait(false);
        await storage.Tables.SubmitInChunksAsync(TableNames.Alerts, old, cancellationToken).ConfigureAwait(false);
        await ReplaceAsync(from, to, stores, alerts, cancellationToken).ConfigureAwait(false);
        await marks.MarkAsync(touched, cancellationToken).ConfigureAwait(false);
        return alerts;
    }

    /// <summary>The change marks of KpiAlerts' months, moved by every write and deletion, read by the semantic publish.</summary>
    public static MonthChanges Changes(ITableStore tables) => new(tables, TableNames.Alerts);

    /// <summary>Deletions of every stored alert, of any store, dated before <paramref name="first"/>.</summary>
    private async Task<List<TableTransactionAction>> BeforeAsync(DateOnly first, CancellationToken cancellationToken)
    {
        var old = new List<TableTransactionAction>();
        var query = new TableQuery { PartitionKeyTo = StoreCalendar.Format(first.AddDays(-1)) };
        await foreach (var e in storage.Tables.QueryAsync(TableNames.Alerts, query, cancellationToken).ConfigureAwait(false))
        {
            old.Add(new TableTransactionAction(TableTransactionKind.Delete, new TableEntity(e.PartitionKey, e.RowKey)));
        }

        return old;
    }

    /// <summary>Every stored alert, by date then store then KPI.</summary>
    public static Task<IReadOnlyList<KpiAlert>> ListAsync(ITableStore tables, CancellationToken cancellationToken = default) =>
        ListAsync(tables, new TableQuery(), cancellationToken);

    /// <summary>The stored alerts dated <paramref name="from"/> to <paramref name="to"/>, by date then store then KPI.</summary>
    public static Task<IReadOnlyList<KpiAlert>> ListAsync(ITableStore tables, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        ListAsync(tables, new TableQuery { PartitionKeyFrom = StoreCalendar.Format(from), PartitionKeyTo = StoreCalendar.Format(to) }, cancellationToken);

    private static async Task<IReadOnlyList<KpiAlert>> ListAsync(ITableStore tables, TableQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var alerts = new List<KpiAlert>();
        await foreach (var e in tables.QueryAsync(TableNames.Alerts, query, cancellationToken).ConfigureAwait(false))
        {
            var key = e.RowKey.Split('|', 2);
            alerts.Add(new KpiAlert(
                key[0],
                StoreCalendar.TryParse(e.PartitionKey, out var date) ? date : throw new InvalidDataException($"{TableNames.Alerts}: partition '{e.PartitionKey}' is not a date."),
                key[1],
                e.GetDecimal("Value") ?? 0,
                e.GetDecimal("Baseline"),
                e.GetDecimal("Mad"),
                e.GetDecimal("Deviation"),
                Enum.Parse<AlertSeverity>(e.GetString("Severity") ?? nameof(AlertSeverity.Warning)),
                e.GetString("Reason") ?? ""));
        }

        return [.. alerts.OrderBy(a => a.Date).ThenBy(a => a.StoreId, StringComparer.Ordinal).ThenBy(a => a.KpiId, StringComparer.Ordinal)];
    }

    private async Task ReplaceAsync(DateOnly from, DateOnly to, HashSet<string> stores, IReadOnlyList<KpiAlert> alerts, CancellationToken cancellationToken)
    {
        var stale = new List<TableTransactionAction>();
        var query = new TableQuery { PartitionKeyFrom = StoreCalendar.Format(from), PartitionKeyTo = StoreCalendar.Format(to) };
        await foreach (var e in storage.Tables.QueryAsync(TableNames.Alerts, query, cancellationToken).ConfigureAwait(false))
        {
            if (stores.Contains(e.RowKey.Split('|')[0]))
            {
                stale.Add(new TableTransactionAction(TableTransactionKind.Delete, new TableEntity(e.PartitionKey, e.RowKey)));
            }
        }

        var fresh = alerts.ToDictionary(a => (StoreCalendar.Format(a.Date), a.StoreId + "|" + a.KpiId));
        await storage.Tables.SubmitInChunksAsync(TableNames.Alerts, stale.Where(a => !fresh.ContainsKey((a.Entity.PartitionKey, a.Entity.RowKey))), cancellationToken).ConfigureAwait(false);
        await storage.Tables.SubmitInChunksAsync(TableNames.Alerts, alerts.Select(a => new TableTransactionAction(TableTransactionKind.Upsert, new TableEntity(StoreCalendar.Format(a.Date), a.StoreId + "|" + a.KpiId)
        {
            ["Value"] = a.Value,
            ["Baseline"] = a.Baseline,
            ["Mad"] = a.Mad,
            ["Deviation"] = a.Deviation,
            ["Severity"] = a.Severity.ToString(),
            ["Reason"] = a.Reason,
        })), cancellationToken).ConfigureAwait(false);
    }
}
