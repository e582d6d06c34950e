using System.CommandLine;
using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Activities;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Storage.Azure;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary>
/// <c>kpi runs</c> lists recent runs from the run summary (KpiRuns); <c>kpi runs &lt;runId&gt;</c> shows one run and
/// each store's outcome. Locally (the data folder) or against Azure Storage (--storage).
/// </summary>
internal static class RunsCommand
{
    public static Command Create(CliContext context)
    {
        var runId = new Argument<string?>("runId")
        {
            Description = "A run's id: show it with each store's outcome. Leave out to list recent runs.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result => RunPlanner.IsValidRunId(CommonOptions.Value(result))
                ? CommonOptions.Value(result)
                : CommonOptions.Error<string?>(result, $"<runId> '{CommonOptions.Value(result)}' is not a run id; allowed: 1-64 letters, digits, '-' and '_'."),
        };
        var max = CommonOptions.WholeNumber("--max", "How many runs, newest first (1-1000).", 1, 1000, 20);
        var dataDir = CommonOptions.DataDir();
        var storageOption = CommonOptions.Storage();
        var command = new Command("runs", "List recent runs from the run summary (KpiRuns), or show one run with each store's outcome.") { runId, max, dataDir, storageOption };
        command.SetAction(async (parse, ct) =>
        {
            var history = await HistoryAsync(context, parse.GetValue(dataDir), parse.GetValue(storageOption), ct);
            return parse.GetValue(runId) is { Length: > 0 } id
                ? await ShowAsync(context, history, id, ct)
                : await ListAsync(context, history, parse.GetValue(max), ct);
        });
        return command;
    }

    private static async Task<int> ListAsync(CliContext context, RunHistory history, int max, CancellationToken ct)
    {
        var runs = await history.ListAsync(max, ct);
        if (runs.Count == 0)
        {
            context.Console.MarkupLine("[yellow]No runs yet.[/] Start one with 'kpi run'.");
            return ExitCodes.Failed;
        }

        var table = new Table().AddColumns("run", "status", "from", "to", "stores", "source", "started (UTC)");
        foreach (var run in runs)
        {
            table.AddRow(Markup.Escape(run.RunId), Status(run, WhyAbandoned(run)), StoreCalendar.Format(run.From), StoreCalendar.Format(run.To),
                run.StoreIds.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(run.Source), run.CreatedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }

        context.Console.Write(table);
        return ExitCodes.Ok;
    }

    private static async Task<int> ShowAsync(CliContext context, RunHistory history, string id, CancellationToken ct)
    {
        var header = await history.GetAsync(id, ct);
        if (header is null)
        {
            context.Console.MarkupLine($"[red]No run '{Markup.Escape(id)}'.[/] 'kpi runs' lists the recent ones.");
            return ExitCodes.Failed;
        }

        var stores = await history.GetStoresAsync(id, ct);
        var abandoned = WhyAbandoned(header);
        context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Run [bold]{Markup.Escape(header.RunId)}[/]: {Status(header, abandoned)}, {StoreCalendar.Format(header.From)} to {StoreCalendar.Format(header.To)} (fetched from {StoreCalendar.Format(header.FetchFrom)}), source {Markup.Escape(header.Source)}"));
        context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Started {header.CreatedUtc:yyyy-MM-dd HH:mm:ss} UTC, last change {header.UpdatedUtc:yyyy-MM-dd HH:mm:ss} UTC"));
        if (header.Output is { } output)
        {
            context.Console.MarkupLine(Markup.Escape(output));
        }

        if (abandoned is not null)
        {
            context.Console.MarkupLine($"[red]Abandoned:[/] {Markup.Escape(abandoned)}, so the run stopped without recording its end; start it again with 'kpi run'.");
        }

        if (stores.Count == 0)
        {
            // Store outcomes are written when the run ends; while it runs, its orchestration's custom status has them.
            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"{header.StoreIds.Count} store(s): {Markup.Escape(string.Join(", ", header.StoreIds))}; {(abandoned is null ? "outcomes are recorded when the run ends" : "no outcomes were recorded")}."));
            return abandoned is null ? ExitCodes.Ok : ExitCodes.Failed;
        }

        var table = new Table().AddColumns("store", "outcome", "attempts", "rows", "quarantined", "seconds", "error", "not read");
        foreach (var t in stores)
        {
            table.AddRow(Markup.Escape(t.StoreId), t.Status.ToString(), t.Attempts == 0 ? "" : t.Attempts.ToString(CultureInfo.InvariantCulture), t.Rows.ToString("N0", CultureInfo.InvariantCulture),
                t.Quarantined.ToString(CultureInfo.InvariantCulture), (t.DurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture), Markup.Escape(t.LastError ?? ""),
                Markup.Escape(t.Notes ?? ""));
        }

        context.Console.Write(table);
        return header.Status is RunStatus.Failed || abandoned is not null ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static async Task<RunHistory> HistoryAsync(CliContext context, string? dataDir, StorageAccount? storage, CancellationToken ct)
    {
        var dir = CommonOptions.ResolveDataDir(dataDir, context);
        var connection = CommonOptions.ResolveStorage(storage, context);
        if (connection is null && !File.Exists(Path.Combine(dir, "tables.db")))
        {
            throw new InvalidOperationException($"There is no data in '{Path.GetFullPath(dir)}'. Run 'kpi run --demo' first, or point --data-dir at a data folder.");
        }

        var kpiStorage = KpiStorage.Open(connection, dir, context.Time);
        await kpiStorage.EnsureTablesAsync(ct);
        return new RunHistory(kpiStorage.Tables);
    }

    /// <summary>Why a run that says Running cannot be (its local process is gone), or null.</summary>
    private static string? WhyAbandoned(RunHeader run) => run.Status == RunStatus.Running ? RunOwner.WhyGone(run.Owner) : null;

    private static string Status(RunHeader run, string? abandoned) => abandoned is not null ? "[red]Abandoned[/]" : run.Status switch
    {
        RunStatus.Completed => "[green]Completed[/]",
        RunStatus.CompletedWithErrors => "[yellow]CompletedWithErrors[/]",
        RunStatus.Failed => "[red]Failed[/]",
        _ => run.Status.ToString(),
    };
}
