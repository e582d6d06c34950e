using System.CommandLine;
using System.Globalization;
using KpiFunctions.Cli.Rendering;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Local;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Activities;
using KpiFunctions.Pipeline.Demo;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Local;
using KpiFunctions.Pipeline.Notify;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Storage.Azure;
using KpiFunctions.TikTok;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi run</c>: runs the pipeline in-process on the embedded storage.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var demo = new Option<bool>("--demo") { Description = "Register synthetic demo stores and run the whole pipeline on them." };
        var days = CommonOptions.OptionalWholeNumber("--days", $"Days of KPIs (1-{RunPlanner.MaxDays}), ending with the last day complete in every store's time zone. Default: 30 with --demo, else yesterday plus $KPI_LOOKBACK_DAYS.", 1, RunPlanner.MaxDays);
        var stores = CommonOptions.WholeNumber("--stores", $"Number of demo stores (1-{DemoStores.MaxCount}; the first {DemoStores.BaseCount} are in eleven countries).", 1, DemoStores.MaxCount, DemoStores.BaseCount);
        var seed = CommonOptions.WholeNumber("--seed", "Seed of the synthetic source.", int.MinValue, int.MaxValue, 42);
        var dataDir = CommonOptions.DataDir();
        var currency = new Option<string?>("--reporting-currency")
        {
            Description = "Currency money is also reported in (e.g. USD, CNY). Default: $KPI_REPORTING_CURRENCY or USD.",
            CustomParser = result => CommonOptions.Value(result) is { Length: 3 } code && code.All(char.IsAsciiLetter)
                ? code.ToUpperInvariant()
                : CommonOptions.Error<string?>(result, $"--reporting-currency '{CommonOptions.Value(result)}' is not a currency code; allowed: {string.Join(", ", SyntheticFxSource.ReportingCurrencies)}."),
        };
        var from = CommonOptions.Date("--from", "First day (instead of --days)");
        var to = CommonOptions.Date("--to", "Last day (default: the last complete day)");
        var store = CommonOptions.StoreIds("--store", "Only this store id (repeat for more). Default: every enabled store.");
        var source = CommonOptions.Choice("--source", "Where store data comes from: synthetic; tiktok (the TikTok Shop API, or our fake of it; see the KPI_TIKTOK_* settings); or csv (Seller Center order exports dropped in inbox/<store id>/ of the storage).", "synthetic", "tiktok", "csv");
        var parallel = CommonOptions.OptionalWholeNumber("--parallel", $"Stores fetched at once (1-{PipelineOptions.ParallelStoresLimit}). Default: $KPI_MAX_PARALLEL_STORES or 4.", 1, PipelineOptions.ParallelStoresLimit);
        var storageOption = CommonOptions.Storage();

        var command = new Command("run", "Run the pipeline: fetch every store's days, curate them, compute KPIs.")
        {
            demo, days, stores, seed, dataDir, currency, from, to, store, source, parallel, storageOption,
        };
        command.SetAction((parse, ct) => RunAsync(context, new RunSettings(
            parse.GetValue(demo), parse.GetValue(days), parse.GetValue(stores), parse.GetValue(seed),
            CommonOptions.ResolveDataDir(parse.GetValue(dataDir), context),
            parse.GetValue(from), parse.GetValue(to), parse.GetValue(store) ?? [],
            parse.GetValue(storageOption), parse.GetValue(source)!, parse.GetValue(currency), parse.GetValue(parallel)), ct));
        return command;
    }

    private sealed record RunSettings(
        bool Demo, int? Days, int StoreCount, int Seed, string DataDir, DateOnly? From, DateOnly? To, IReadOnlyList<string> StoreIds,
        StorageAccount? Storage, string Source, string? ReportingCurrency, int? Parallel);

    private static async Task<int> RunAsync(CliContext context, RunSettings s, CancellationToken ct)
    {
        var console = context.Console;
        var now = context.Time.GetUtcNow();

        // Everything is resolved and checked before the first write (the data folder, the salt, the demo's stores and
        // targets, the run's header), so a mistake leaves nothing behind.
        var options = PipelineOptions.FromSettings(context.GetEnvironment, s.Demo ? DemoStores.ResponseWindows : null, s.ReportingCurrency, s.Parallel);
        if (!SyntheticFxSource.ReportingCurrencies.Contains(options.ReportingCurrency, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{(s.ReportingCurrency is null ? "KPI_REPORTING_CURRENCY" : "--reporting-currency")} '{options.ReportingCurrency}' has no rates in the synthetic FX source; allowed: {string.Join(", ", SyntheticFxSource.ReportingCurrencies)}.");
        }

        var webhooks = AlertWebhookOptions.FromSettings(context.GetEnvironment);
        var tiktok = s.Source == "tiktok" ? TikTokSettings.Options(context.GetEnvironment, context.Time) : null;
        var ads = s.Source == "tiktok" ? TikTokSettings.BusinessOptions(context.GetEnvironment, context.Time) : null;
        var account = CommonOptions.ResolveStorage(s.Storage, context);
        KpiStorage? storage = null;
        async Task<KpiStorage> OpenAsync()
        {
            var opened = KpiStorage.Open(account, s.DataDir, context.Time);
            await opened.EnsureTablesAsync(ct);
            return opened;
        }

        IReadOnlyList<Store> stores;
        if (s.Demo)
        {
            stores = DemoStores.Create(s.StoreCount);
            var unknown = s.StoreIds.Except(stores.Select(x => x.Id), StringComparer.Ordinal).ToArray();
            if (unknown.Length > 0)
            {
                throw new ArgumentException($"--store '{string.Join(",", unknown)}' {(unknown.Length == 1 ? "is not a demo store" : "are not demo stores")}; allowed (with --stores {s.StoreCount}): {string.Join(", ", stores.Select(x => x.Id))}.");
            }

            stores = s.StoreIds.Count > 0 ? [.. stores.Where(x => s.StoreIds.Contains(x.Id))] : stores;
        }
        else
        {
            // Only the registry knows the stores; reading it must not create an empty data folder.
            if (account is null && !File.Exists(Path.Combine(s.DataDir, "tables.db")))
            {
                throw new InvalidOperationException($"No stores are registered in '{Path.GetFullPath(s.DataDir)}' (it holds no data). Import some with 'kpi stores import <file>', or run 'kpi run --demo'.");
            }

            storage = await OpenAsync();
            stores = await RunPlanner.SelectStoresAsync(storage, s.StoreIds, ct);
        }

        var (runFrom, runTo, fetchFrom) = Window(s, stores, now, options);
        storage ??= await OpenAsync(); // the demo's, opened only now that its window is known to be good

        var hasher = new BuyerIdHasher(BuyerSalt.Resolve(context.GetEnvironment(BuyerSalt.EnvironmentVariable), s.DataDir));
        var world = new SyntheticWorld(s.Seed, stores, now, hasher);
        if (s.Demo)
        {
            await DemoSetup.SeedAsync(storage, world, fetchFrom, runTo, ct);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var fx = new SyntheticFxSource(world);
        IStoreSource storeSource = s.Source switch
        {
            "tiktok" => TikTokSettings.Source(tiktok!, TikTokSettings.SecretStore(context.GetEnvironment, s.DataDir, () => StorageAccount.CredentialFromSettings("KPI_STORAGE", context.GetEnvironment)), http, hasher, context.Time, ads, fx),
            "csv" => new Sources.SellerCenter.SellerCenterCsvSource(storage.Blobs, hasher, context.Time),
            _ => new SyntheticSource(world),
        };
        if (s.Source == "tiktok")
        {
            console.MarkupLine("Store data from the TikTok Shop API" + (ads is null ? " (ad spend not read: the TikTok Business API is not set up)" : ", ad spend from the TikTok Business API") + "; FX rates" + (s.Demo ? " and targets" : "") + " from the synthetic source.");
        }

        var runner = new LocalPipelineRunner(storage, storeSource, fx, options, context.Time)
        {
            Webhooks = webhooks.Channels.Count == 0 ? null : new AlertWebhooks(webhooks,
                TikTokSettings.SecretStore(context.GetEnvironment, s.DataDir, () => StorageAccount.CredentialFromSettings("KPI_STORAGE", context.GetEnvironment)), http),
        };
        var request = new RunRequest(runFrom, runTo, s.Demo ? [.. stores.Select(x => x.Id)] : s.StoreIds.Count > 0 ? s.StoreIds : null, fetchFrom);
        var history = fetchFrom < runFrom ? string.Create(CultureInfo.InvariantCulture, $" (fetching from {fetchFrom:yyyy-MM-dd} for month-to-date figures)") : "";
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Running {(s.Demo ? "the demo" : "the pipeline")}, KPIs for [bold]{runFrom:yyyy-MM-dd}[/] to [bold]{runTo:yyyy-MM-dd}[/]{history}, reporting currency {options.ReportingCurrency}."));

        RunSummary summary = null!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stages = new StageClock(() => clock.Elapsed);
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progressContext =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                ProgressTask Task(string storeId) => tasks.TryGetValue(storeId, out var t)
                    ? t
                    : tasks[storeId] = progressContext.AddTask($"fetch {Markup.Escape(storeId)}", maxValue: runTo.DayNumber - fetchFrom.DayNumber + 1);
                ProgressTask? compute = null;
                var progress = new Progress(p =>
                {
                    stages.Report(p.Stage);
                    switch (p.Stage)
                    {
                        case PipelineStage.Fetching when p.StoreId is not null:
                            Task(p.StoreId).Value = p.Done;
                            break;
                        case PipelineStage.StoreFinished when p.StoreId is not null:
                            Task(p.StoreId).Value = Task(p.StoreId).MaxValue;
                            Task(p.StoreId).Description = $"fetch {Markup.Escape(p.StoreId)} [grey]{Markup.Escape(p.Message ?? "")}[/]";
                            break;
                        case PipelineStage.Computing:
                            compute ??= progressContext.AddTask("compute KPIs", maxValue: p.Total);
                            compute.Value = p.Done;
                            break;
                    }
                });
                summary = await runner.RunAsync(request, progress, ct);
                if (compute is not null)
                {
                    compute.Value = compute.MaxValue;
                }
            });

        var repository = new KpiDailyRepository(storage.Tables, KpiCatalog.Default);
        var rows = await repository.QueryAsync(runTo, runTo, null, ct);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Latest day, [bold]{runTo:yyyy-MM-dd}[/] (store-local):"));
        console.Write(KpiTable.Build(rows, KpiTable.DefaultKpis, KpiCatalog.Default, showReportingGmv: true, showDay: false));
        var failed = summary.Tasks.Where(t => t.Status == Pipeline.Runs.StoreTaskStatus.Failed).ToArray();
        var status = summary.Header.Status.ToString();
        console.MarkupLine($"Run [bold]{summary.Header.RunId}[/]: {(failed.Length == 0 ? "[green]" : "[yellow]")}{status}[/] — {Markup.Escape(summary.Header.Output ?? "")}");
        foreach (var f in failed)
        {
            console.MarkupLine($"  [red]{Markup.Escape(f.StoreId)}[/]: {Markup.Escape(f.LastError ?? "")}");
        }

        foreach (var d in summary.Deliveries)
        {
            var colour = d.Status switch { DeliveryStatus.Delivered => "green", DeliveryStatus.Failed => "red", _ => "grey" };
            console.MarkupLine($"  alerts to [{colour}]{Markup.Escape(d.Describe())}[/]");
        }

        console.MarkupLine(Markup.Escape(stages.Describe(clock.Elapsed)));
        if (summary.Compute is { NotFetched.Count: > 0 } c)
        {
            console.MarkupLine($"[yellow]{c.NotFetched.Count} store-day(s) without data[/] (e.g. {Markup.Escape(c.NotFetched[0])}).");
        }

        console.MarkupLine("Colours: [green]green[/] / [yellow]amber[/] / [red]red[/] against the thresholds in force (a store's own, else the catalog's); * = FX rate carried forward from an earlier day; p (in kpi kpis) = provisional, inside the lookback later runs fetch again.");
        console.MarkupLine(s.Storage is null
            ? $"Data: curated and raw files in [bold]{Markup.Escape(Path.Combine(storage.Location, "blobs"))}[/], tables in [bold]{Markup.Escape(Path.Combine(storage.Location, "tables.db"))}[/]."
            : $"Data: Azure Storage [bold]{Markup.Escape(storage.Location)}[/] (blobs in the container, tables in the account).");
        if (summary.Report is { } report)
        {
            console.MarkupLine($"Weekly review pack {Markup.Escape(report.Week)} ({report.Files} pages, English and Chinese): [bold]{Markup.Escape(report.Location)}[/]");
        }

        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"More: [bold]kpi kpis --store {Markup.Escape(summary.Header.StoreIds[0])} --from {runFrom:yyyy-MM-dd} --to {runTo:yyyy-MM-dd}[/]"));
        return failed.Length == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>
    /// The run's days, checked as the plan checks them (it runs later, after the demo's stores are written) but with
    /// messages that name the options: the last day has ended everywhere, the first is not after it, at most
    /// <see cref="RunPlanner.MaxDays"/> days are fetched (the demo fetches from the first of the month).
    /// </summary>
    private static (DateOnly From, DateOnly To, DateOnly FetchFrom) Window(RunSettings s, IReadOnlyList<Store> stores, DateTimeOffset now, PipelineOptions options)
    {
        var (_, lastComplete) = RunPlanner.NightlyWindow(now, stores, 0);
        var to = s.To ?? lastComplete;
        if (to > lastComplete)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--to {to:yyyy-MM-dd} has not ended in every store's time zone yet; allowed: up to {lastComplete:yyyy-MM-dd}."));
        }

        var days = s.Days ?? (s.Demo ? 30 : options.LookbackDays + 1);
        var from = s.From ?? to.AddDays(-(days - 1));
        if (from > to)
        {
            throw new ArgumentException(s.To is null
                ? string.Create(CultureInfo.InvariantCulture, $"--from {from:yyyy-MM-dd} is after the last complete day; allowed: up to {to:yyyy-MM-dd}.")
                : string.Create(CultureInfo.InvariantCulture, $"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}; swap them."));
        }

        var fetchFrom = s.Demo ? StoreCalendar.MonthStart(from) : from;
        var total = to.DayNumber - fetchFrom.DayNumber + 1;
        if (total > RunPlanner.MaxDays)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{(s.From is null ? $"--days {days}" : $"--from {from:yyyy-MM-dd}")} means fetching {total} days, {fetchFrom:yyyy-MM-dd} to {to:yyyy-MM-dd}{(fetchFrom < from ? " (the demo fetches from the first of the month)" : "")}; allowed: at most {RunPlanner.MaxDays}, so split it into shorter runs."));
        }

        return (from, to, fetchFrom);
    }

    /// <summary>
    /// Where the run's time went, stage by stage: "Time: fetch 12.3 s, compute 4.1 s, alerts 0.6 s, publish 2.0 s (run
    /// 19.0 s)". The time from one report to the next goes to the stage of the earlier one, so a run the orchestrator
    /// cut into chunks (fetch, compute and alerts again for each) adds each chunk's part to its stage. A stage that never
    /// reported (the run failed before it) is left out; the last one reported ends with the run.
    /// </summary>
    internal sealed class StageClock(Func<TimeSpan> now)
    {
        private static readonly (string Name, PipelineStage[] Stages)[] Order =
        [
            ("fetch", [PipelineStage.Started, PipelineStage.Fetching, PipelineStage.StoreFinished]),
            ("compute", [PipelineStage.Computing]),
            ("alerts", [PipelineStage.Alerting]),
            ("publish", [PipelineStage.Publishing]),
            ("report", [PipelineStage.Reporting]),
        ];

        private readonly Lock _gate = new();
        private readonly Dictionary<string, TimeSpan> _spent = new(StringComparer.Ordinal);
        private string? _current;
        private TimeSpan _since;

        /// <summary>Notes a stage's report (stores report from several threads at once).</summary>
        public void Report(PipelineStage stage)
        {
            lock (_gate)
            {
                var at = now();
                var name = Order.FirstOrDefault(o => o.Stages.Contains(stage)).Name;
                if (name == _current)
                {
                    return;
                }

                Close(at);
                _current = name; // null from Finished on: the time after it is no stage's
                _since = at;
            }
        }

        /// <summary>The line, with the run's whole time <paramref name="end"/>.</summary>
        public string Describe(TimeSpan end)
        {
            lock (_gate)
            {
                Close(end);
                _current = null;
                var parts = Order.Where(o => _spent.ContainsKey(o.Name)).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Name} {_spent[o.Name].TotalSeconds:0.0} s"));
                return string.Create(CultureInfo.InvariantCulture, $"Time: {string.Join(", ", parts)} (run {end.TotalSeconds:0.0} s)");
            }
        }

        private void Close(TimeSpan at)
        {
            if (_current is { } open)
            {
                _spent[open] = _spent.GetValueOrDefault(open) + (at - _since);
            }
        }
    }

    private sealed class Progress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        private readonly Lock _gate = new();

        public void Report(PipelineProgress value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
