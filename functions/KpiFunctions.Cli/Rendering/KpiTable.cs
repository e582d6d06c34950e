using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Kpis;
using Spectre.Console;

namespace KpiFunctions.Cli.Rendering;

/// <summary>Tables of KPI rows, cells coloured by red / amber / green.</summary>
internal static class KpiTable
{
    /// <summary>KPIs shown when none are asked for.</summary>
    public static IReadOnlyList<string> DefaultKpis { get; } =
        ["gmv", "orders", "aov", "conversion_rate", "refund_rate", "roas", "gross_margin", "response_rate", "gmv_target_attainment"];

    private static readonly Dictionary<string, string> ShortHeaders = new(StringComparer.Ordinal)
    {
        ["gmv"] = "GMV",
        ["orders"] = "Orders",
        ["aov"] = "AOV",
        ["conversion_rate"] = "Conv %",
        ["refund_rate"] = "Refund %",
        ["roas"] = "ROAS",
        ["gross_margin"] = "Margin %",
        ["response_rate"] = "Resp %",
        ["gmv_target_attainment"] = "MTD target %",
    };

    /// <summary>A table of rows; money is shown without decimals (the stored values keep them, see --format csv).</summary>
    public static Table Build(IReadOnlyList<KpiDailyRow> rows, IReadOnlyList<string> kpiIds, KpiCatalog catalog, bool showReportingGmv, bool showDay = true)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("Store");
        table.AddColumn("Cur");
        if (showDay)
        {
            table.AddColumn("Day");
        }

        foreach (var id in kpiIds)
        {
            var kpi = catalog.Kpi(id);
            table.AddColumn(new TableColumn(ShortHeaders.TryGetValue(id, out var h) ? h : Header(kpi)).RightAligned());
            if (showReportingGmv && id == "gmv" && rows.Count > 0)
            {
                table.AddColumn(new TableColumn($"GMV {rows[0].ReportingCurrency}").RightAligned());
            }
        }

        foreach (var row in rows)
        {
            var cells = new List<string> { Markup.Escape(row.StoreId), row.Currency };
            if (showDay)
            {
                // "p": still inside the lookback, later runs may change the figures.
                cells.Add(StoreCalendar.Format(row.Date) + (row.Provisional ? " [grey]p[/]" : ""));
            }

            foreach (var id in kpiIds)
            {
                var kpi = catalog.Kpi(id);
                var cell = row.Kpis.GetValueOrDefault(id);
                var text = cell is null ? "[grey]–[/]" : Cell(cell.Value, cell.Status, kpi);
                cells.Add(text);
                if (showReportingGmv && id == "gmv")
                {
                    var flag = row.FxStatus == Core.Fx.FxStatus.CarriedForward ? "[grey]*[/]" : "";
                    cells.Add(cell?.ReportingValue is { } rpt ? Markup.Escape(rpt.ToString("#,0", CultureInfo.InvariantCulture)) + flag : "[grey]–[/]");
                }
            }

            table.AddRow(cells.ToArray());
        }

        return table;
    }

    public static string Header(KpiDefinition kpi) => kpi.Unit switch
    {
        KpiUnit.Percent => Markup.Escape(kpi.LabelEn + " %"),
        KpiUnit.Minutes => Markup.Escape(kpi.LabelEn + " (min)"),
        KpiUnit.Seconds => Markup.Escape(kpi.LabelEn + " (s)"),
        KpiUnit.Days => Markup.Escape(kpi.LabelEn + " (days)"),
        _ => Markup.Escape(kpi.LabelEn),
    };

    public static string Cell(decimal? value, RagStatus status, KpiDefinition kpi)
    {
        var text = Markup.Escape(kpi.IsMonetary && value is { } v ? v.ToString("#,0", CultureInfo.InvariantCulture) : KpiDailyRepository.Display(value, kpi));
        return status switch
        {
            RagStatus.Green => $"[green]{text}[/]",
            RagStatus.Amber => $"[yellow]{text}[/]",
            RagStatus.Red => $"[red]{text}[/]",
            _ => value is null ? "[grey]–[/]" : text,
        };
    }
}
