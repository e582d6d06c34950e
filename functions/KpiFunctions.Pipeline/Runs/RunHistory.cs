using KpiFunctions.Core.Calendar;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Runs;

/// <summary>
/// The run summary in KpiRuns, for people (<c>kpi runs</c>, <c>/api/health</c>): partition = run id; row "run" is the
/// header, rows "store|&lt;id&gt;" each store's outcome. Activities write it; it coordinates nothing (the orchestration
/// does), so every write is a plain upsert and writing the same thing twice changes nothing.
/// </summary>
public sealed class RunHistory
{
    private const string HeaderRow = "run";
    private const string StorePrefix = "store|";
    private const int MaxErrorLength = 1000;
    private readonly ITableStore _tables;

    /// <summary>Creates the history over the tables.</summary>
    public RunHistory(ITableStore tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
    }

    /// <summary>Writes (or writes again) a run's header.</summary>
    public Task SaveAsync(RunHeader header, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        return _tables.UpsertEntityAsync(TableNames.Runs, ToEntity(header), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Writes the stores' outcomes, then the header (so a header that says finished has its stores).</summary>
    public async Task SaveAsync(RunHeader header, IReadOnlyList<StoreTask> stores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(stores);
        await _tables.SubmitInChunksAsync(TableNames.Runs, stores.Select(t => new TableTransactionAction(TableTransactionKind.Upsert, ToEntity(header.RunId, t))), cancellationToken).ConfigureAwait(false);
        await SaveAsync(header, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run's header, or null.</summary>
    public async Task<RunHeader?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        var e = await _tables.GetEntityAsync(TableNames.Runs, runId, HeaderRow, cancellationToken).ConfigureAwait(false);
        return e is null ? null : HeaderFrom(e);
    }

    /// <summary>The run's stores' outcomes, by store id (none while it is fetching).</summary>
    public async Task<IReadOnlyList<StoreTask>> GetStoresAsync(string runId, CancellationToken cancellationToken = default)
    {
        var tasks = new List<StoreTask>();
        var query = new TableQuery { PartitionKey = runId, RowKeyFrom = StorePrefix, RowKeyTo = StorePrefix + '\uffff' };
        await foreach (var e in _tables.QueryAsync(TableNames.Runs, query, cancellationToken).ConfigureAwait(false))
        {
            tasks.Add(TaskFrom(e));
        }

        return tasks;
    }

    /// <summary>The most recent runs, newest first.</summary>
    public async Task<IReadOnlyList<RunHeader>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        var headers = new List<RunHeader>();
        // Only the header rows: the service filters on the row key, so store rows are never read.
        await foreach (var e in _tables.QueryAsync(TableNames.Runs, new TableQuery { RowKeyFrom = HeaderRow, RowKeyTo = HeaderRow }, cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == HeaderRow)
            {
                headers.Add(HeaderFrom(e));
            }
        }

        return [.. headers.OrderByDescending(h => h.CreatedUtc).ThenByDescending(h => h.RunId, StringComparer.Ordinal).Take(max)];
    }

    private static string? Trim(string? error) => error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] + "…" : error;

    private static TableEntity ToEntity(RunHeader h) => new(h.RunId, HeaderRow)
    {
        ["Status"] = h.Status.ToString(),
        ["From"] = StoreCalendar.Format(h.From),
        ["To"] = StoreCalendar.Format(h.To),
        ["FetchFrom"] = StoreCalendar.Format(h.FetchFrom),
        ["Source"] = h.Source,
        ["Stores"] = string.Join(',', h.StoreIds),
        ["CreatedUtc"] = h.CreatedUtc,
        ["UpdatedUtc"] = h.UpdatedUtc,
        ["Output"] = h.Output,
        ["Owner"] = h.Owner,
    };

    private static RunHeader HeaderFrom(TableEntity e) => new(
        e.PartitionKey,
        Enum.TryParse<RunStatus>(e.GetString("Status"), out var status) ? status : RunStatus.Running,
        Date(e, "From"),
        Date(e, "To"),
        Date(e, "FetchFrom"),
        e.GetString("Source") ?? "",
        e.GetString("Stores") is { Length: > 0 } s ? s.Split(',') : [],
        e.GetDateTimeOffset("CreatedUtc") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("UpdatedUtc") ?? DateTimeOffset.MinValue,
        e.GetString("Output"),
        e.GetString("Owner"));

    private static TableEntity ToEntity(string runId, StoreTask t) => new(runId, StorePrefix + t.StoreId)
    {
        ["Status"] = t.Status.ToString(),
        ["Attempts"] = t.Attempts,
        ["Rows"] = t.Rows,
        ["Quarantined"] = t.Quarantined,
        ["DurationMs"] = t.DurationMs,
        ["LastError"] = Trim(t.LastError),
        ["CorrectedFrom"] = t.CorrectedFrom is { } d ? StoreCalendar.Format(d) : null,
        ["Notes"] = t.Notes,
    };

    private static StoreTask TaskFrom(TableEntity e) => new(
        e.RowKey[StorePrefix.Length..],
        Enum.TryParse<StoreTaskStatus>(e.GetString("Status"), out var status) ? status : StoreTaskStatus.Failed,
        e.GetInt32("Attempts") ?? 0,
        e.GetInt64("Rows") ?? 0,
        e.GetInt64("Quarantined") ?? 0,
        e.GetInt64("DurationMs") ?? 0,
        e.GetString("LastError"))
    {
        CorrectedFrom = e.GetString("CorrectedFrom") is not null ? Date(e, "CorrectedFrom") : null,
        Notes = e.GetString("Notes"),
    };

    private static DateOnly Date(TableEntity e, string name) =>
        StoreCalendar.TryParse(e.GetString(name), out var d) ? d : throw new InvalidDataException($"Run {e.PartitionKey}: '{name}' is not a yyyy-MM-dd date.");
}
