using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Pipeline.Reference;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Sources;

namespace KpiFunctions.Pipeline.Steps;

/// <summary>
/// Starts a run: checks the request, gives it an id, refreshes FX rates for its days, writes the ledger and
/// returns one fetch message per store (the fan-out).
/// </summary>
public sealed class StartRunStep
{
    /// <summary>Longest run or backfill, in days.</summary>
    public const int MaxDays = 400;

    private readonly KpiStorage _storage;
    private readonly string _sourceName;
    private readonly IFxRateSource _fx;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;

    /// <summary>Creates the step.</summary>
    public StartRunStep(KpiStorage storage, string sourceName, IFxRateSource fx, PipelineOptions options, TimeProvider time, Random random)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(fx);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        _storage = storage;
        _sourceName = sourceName;
        _fx = fx;
        _options = options;
        _time = time;
        _random = random;
    }

    /// <summary>
    /// The last day that has ended in every store's time zone, and the nightly window ending on it
    /// (that day plus the lookback days before it).
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

    /// <summary>The id of the nightly run started on <paramref name="now"/>'s UTC day.</summary>
    public static string NightlyRunId(DateTimeOffset now) => "nightly-" + now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks the request and starts the run. A request naming a run that exists gets that run back, with fetch
    /// messages for its stores not finished yet (a start retried after it wrote the ledger).
    /// </summary>
    public async Task<RunStarted> StartAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ledger = new RunLedger(_storage.Tables, _time);
        if (request.RunId is { } named)
        {
            CheckRunId(named);
            if (await ledger.GetAsync(named, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return await ResumeAsync(ledger, existing, cancellationToken).ConfigureAwait(false);
            }
        }

        var stores = await SelectStoresAsync(request.StoreIds, cancellationToken).ConfigureAwait(false);
        var fetchFrom = request.FetchFrom ?? request.From;
        ValidateWindow(request, fetchFrom, stores);

        var now = _time.GetUtcNow();
        var runId = request.RunId ?? NewRunId(now);
        var currencies = stores.Select(s => s.Currency).Distinct(StringComparer.Ordinal).ToArray();
        var rates = await _fx.GetRatesAsync(_options.ReportingCurrency, currencies, fetchFrom.AddDays(-_options.FxMaxCarryForwardDays), request.To, cancellationToken).ConfigureAwait(false);
        await new FxRateRepository(_storage.Tables).SaveAsync(_options.ReportingCurrency, rates, cancellationToken).ConfigureAwait(false);

        var header = new RunHeader(runId, RunStatus.Running, request.From, request.To, fetchFrom, _sourceName,
            [.. stores.Select(s => s.Id)], false, now, now, null);
        if (!await ledger.CreateAsync(header, cancellationToken).ConfigureAwait(false))
        {
            // Another start of the same named run won the race: it is that run.
            return request.RunId is not null && await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false) is { } raced
                ? await ResumeAsync(ledger, raced, cancellationToken).ConfigureAwait(false)
                : throw new InvalidOperationException($"Run id {runId} is already taken; start the run again.");
        }

        return new RunStarted(header, [.. stores.Select(s => new FetchStoreMessage(runId, s.Id, fetchFrom, request.To))]);
    }

    /// <summary>The fetch messages of a run's stores not finished yet (all of them, as built at start, for a run not dispatched).</summary>
    public static async Task<RunStarted> ResumeAsync(RunLedger ledger, RunHeader header, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(header);
        var tasks = await ledger.GetTasksAsync(header.RunId, cancellationToken).ConfigureAwait(false);
        var open = tasks.Where(t => t.Status is StoreTaskStatus.Pending or StoreTaskStatus.Running).Select(t => t.StoreId).ToHashSet(StringComparer.Ordinal);
        return new RunStarted(header, [.. header.StoreIds.Where(open.Contains).Select(id => new FetchStoreMessage(header.RunId, id, header.FetchFrom, header.To))]) { Existing = true };
    }

    /// <summary>A run id is a table key: letters, digits, '-' and '_', at most 64.</summary>
    private static void CheckRunId(string id)
    {
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Run id '{id}' is not usable: use 1 to 64 letters, digits, '-' or '_'.");
        }
    }

    private async Task<IReadOnlyList<Store>> SelectStoresAsync(IReadOnlyList<string>? ids, CancellationToken cancellationToken)
    {
        var registry = new StoreRegistry(_storage.Tables);
        var all = await registry.ListAsync(false, cancellationToken).ConfigureAwait(false);
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

    private void ValidateWindow(RunRequest request, DateOnly fetchFrom, IReadOnlyList<Store> stores)
    {
        if (request.From > request.To)
        {
            throw new ArgumentException($"The run starts on {request.From:yyyy-MM-dd}, after it ends on {request.To:yyyy-MM-dd}; swap the dates.");
        }

        if (fetchFrom > request.From)
        {
            throw new ArgumentException($"Fetching from {fetchFrom:yyyy-MM-dd} would miss days before {request.From:yyyy-MM-dd}; set the fetch start on or before {request.From:yyyy-MM-dd}.");
        }

        var days = request.To.DayNumber - fetchFrom.DayNumber + 1;
        if (days > MaxDays)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The run covers {days} days; at most {MaxDays} are allowed. Split the backfill into shorter runs."));
        }

        var (_, lastComplete) = NightlyWindow(_time.GetUtcNow(), stores, 0);
        if (request.To > lastComplete)
        {
            throw new ArgumentException($"{request.To:yyyy-MM-dd} has not ended in every store's time zone yet; the latest complete day is {lastComplete:yyyy-MM-dd}.");
        }
    }

    private string NewRunId(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[3];
        lock (_random)
        {
            _random.NextBytes(bytes);
        }

        return now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(bytes);
    }
}
