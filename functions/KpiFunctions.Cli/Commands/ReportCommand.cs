using System.CommandLine;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Reports;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi report weekly</c>: writes a week's review pack from the stored KPI rows.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var week = new Option<DateOnly?>("--week")
        {
            Description = "ISO week, e.g. 2026-W48 (Monday to Sunday, store-local days). Default: the last whole week before today.",
            CustomParser = result => StoreCalendar.TryParseIsoWeek(CommonOptions.Value(result), out var monday)
                ? monday
                : CommonOptions.Error<DateOnly?>(result, $"--week '{CommonOptions.Value(result)}' is not an ISO week; allowed: yyyy-Www, e.g. 2026-W48."),
        };
        var dataDir = CommonOptions.DataDir();
        var storageOption = CommonOptions.Storage();
        var weekly = new Command("weekly", "Write the weekly review pack (group and store pages, English and Chinese) into reports/weekly/<iso-week>/.")
        {
            week, dataDir, storageOption,
        };
        weekly.SetAction(async (parse, ct) =>
        {
            var dir = CommonOptions.ResolveDataDir(parse.GetValue(dataDir), context);
            var connection = CommonOptions.ResolveStorage(parse.GetValue(storageOption), context);
            if (connection is null && !File.Exists(Path.Combine(dir, "tables.db")))
            {
                throw new InvalidOperationException($"There is no data in '{Path.GetFullPath(dir)}'. Run 'kpi run --demo' first, or point --data-dir at a data folder.");
            }

            var monday = parse.GetValue(week) ?? StoreCalendar.IsoWeekStart(DateOnly.FromDateTime(context.Time.GetUtcNow().UtcDateTime)).AddDays(-7);
            var storage = KpiStorage.Open(connection, dir, context.Time);
            await storage.EnsureTablesAsync(ct);
            var written = await new WeeklyReportStep(storage, KpiCatalog.Default, context.Time).WriteAsync(monday, ct);
            context.Console.MarkupLine($"Weekly review pack {Markup.Escape(written.Week)}: {written.Files} pages (group and every store, English and Chinese).");
            context.Console.MarkupLine($"Open [bold]{Markup.Escape(written.Location)}[/]");
            return ExitCodes.Ok;
        });

        return new Command("report", "Reports made from the stored KPIs.") { weekly };
    }
}
