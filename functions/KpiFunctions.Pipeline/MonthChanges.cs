using System.Globalization;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline;

/// <summary>
/// A change mark per dataset and store-local month, so a reader can tell which months of a month-partitioned dataset
/// were written since it last read them without reading them. A mark is an entity in <see cref="TableNames.Changes"/>
/// (partition = dataset, row = yyyy-MM) that a writer upserts before it writes the month's rows and again after; the
/// table service gives it a new ETag on every upsert, and that ETag is the mark. A reader records the mark it saw
/// before reading a month and reads the month again once the mark differs: a write after the recorded read moves the
/// mark (its second upsert), and so does one that died half way (its first).
/// </summary>
public sealed class MonthChanges
{
    private readonly ITableStore _tables;
    private readonly string _dataset;

    /// <summary>Creates the marks of <paramref name="dataset"/> (a table or dataset name).</summary>
    public MonthChanges(ITableStore tables, string dataset)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        _tables = tables;
        _dataset = dataset;
    }

    /// <summary>The month a day belongs to, as marks and month partitions name it (yyyy-MM).</summary>
    public static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Moves the mark of every month that one of <paramref name="dates"/> falls in.</summary>
    public async Task MarkAsync(IEnumerable<DateOnly> dates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dates);
        foreach (var month in dates.Select(Month).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await _tables.UpsertEntityAsync(TableNames.Changes, new TableEntity(_dataset, month), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The marks of exactly <paramref name="months"/> (yyyy-MM), from <paramref name="marks"/> as read; a month without
    /// one yet (written before marks existed) is marked first, so the next reader can tell when it changes.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> MarksOfAsync(IReadOnlyCollection<string> months, IReadOnlyDictionary<string, string> marks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(months);
        ArgumentNullException.ThrowIfNull(marks);
        var unmarked = months.Where(m => !marks.ContainsKey(m)).Select(m => DateOnly.ParseExact(m + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        if (unmarked.Count > 0)
        {
            await MarkAsync(unmarked, cancellationToken).ConfigureAwait(false);
            marks = await ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        return months.ToDictionary(m => m, m => marks[m], StringComparer.Ordinal);
    }

    /// <summary>Every month with a mark, and its mark (the entity's ETag).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var marks = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var e in _tables.QueryAsync(TableNames.Changes, TableQuery.Partition(_dataset), cancellationToken).ConfigureAwait(false))
        {
            marks[e.RowKey] = e.ETag is { Length: > 0 } etag
                ? etag
                : throw new InvalidDataException($"{TableNames.Changes}: the mark of {_dataset} {e.RowKey} has no ETag; the table store must return one with every entity.");
        }

        return marks;
    }
}
