using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using KpiFunctions.Cli.Rendering;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Kpis;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi kpis</c>: prints KPI rows for stores and days.</summary>
internal static class KpisCommand
{
    public static Command Create(CliContext context)
    {
        var store = CommonOptions.StoreId("--store", "Store id. Default: every store.");
        var from = CommonOptions.Date("--from", "First day");
        from.Required = true;
        var to = CommonOptions.Date("--to", "Last day (default: --from)");
        var kpi = new Option<string[]>("--kpi")
        {
            Description = $"KPI ids to show (repeat or comma-separate; 'all' for every KPI). Default: {string.Join(",", KpiTable.DefaultKpis)}.",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = CheckKpis,
        };
        var format = CommonOptions.Choice("--format", "table or csv.", "table", "csv");
        var dataDir = CommonOptions.DataDir();
        var storageOption = CommonOptions.Storage();
        var command = new Command("kpis", "Print KPI rows for stores and days.") { store, from, to, kpi, format, dataDir, storageOption };
        command.SetAction(async (parse, ct) =>
        {
            var first = parse.GetValue(from)!.Value;
            var last = parse.GetValue(to) ?? first;
            if (last < first)
            {
                throw new ArgumentException($"--to {last:yyyy-MM-dd} is before --from {first:yyyy-MM-dd}.");
            }

            var ids = ResolveKpis(parse.GetValue(kpi));
            var dir = CommonOptions.ResolveDataDir(parse.GetValue(dataDir), context);
            var connection = CommonOptions.ResolveStorage(parse.GetValue(storageOption), context);
            if (connection is null && !File.Exists(Path.Combine(dir, "tables.db")))
            {
                throw new InvalidOperationException($"There is no data in '{Path.GetFullPath(dir)}'. Run 'kpi run --demo' first, or point --data-dir at a data folder.");
            }

            var storage = KpiStorage.Open(connection, dir, context.Time);
            await storage.EnsureTablesAsync(ct);
            var rows = await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(first, last, parse.GetValue(store), ct);
            if (rows.Count == 0)
            {
                context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"[yellow]No KPI rows[/] for {Markup.Escape(parse.GetValue(store) ?? "any store")} from {first:yyyy-MM-dd} to {last:yyyy-MM-dd}."));
                return ExitCodes.Failed;
            }

            if (parse.GetValue(format) == "csv")
            {
                WriteCsv(context.Console.Profile.Out.Writer, rows, ids);
            }
            else
            {
                context.Console.Write(KpiTable.Build(rows, ids, KpiCatalog.Default, showReportingGmv: ids.Contains("gmv")));
                foreach (var why in rows.SelectMany(r => r.Kpis.Where(k => ids.Contains(k.Key) && k.Value.NullReason is not null)
                    .Select(k => $"{r.StoreId} {StoreCalendar.Format(r.Date)} {k.Key}: {k.Value.NullReason}")).Take(10))
                {
                    context.Console.MarkupLine($"[grey]– {Markup.Escape(why)}[/]");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The ids of --kpi, each checked against the catalog.</summary>
    private static string[] CheckKpis(ArgumentResult result)
    {
        var ids = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        var unknown = ids.Where(id => id != "all" && !KpiCatalog.Default.ContainsKpi(id)).ToArray();
        return unknown.Length == 0
            ? ids
            : CommonOptions.Error<string[]>(result, $"--kpi '{string.Join(",", unknown)}' {(unknown.Length == 1 ? "is not a KPI id" : "are not KPI ids")}; allowed: all, {string.Join(", ", KpiCatalog.Default.Kpis.Select(k => k.Id))}.");
    }

    private static IReadOnlyList<string> ResolveKpis(string[]? ids) =>
        ids is not { Length: > 0 } ? KpiTable.DefaultKpis
        : ids.Contains("all", StringComparer.Ordinal) ? [.. KpiCatalog.Default.Kpis.Select(k => k.Id)]
        : ids;

    private static void WriteCsv(TextWriter writer, IReadOnlyList<KpiDailyRow> rows, IReadOnlyList<string> ids)
    {
        writer.Write("date,store_id,currency,reporting_currency,fx_rate");
        foreach (var id in ids)
        {
            writer.Write($",{id},{id}_rag");
            if (KpiCatalog.Default.Kpi(id).IsMonetary)
            {
                writer.Write($",{id}_rpt");
            }
        }

        writer.WriteLine();
        foreach (var r in rows)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{r.Date:yyyy-MM-dd},{r.StoreId},{r.Currency},{r.ReportingCurrency},{r.FxRate}"));
            foreach (var id in ids)
            {
                var cell = r.Kpis.GetValueOrDefault(id);
                writer.Write(string.Create(CultureInfo.InvariantCulture, $",{cell?.Value},{cell?.Status}"));
                if (KpiCatalog.Default.Kpi(id).IsMonetary)
                {
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $",{cell?.ReportingValue}"));
                }
            }

            writer.WriteLine();
        }
    }
}
