using System.Diagnostics;
using System.Globalization;
using KpiFunctions.Core.Alerts;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Orchestration;
using KpiFunctions.Pipeline.Alerts;
using KpiFunctions.Pipeline.Local;
using KpiFunctions.Pipeline.Notify;
using KpiFunctions.Pipeline.Reference;
using KpiFunctions.Pipeline.Reports;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Semantic;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources;

namespace KpiFunctions.Pipeline.Activities;

/// <summary>
/// The run's activities over the pipeline's steps: each is a thin, idempotent call of a step (a store's curated
/// partitions are replaced whole, KPI rows upserted, a semantic version written beside the others), so a retried or
/// replayed activity gives the same data. The same instance serves the Functions app and the in-memory host.
/// </summary>
public sealed class RunActivities : IRunActivities
{
    private readonly KpiStorage _storage;
    private readonly IStoreSource _source;
    private readonly IFxRateSource _fx;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly KpiCatalog _catalog;
    private readonly RunHistory _history;

    /// <summary>Creates the activities.</summary>
    public RunActivities(KpiStorage storage, IStoreSource source, IFxRateSource fx, PipelineOptions options, TimeProvider time, KpiCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(fx);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _storage = storage;
        _source = source;
        _fx = fx;
        _options = options;
        _time = time;
        _catalog = catalog ?? KpiCatalog.Default;
        _history = new RunHistory(storage.Tables);
    }

    /// <summary>Asks Power BI to refresh its model after each publish; null: no refresh is asked for.</summary>
    public PowerBiRefresher? Refresher { get; init; }

    /// <summary>Where the run's alerts are sent after its publish; null (or no channels): nowhere.</summary>
    public AlertWebhooks? Webhooks { get; init; }

    /// <summary>Who runs the runs these activities plan, recorded in each header (<see cref="RunOwner"/>); null on the Functions app.</summary>
    public string? Owner { get; init; }

    /// <summary>Where progress goes (days fetched, stores finished, stores computed); for a local run's progress bars.</summary>
    public IProgress<PipelineProgress>? Progress { get; init; }

    /// <inheritdoc />
    public async Task<RunPlan> PlanAsync(PlanRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RunPlanner.CheckRunId(request.RunId);
        await _storage.EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var (stores, from, to, fetchFrom) = await RunPlanner.ResolveAsync(_storage, request.Input, now, _options.LookbackDays, cancellationToken).ConfigureAwait(false);

        var currencies = stores.Select(s => s.Currency).Distinct(StringComparer.Ordinal).ToArray();
        var rates = await _fx.GetRatesAsync(_options.ReportingCurrency, currencies, fetchFrom.AddDays(-_options.FxMaxCarryForwardDays), to, cancellationToken).ConfigureAwait(false);
        await new FxRateRepository(_storage.Tables).SaveAsync(_options.ReportingCurrency, rates, cancellationToken).ConfigureAwait(false);

        // A plan run again (a retried activity) keeps the run's first start time.
        var created = (await _history.GetAsync(request.RunId, cancellationToken).ConfigureAwait(false))?.CreatedUtc ?? now;
        await _history.SaveAsync(new RunHeader(request.RunId, RunStatus.Running, from, to, fetchFrom, _source.Name, [.. stores.Select(s => s.Id)], created, now, null, Owner), cancellationToken).ConfigureAwait(false);
        Progress?.Report(new PipelineProgress(PipelineStage.Started, null, 0, stores.Count, request.RunId));
        return new RunPlan(request.RunId, from, to, fetchFrom, [.. stores.Select(s => s.Id)],
            new FetchRetry(_options.MaxAttempts, _options.RetryFirstSeconds, _options.RetryBackoff), Refresher is not null, RunPlan.WeekToReport(from, to))
        {
            NotifyAlerts = Webhooks is { Options.Channels.Count: > 0 },
            Chunks = RunPlanner.Chunks(fetchFrom, from, to, _options.BackfillChunkDays),
        };
    }

