using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Fx;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Kpis;

/// <summary>
/// KPI rows in KpiDaily: partition = store-local date, row = store id. Per KPI the properties are
/// <c>&lt;id&gt;</c> (value), <c>&lt;id&gt;_rpt</c> (money KPIs in the reporting currency), <c>&lt;id&gt;_rag</c>
/// (status) and <c>&lt;id&gt;_why</c> (why a value is null); base measures are <c>m_&lt;id&gt;</c>. Decimals are
/// invariant strings, so money stays exact.
/// </summary>
public sealed class KpiDailyRepository
{
    private readonly ITableStore _tables;
    private readonly KpiCatalog _catalog;

    /// <summary>Creates the repository.</summary>
    public KpiDailyRepository(ITableStore tables, KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(catalog);
        _tables = tables;
        _catalog = catalog;
    }

    /// <summary>
    /// Replaces rows, one transaction per date and up to 100 stores; the months they fall in are marked changed
    /// (<see cref="Changes"/>) before and after, so a publish rereads exactly those months.
    /// </summary>
    public async Task SaveAsync(IReadOnlyList<KpiDailyRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        var marks = Changes(_tables);
        await marks.MarkAsync(rows.Select(r => r.Date), cancellationToken).ConfigureAwait(false);
        await _tables.SubmitInChunksAsync(
            TableNames.Daily,
            rows.OrderBy(r => r.Date).ThenBy(r => r.StoreId, StringComparer.Ordinal).Select(r => new TableTransactionAction(TableTransactionKind.Upsert, ToEntity(r))),
            cancellationToken).ConfigureAwait(false);
        await marks.MarkAsync(rows.Select(r => r.Date), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The change marks of KpiDaily's months.</summary>
    public static MonthChanges Changes(ITableStore tables) => new(tables, TableNames.Daily);

    /// <summary>Rows of one store-local month (yyyy-MM), ordered by date then store.</summary>
    public Task<IReadOnlyList<KpiDailyRow>> QueryMonthAsync(string month, CancellationToken cancellationToken = default)
    {
        var first = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return QueryAsync(first, first.AddMonths(1).AddDays(-1), null, cancellationToken);
    }

    /// <summary>Rows for a date range, optionally one store, ordered by date then store.</summary>
    public async Task<IReadOnlyList<KpiDailyRow>> QueryAsync(DateOnly from, DateOnly to, string? storeId = null, CancellationToken cancellationToken = default)
    {
        var query = new TableQuery { PartitionKeyFrom = StoreCalendar.Format(from), PartitionKeyTo = StoreCalendar.Format(to) };
        if (storeId is not null)
        {
            query = query with { RowKeyFrom = storeId, RowKeyTo = storeId };
        }

        var rows = new List<KpiDailyRow>();
        await foreach (var e in _tables.QueryAsync(TableNames.Daily, query, cancellationToken).ConfigureAwait(false))
        {
            rows.Add(FromEntity(e));
        }

        return rows;
    }

    /// <summary>The days of a date range that have a row for the store, from the keys alone (no row is decoded).</summary>
    public async Task<IReadOnlySet<DateOnly>> DatesAsync(DateOnly from, DateOnly to, string storeId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storeId);
        var query = new TableQuery { PartitionKeyFrom = StoreCalendar.Format(from), PartitionKeyTo = StoreCalendar.Format(to), RowKeyFrom = storeId, RowKeyTo = storeId };
        var dates = new HashSet<DateOnly>();
        await foreach (var e in _tables.QueryAsync(TableNames.Daily, query, cancellationToken).ConfigureAwait(false))
        {
            dates.Add(StoreCalendar.TryParse(e.PartitionKey, out var date) ? date : throw new InvalidDataException($"{TableNames.Daily}: partition '{e.PartitionKey}' is not a yyyy-MM-dd date."));
        }

        return dates;
    }

    private TableEntity ToEntity(KpiDailyRow r)
    {
        var e = new TableEntity(StoreCalendar.Format(r.Date), r.StoreId)
        {
            ["Country"] = r.Country,
            ["Currency"] = r.Currency,
            ["ReportingCurrency"] = r.ReportingCurrency,
            ["FxStatus"] = r.FxStatus.ToString(),
            ["FxNote"] = r.FxNote,
            ["Provisional"] = r.Provisional,
        };
        if (r.Reconciliation is { } rec)
        {
            e["RecPlatformGmv"] = rec.PlatformGmv;
            e["RecPipelineGmv"] = rec.PipelineGmv;
            e["RecPlatformOrders"] = rec.PlatformOrders;
            e["RecPipelineOrders"] = rec.PipelineOrders;
            e["RecFlagged"] = rec.Flagged;
            e["RecNote"] = rec.Note;
            if (rec.GmvGapPct is { } gap)
            {
                e["RecGmvGapPct"] = gap;
            }
        }

        if (r.FxRate is { } rate)
        {
            e["FxRate"] = rate;
        }

        if (r.FxRateDate is { } rateDate)
        {
            e["FxRateDate"] = StoreCalendar.Format(rateDate);
        }

        foreach (var kpi in _catalog.Kpis)
        {
            if (!r.Kpis.TryGetValue(kpi.Id, out var cell))
            {
                continue;
            }

            e[kpi.Id] = cell.Value;
            e[kpi.Id + "_rag"] = cell.Status.ToString();
            e[kpi.Id + "_why"] = cell.NullReason;
            if (kpi.IsMonetary)
            {
                e[kpi.Id + "_rpt"] = cell.ReportingValue;
            }
        }

        foreach (var (id, value) in r.Measures)
        {
            e["m_" + id] = value;
        }

        return e;
    }

    private KpiDailyRow FromEntity(TableEntity e)
    {
        var kpis = new Dictionary<string, KpiCell>(StringComparer.Ordinal);
        foreach (var kpi in _catalog.Kpis)
        {
            if (e.GetString(kpi.Id + "_rag") is not { } rag)
            {
                continue;
            }

            kpis[kpi.Id] = new KpiCell(e.GetDecimal(kpi.Id), e.GetDecimal(kpi.Id + "_rpt"), Enum.Parse<RagStatus>(rag), e.GetString(kpi.Id + "_why"));
        }

        var measures = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        foreach (var m in _catalog.Measures)
        {
            measures[m.Id] = e.GetDecimal("m_" + m.Id);
        }

        return new KpiDailyRow(
            e.RowKey,
            StoreCalendar.TryParse(e.PartitionKey, out var date) ? date : throw new InvalidDataException($"KpiDaily partition '{e.PartitionKey}' is not a yyyy-MM-dd date."),
            e.GetString("Country") ?? "",
            e.GetString("Currency") ?? "",
            e.GetString("ReportingCurrency") ?? "",
            e.GetDecimal("FxRate"),
            StoreCalendar.TryParse(e.GetString("FxRateDate"), out var rd) ? rd : null,
            Enum.TryParse<FxStatus>(e.GetString("FxStatus"), out var status) ? status : FxStatus.Missing,
            e.GetString("FxNote"),
            kpis,
            measures)
        {
            Provisional = e.GetBoolean("Provisional") ?? false,
            Reconciliation = e.GetBoolean("RecFlagged") is { } flagged
                ? new Reconciliation(e.GetDecimal("RecPlatformGmv") ?? 0, e.GetDecimal("RecPipelineGmv") ?? 0, e.GetInt64("RecPlatformOrders") ?? 0, e.GetInt64("RecPipelineOrders") ?? 0, e.GetDecimal("RecGmvGapPct"), flagged, e.GetString("RecNote"))
                : null,
        };
    }

    /// <summary>The rounding applied to every stored value: 6 decimals, banker's rounding.</summary>
    public static decimal? Round(decimal? value) => value is { } v ? decimal.Round(v, 6, MidpointRounding.ToEven) : null;

    /// <summary>Formats a stored value for display with the KPI's format.</summary>
    public static string Display(decimal? value, KpiDefinition kpi)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        return value is { } v ? v.ToString(kpi.Format, CultureInfo.InvariantCulture) : "–";
    }
}
