using System.CommandLine;
using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Runs;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi runs</c> lists recent runs from the ledger; <c>kpi status &lt;runId&gt;</c> shows one run and its stores.</summary>
internal static class RunsCommand
{
    public static Command CreateList(CliContext context)
    {
        var max = new Option<int>("--max") { Description = "How many runs, newest first.", DefaultValueFactory = _ => 20 };
        var dataDir = CommonOptions.DataDir();
        var storageOption = CommonOptions.Storage();
        var command = new Command("runs", "List recent runs from the run ledger (KpiRuns).") { max, dataDir, storageOption };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(max) is < 1 or > 1000)
            {
                throw new ArgumentException("--max is 1-1000.");
            }

            var ledger = await LedgerAsync(context, parse.GetValue(dataDir), parse.GetValue(storageOption), ct);
            var runs = await ledger.ListAsync(parse.GetValue(max), ct);
            if (runs.Count == 0)
            {
                context.Console.MarkupLine("[yellow]No runs yet.[/] Start one with 'kpi run'.");
                return ExitCodes.Failed;
            }

            var table = new Table().AddColumns("run", "status", "from", "to", "stores", "source", "started (UTC)");
            foreach (var run in runs)
            {
                table.AddRow(Markup.Escape(run.RunId), Status(run.Status), StoreCalendar.Format(run.From), StoreCalendar.Format(run.To),
                    run.StoreIds.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(run.Source), run.CreatedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            }

            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateStatus(CliContext context)
    {
        var runId = new Argument<string>("runId") { Description = "The run's id (see 'kpi runs')." };
        var dataDir = CommonOptions.DataDir();
        var storageOption = CommonOptions.Storage();
        var command = new Command("status", "Show a run: its status, output and every store's task.") { runId, dataDir, storageOption };
        command.SetAction(async (parse, ct) =>
        {
            var ledger = await LedgerAsync(context, parse.GetValue(dataDir), parse.GetValue(storageOption), ct);
            var id = parse.GetValue(runId)!;
            var header = await ledger.GetAsync(id, ct);
            if (header is null)
            {
                context.Console.MarkupLine($"[red]No run '{Markup.Escape(id)}'.[/] 'kpi runs' lists the recent ones.");
                return ExitCodes.Failed;
            }

            var tasks = await ledger.GetTasksAsync(id, ct);
            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Run [bold]{Markup.Escape(header.RunId)}[/]: {Status(header.Status)}, {StoreCalendar.Format(header.From)} to {StoreCalendar.Format(header.To)} (fetched from {StoreCalendar.Format(header.FetchFrom)}), source {Markup.Escape(header.Source)}"));
            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Started {header.CreatedUtc:yyyy-MM-dd HH:mm:ss} UTC, last change {header.UpdatedUtc:yyyy-MM-dd HH:mm:ss} UTC; computed {header.Computations} time(s){(header.PublishedUtc is null ? "" : ", published")}"));
            if (header.Output is { } output)
            {
                context.Console.MarkupLine(Markup.Escape(output));
            }

            var table = new Table().AddColumns("store", "status", "attempts", "rows", "quarantined", "seconds", "last error", "not read");
            foreach (var t in tasks)
            {
                table.AddRow(Markup.Escape(t.StoreId), t.Status.ToString(), t.Attempts.ToString(CultureInfo.InvariantCulture), t.Rows.ToString("N0", CultureInfo.InvariantCulture),
                    t.Quarantined.ToString(CultureInfo.InvariantCulture), (t.DurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture), Markup.Escape(t.LastError ?? ""),
                    Markup.Escape(t.Notes ?? ""));
            }

            context.Console.Write(table);
            return header.Status is RunStatus.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<RunLedger> LedgerAsync(CliContext context, string? dataDir, string? storage, CancellationToken ct)
    {
        var dir = CommonOptions.ResolveDataDir(dataDir, context);
        var connection = CommonOptions.ResolveStorage(storage, context);
        if (connection is null && !File.Exists(Path.Combine(dir, "tables.db")))
        {
            throw new InvalidOperationException($"There is no data in '{Path.GetFullPath(dir)}'. Run 'kpi run --demo' first, or point --data-dir at a data folder.");
        }

        var kpiStorage = KpiStorage.Open(connection, dir, context.Time);
        await kpiStorage.EnsureTablesAsync(ct);
        return new RunLedger(kpiStorage.Tables, context.Time);
    }

    private static string Status(RunStatus status) => status switch
    {
        RunStatus.Completed => "[green]Completed[/]",
        RunStatus.CompletedWithErrors => "[yellow]CompletedWithErrors[/]",
        RunStatus.Failed => "[red]Failed[/]",
        _ => status.ToString(),
    };
}
