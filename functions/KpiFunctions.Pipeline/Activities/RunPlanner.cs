using System.Globalization;
using System.Security.Cryptography;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Orchestration;
using KpiFunctions.Pipeline.Registry;

namespace KpiFunctions.Pipeline.Activities;

/// <summary>
/// What a run may cover, checked before a run is scheduled (so a caller gets its mistakes at once, with what to fix)
/// and again when the PlanRun activity plans it: the stores, the window, run ids.
/// </summary>
public static class RunPlanner
{
    /// <summary>Longest run or backfill, in days.</summary>
    public const int MaxDays = 400;

    /// <summary>
    /// The last day that has ended in every store's time zone, and the nightly window ending on it (that day plus the
    /// lookback days before it).
    /// </summary>
    public static (DateOnly From, DateOnly To) NightlyWindow(DateTimeOffset now, IReadOnlyList<Store> stores, int lookbackDays)
    {
        ArgumentNullException.ThrowIfNull(stores);
        if (stores.Count == 0)
        {
            throw new ArgumentException("A window needs at least one store.", nameof(stores));
        }

        var to = stores.Min(s => StoreCalendar.LocalDate(now, StoreCalendar.ResolveZone(s.TimeZone)).AddDays(-1));
        return (to.AddDays(-lookbackDays), to);
    }

    /// <summary>
    /// The nightly run's id, a function of the night (its UTC date): a second trigger that night, or a timer that fires
    /// twice, names the same orchestration instance and so starts nothing new.
    /// </summary>
    public static string NightlyRunId(DateTimeOffset now) => "nightly-" + now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// A new id for a backfill or a local run: its start time (so ids sort by it) and eight hex digits from the
    /// cryptographic generator, so runs started in the same second, by any process and with any seed, differ.
    /// </summary>
    public static string NewRunId(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        return now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(bytes);
    }

    /// <summary>A run id is an instance id and a table key: letters, digits, '-' and '_', at most 64.</summary>
    public static bool IsValidRunId(string? id) => id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="id"/> is a usable run id (<see cref="IsValidRunId"/>).</summary>
    public static void CheckRunId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!IsValidRunId(id))
        {
            throw new ArgumentException($"Run id '{id}' is not usable: use 1 to 64 letters, digits, '-' or '_'.");
        }
    }

    /// <summary>
    /// The window <paramref name="from"/>..<paramref name="to"/> in date order: one chunk when it has at most
    /// <paramref name="chunkDays"/> days (a nightly run: one fetch per store, so a per-fetch cost such as the finance
    /// lookback is paid once), else chunks of at most that many days that never cross a month's end, so the compute
    /// step loads at most one month's days per store. The first chunk also fetches from <paramref name="fetchFrom"/>
    /// (the month-to-date history before the window); a later chunk's month-to-date and week figures read the days
    /// before it from storage, where the chunks before put them.
    /// </summary>
    public static IReadOnlyList<RunChunk> Chunks(DateOnly fetchFrom, DateOnly from, DateOnly to, int chunkDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkDays, 1);
        if (from > to || fetchFrom > from)
        {
            throw new ArgumentException($"A window from {from:yyyy-MM-dd} (fetched from {fetchFrom:yyyy-MM-dd}) to {to:yyyy-MM-dd} cannot be chunked: the days are out of order.");
        }

        if (to.DayNumber - from.DayNumber + 1 <= chunkDays)
        {
            return [new RunChunk(fetchFrom, from, to)];
        }

        var chunks = new List<RunChunk>();
        var start = from;
        while (start <= to)
        {
            var end = new[] { start.AddDays(chunkDays - 1), StoreCalendar.MonthStart(start).AddMonths(1).AddDays(-1), to }.Min();
            chunks.Add(new RunChunk(chunks.Count == 0 ? fetchFrom : start, start, end));
            start = end.AddDays(1);
        }

        return chunks;
    }

    /// <summary>
    /// The run's stores and window: the nightly window when the input names no days. Throws
    /// <see cref="ArgumentException"/> saying what to fix (unknown stores, dates the wrong way round, too many days, a
    /// day not over yet in some store's time zone) and <see cref="InvalidOperationException"/> when no store is enabled.
    /// </summary>
    public static async Task<(IReadOnlyList<Store> Stores, DateOnly From, DateOnly To, DateOnly FetchFrom)> ResolveAsync(
        KpiStorage storage, RunInput input, DateTimeOffset now, int lookbackDays, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(input);
        var stores = await SelectStoresAsync(storage, input.StoreIds, cancellationToken).ConfigureAwait(false);
        DateOnly from, to;
        if (input.From is null && input.To is null)
        {
            (from, to) = NightlyWindow(now, stores, lookbackDays);
        }
        else
        {
            from = input.From ?? input.To!.Value;
            to = input.To ?? from;
        }

        var fetchFrom = input.FetchFrom ?? from;
        if (from > to)
        {
            throw new ArgumentException($"The run starts on {from:yyyy-MM-dd}, after it ends on {to:yyyy-MM-dd}; swap the dates.");
        }

        if (fetchFrom > from)
        {
            throw new ArgumentException($"Fetching from {fetchFrom:yyyy-MM-dd} would miss days before {from:yyyy-MM-dd}; set the fetch start on or before {from:yyyy-MM-dd}.");
        }

        var days = to.DayNumber - fetchFrom.DayNumber + 1;
        if (days > MaxDays)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The run covers {days} days; at most {MaxDays} are allowed. Split the backfill into shorter runs."));
        }

        var (_, lastComplete) = NightlyWindow(now, stores, 0);
        if (to > lastComplete)
        {
            throw new ArgumentException($"{to:yyyy-MM-dd} has not ended in every store's time zone yet; the latest complete day is {lastComplete:yyyy-MM-dd}.");
        }

        return (stores, from, to, fetchFrom);
    }

    /// <summary>
    /// The registered stores a run covers: <paramref name="ids"/>, or every enabled store when none are given. Throws
    /// <see cref="ArgumentException"/> for unknown ids and <see cref="InvalidOperationException"/> when no store is enabled.
    /// </summary>
    public static async Task<IReadOnlyList<Store>> SelectStoresAsync(KpiStorage storage, IReadOnlyList<string>? ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var all = await new StoreRegistry(storage.Tables).ListAsync(false, cancellationToken).ConfigureAwait(false);
        if (ids is null || ids.Count == 0)
        {
            var enabled = all.Where(s => s.Enabled).ToArray();
            return enabled.Length > 0
                ? enabled
                : throw new InvalidOperationException("No enabled stores are registered. Import some with 'kpi stores import <file>', or run 'kpi run --demo'.");
        }

        var byId = all.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var unknown = ids.Where(id => !byId.ContainsKey(id)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown store id(s): {string.Join(", ", unknown)}. Registered: {string.Join(", ", byId.Keys.Order(StringComparer.Ordinal))}.");
        }

        return [.. ids.Distinct(StringComparer.Ordinal).Select(id => byId[id])];
    }
}