    /// <inheritdoc />
    public async Task<StoreOutcome> FetchStoreAsync(StoreWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var days = work.To.DayNumber - work.From.DayNumber + 1;
        var done = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await new FetchStoreStep(_storage, _source).FetchAsync(new FetchStoreMessage(work.RunId, work.StoreId, work.From, work.To),
                Progress is null ? null : new SynchronousProgress<DateOnly>(_ => Progress.Report(new PipelineProgress(PipelineStage.Fetching, work.StoreId, Interlocked.Increment(ref done), days))),
                cancellationToken).ConfigureAwait(false);
            Progress?.Report(new PipelineProgress(PipelineStage.StoreFinished, work.StoreId, days, days,
                string.Create(CultureInfo.InvariantCulture, $"{result.Rows:N0} rows, {result.Quarantined} quarantined")));
            return new StoreOutcome(work.StoreId, true, result.Rows, result.Quarantined, null)
            {
                CorrectedFrom = result.CorrectedFrom,
                Notes = result.Notes,
                DurationMs = clock.ElapsedMilliseconds,
            };
        }
        catch (Exception ex) when (ex is IPermanentSourceError)
        {
            // Retrying cannot fix it (a revoked authorisation, say): the store fails now, without spending attempts.
            Progress?.Report(new PipelineProgress(PipelineStage.StoreFinished, work.StoreId, 0, days, "failed: " + ex.Message));
            return new StoreOutcome(work.StoreId, false, 0, 0, ex.Message) { Attempts = 1 };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Progress?.Report(new PipelineProgress(PipelineStage.Fetching, work.StoreId, 0, days, "attempt failed: " + ex.Message));
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ComputeOutcome> ComputeKpisAsync(ComputeWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var computed = 0;
        Progress?.Report(new PipelineProgress(PipelineStage.Computing, null, 0, work.StoreIds.Count));
        var result = await new ComputeKpisStep(_storage, _options, _catalog, _time).ComputeAsync(
            new ComputeRequest(work.From, work.To, work.StoreIds) { EarlierFrom = work.EarlierFrom },
            Progress is null ? null : new SynchronousProgress<string>(store => Progress.Report(new PipelineProgress(PipelineStage.Computing, store, Interlocked.Increment(ref computed), work.StoreIds.Count))),
            cancellationToken).ConfigureAwait(false);
        return new ComputeOutcome(result.KpiRows, result.NotFetched, result.Mismatches, _options.ReconcileTolerancePct);
    }

    /// <inheritdoc />
    public async Task<AlertsOutcome> DetectAlertsAsync(AlertsWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        Progress?.Report(new PipelineProgress(PipelineStage.Alerting, null, 0, work.StoreIds.Count));
        var keepFrom = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime).AddDays(-_options.AlertRetentionDays);
        var alerts = await new AlertsStep(_storage, _catalog, keepFrom).DetectAsync(work.From, work.To, work.StoreIds, cancellationToken).ConfigureAwait(false);
        return new AlertsOutcome(alerts.Count, alerts.Count(a => a.Severity == AlertSeverity.Critical));
    }

    /// <inheritdoc />
    public async Task<string> PublishSemanticAsync(string runId, CancellationToken cancellationToken = default)
    {
        Progress?.Report(new PipelineProgress(PipelineStage.Publishing, null, 0, 1));
        var manifest = await new SemanticPublisher(_storage, _catalog, TimeSpan.FromDays(_options.SemanticRetentionDays), _time)
            .PublishAsync(runId, cancellationToken).ConfigureAwait(false);
        return manifest.Version;
    }

    /// <inheritdoc />
    public Task<string?> RefreshPowerBiAsync(string runId, CancellationToken cancellationToken = default) =>
        Refresher is { } refresher
            ? refresher.RequestRefreshAsync(cancellationToken)
            : throw new InvalidOperationException($"Run {runId} asked for a Power BI refresh, but none is configured; set KPI_POWERBI_WORKSPACE_ID and KPI_POWERBI_DATASET_ID.");

    /// <inheritdoc />
    public async Task<ReportOutcome> WriteWeeklyReportAsync(ReportWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        Progress?.Report(new PipelineProgress(PipelineStage.Reporting, null, 0, 1));
        var written = await new WeeklyReportStep(_storage, _catalog, _time).WriteAsync(work.Monday, cancellationToken).ConfigureAwait(false);
        return new ReportOutcome(written.Week, written.GroupPath, written.Files, written.Location);
    }

    /// <inheritdoc />
    public async Task<NotifyOutcome> NotifyAlertsAsync(NotifyWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Webhooks is not { } webhooks)
        {
            return new NotifyOutcome(0, 0, []);
        }

        var deliveries = await new NotifyStep(_storage, _catalog, webhooks, _time)
            .NotifyAsync(new NotifyRequest(work.RunId, work.From, work.To, work.StoreIds, work.ReportPath), cancellationToken).ConfigureAwait(false);
        return new NotifyOutcome(
            deliveries.Count(d => d.Status == DeliveryStatus.Delivered),
            deliveries.Count(d => d.Status == DeliveryStatus.Failed),
            [.. deliveries.Select(d => d.Describe())]);
    }

    /// <inheritdoc />
    public async Task RecordRunAsync(RunRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var header = await _history.GetAsync(record.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Run {record.RunId} has no header in {TableNames.Runs}; its plan did not run.");
        var status = record.State switch
        {
            RunState.Completed => RunStatus.Completed,
            RunState.CompletedWithErrors => RunStatus.CompletedWithErrors,
            RunState.Failed => RunStatus.Failed,
            _ => RunStatus.Running,
        };
        var stores = record.Stores.Select(o => new StoreTask(o.StoreId, o.Succeeded ? StoreTaskStatus.Succeeded : StoreTaskStatus.Failed, o.Attempts, o.Rows, o.Quarantined, o.DurationMs, o.Error)
        {
            CorrectedFrom = o.CorrectedFrom,
            Notes = o.Notes.Count > 0 ? string.Join("\n", o.Notes) : null,
        }).ToArray();
        await _history.SaveAsync(header with { Status = status, Output = record.Output, UpdatedUtc = _time.GetUtcNow() }, stores, cancellationToken).ConfigureAwait(false);
        Progress?.Report(new PipelineProgress(PipelineStage.Finished, null, stores.Length, stores.Length, record.Output));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a context, out of order).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
