using System.Globalization;
using System.Net;
using System.Text;
using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Pipeline.Reports;

/// <summary>
/// Writes the weekly report as one self-contained HTML page: styles inline, charts as inline SVG, no script, font or
/// image from anywhere (a Content-Security-Policy forbids it), laid out for screen and for A4 print. Every figure
/// cell carries its exact value in <c>data-value</c> so a reader (or a test) can check it against the KPI table.
/// </summary>
public static partial class WeeklyReportHtml
{
    /// <summary>The file name of the group's page in a language, e.g. group.en.html.</summary>
    public static string GroupFile(ReportLanguage language) => $"group.{Code(language)}.html";

    /// <summary>The file name of a store's page in a language, e.g. store-th-01.zh.html.</summary>
    public static string StoreFile(string storeId, ReportLanguage language) => $"store-{storeId}.{Code(language)}.html";

    /// <summary>The group's page: totals against target, stores ranked, and each store's red and amber KPIs and moves.</summary>
    public static string Group(WeeklyReport report, KpiCatalog catalog, ReportLanguage language)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(catalog);
        var t = ReportText.For(language);
        var html = new Html();
        Head(html, t, $"{t.Title} {report.Week}");
        html.Raw("<header>");
        html.Raw($"<nav><a href=\"{GroupFile(Other(language))}\" hreflang=\"{Code(Other(language))}\">{E(t.OtherLanguage)}</a></nav>");
        html.Raw($"<h1>{E(t.Title)} {E(report.Week)}</h1>");
        Period(html, t, report);
        html.Raw("</header>");

        html.Raw("<section id=\"group-totals\">");
        html.Raw($"<h2>{E(t.GroupTotals)} ({E(report.ReportingCurrency)})</h2>");
        html.Raw("<div class=\"tiles\">");
        var g = report.Group;
        Tile(html, t.Gmv, "group-gmv", g.Gmv, "#,0", Change(g.Gmv, g.PreviousGmv), t);
        Tile(html, t.Target, "group-target", g.Target, "#,0", null, t);
        Tile(html, t.Attainment, "group-attainment", g.Attainment, "0.0", null, t, "%");
        Tile(html, t.Orders, "group-orders", g.Orders, "#,0", Change(g.Orders, g.PreviousOrders), t);
        html.Raw("</div>");
        if (g.NullReason is { } why)
        {
            html.Raw($"<p class=\"note\">{E(why)}</p>");
        }

        html.Raw($"<h3>{E(t.DailyGmvChart)}</h3>");
        DayChart(html, g.Days, t);
        html.Raw("</section>");

        html.Raw("<section id=\"ranking\">");
        html.Raw($"<h2>{E(t.Ranking)}</h2><p class=\"note\">{E(t.RankLine)}</p>");
        AttainmentChart(html, report.Stores, t);
        html.Raw($"<table class=\"ranking\"><thead><tr><th>{E(t.Rank)}</th><th>{E(t.Move)}</th><th>{E(t.Store)}</th><th>{E(t.Country)}</th>"
            + $"<th class=\"num\">{E(t.Gmv)} ({E(report.ReportingCurrency)})</th><th class=\"num\">{E(t.Attainment)}</th><th class=\"num\">{E(t.Red)}</th><th class=\"num\">{E(t.Amber)}</th><th class=\"num\">{E(t.Days)}</th></tr></thead><tbody>");
        foreach (var s in report.Stores)
        {
            html.Raw($"<tr data-store=\"{E(s.Store.Id)}\"><td class=\"num\" data-field=\"rank\" data-value=\"{s.Rank}\">{s.Rank}</td><td data-field=\"move\">{Move(s, t)}</td>"
                + $"<td><a href=\"{E(StoreFile(s.Store.Id, language))}\">{E(s.Store.Name)}</a> <span class=\"id\">{E(s.Store.Id)}</span></td><td>{E(s.Store.Country)}</td>"
                + Cell("gmv_rpt", s.GmvReporting, "#,0", t) + Cell("attainment", s.Attainment, "0.0", t, "%")
                + $"<td class=\"num\">{s.Kpis.Count(k => k.Status == RagStatus.Red)}</td><td class=\"num\">{s.Kpis.Count(k => k.Status == RagStatus.Amber)}</td>"
                + $"<td class=\"num\">{s.DaysCovered}/7{(s.ProvisionalDays.Count > 0 ? " ◦" : "")}</td></tr>");
        }

        html.Raw("</tbody></table></section>");

        html.Raw($"<section id=\"stores\"><h2>{E(t.LookAt)}</h2>");
        foreach (var s in report.Stores)
        {
            html.Raw($"<article class=\"store\" id=\"store-{E(s.Store.Id)}\"><h3>{s.Rank}. <a href=\"{E(StoreFile(s.Store.Id, language))}\">{E(s.Store.Name)}</a></h3>");
            LookAt(html, s, catalog, t, language);
            html.Raw("</article>");
        }

        html.Raw("</section>");
        RoleMatrix(html, report, catalog, t, language);
        Creators(html, [.. report.Stores.SelectMany(s => s.Creators)], group: true, t, report.ReportingCurrency);
        Lives(html, [.. report.Stores.SelectMany(s => s.Lives)], group: true, t, report.ReportingCurrency);
        Foot(html);
        return html.ToString();
    }

    /// <summary>A store's page: its week, every KPI against last week, its red and amber KPIs and largest moves.</summary>
    public static string Store(WeeklyReport report, StoreWeek store, KpiCatalog catalog, ReportLanguage language)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        var t = ReportText.For(language);
        var html = new Html();
        Head(html, t, $"{store.Store.Name} {report.Week}");
        html.Raw("<header>");
        html.Raw($"<nav><a href=\"{GroupFile(language)}\">{E(t.GroupLink)}</a> · <a href=\"{E(StoreFile(store.Store.Id, Other(language)))}\" hreflang=\"{Code(Other(language))}\">{E(t.OtherLanguage)}</a></nav>");
        html.Raw($"<h1>{E(t.StoreTitle)}: {E(store.Store.Name)} {E(report.Week)}</h1>");
        Period(html, t, report);
        html.Raw($"<p class=\"meta\">{E(store.Store.Id)} · {E(store.Store.Country)} · {E(store.Store.Currency)} · {E(t.Stage)}: {E(StageLabel(catalog, store.Store.Stage, language))} · {E(t.Rank)} <b data-field=\"rank\" data-value=\"{store.Rank}\">{store.Rank}</b>/{report.Stores.Count} ({Move(store, t)})</p>");
        html.Raw("</header>");

        html.Raw($"<section id=\"store-{E(store.Store.Id)}\" class=\"store\">");
        html.Raw("<div class=\"tiles\">");
        var gmv = store.Kpi("gmv");
        Tile(html, t.Gmv + " (" + store.Store.Currency + ")", "store-gmv", gmv.Value, "#,0", gmv.ChangePct, t);
        Tile(html, t.Attainment, "store-attainment", store.Attainment, "0.0", null, t, "%");
        var orders = store.Kpi("orders");
        Tile(html, t.Orders, "store-orders", orders.Value, "#,0", orders.ChangePct, t);
        html.Raw("</div>");
        html.Raw($"<h3>{E(t.DailyGmvChart)} ({E(store.Store.Currency)})</h3>");
        DayChart(html, store.Days, t, store.ProvisionalDays);
        LookAt(html, store, catalog, t, language);
        html.Raw("</section>");

        html.Raw($"<section id=\"kpis\"><h2>{E(t.AllKpis)} ({E(store.Store.Currency)})</h2><table class=\"kpis\"><thead><tr><th>{E(t.Kpi)}</th><th class=\"num\">{E(t.ThisWeek)}</th><th class=\"num\">{E(t.LastWeek)}</th><th class=\"num\">{E(t.Change)}</th><th>{E(t.Status)}</th></tr></thead><tbody>");
        foreach (var k in store.Kpis)
        {
            var def = catalog.Kpi(k.KpiId);
            var title = k.Value is null && k.NullReason is { } reason ? $" title=\"{E(reason)}\"" : "";
            html.Raw($"<tr data-kpi=\"{E(k.KpiId)}\"><td>{E(Label(def, language))}</td>"
                + $"<td class=\"num\" data-field=\"value\"{(k.Value is { } v ? $" data-value=\"{Invariant(v)}\"" : "")}{title}>{Format(k.Value, def.Format, t)}{(k.Value is null ? "" : Unit(def))}</td>"
                + $"<td class=\"num\" data-field=\"previous\"{(k.Previous is { } p ? $" data-value=\"{Invariant(p)}\"" : "")}>{Format(k.Previous, def.Format, t)}{(k.Previous is null ? "" : Unit(def))}</td>"
                + $"<td class=\"num\">{ChangeText(k.ChangePct)}</td><td>{Badge(k.Status, t)}</td></tr>");
        }

        html.Raw("</tbody></table></section>");
        RoleCards(html, store, catalog, t, language);
        Creators(html, store.Creators, group: false, t, store.Store.Currency);
        Lives(html, store.Lives, group: false, t, store.Store.Currency);
        Foot(html);
        return html.ToString();
    }

    private static void LookAt(Html html, StoreWeek s, KpiCatalog catalog, ReportText t, ReportLanguage language)
    {
        if (s.ProvisionalDays.Count > 0)
        {
            html.Raw($"<p class=\"provisional\">◦ {E(t.Provisional)}: {E(string.Join(", ", s.ProvisionalDays.Select(d => d.ToString("MM-dd", CultureInfo.InvariantCulture))))}</p>");
        }

        foreach (var note in s.Notes)
        {
            html.Raw($"<p class=\"note\">{E(note)}</p>");
        }

        html.Raw($"<div class=\"cols\"><div><h4>{E(t.RedAmber)}</h4>");
        if (s.RedAndAmber.Count == 0)
        {
            html.Raw($"<p>{E(t.NothingRed)}</p>");
        }
        else
        {
            html.Raw("<ul class=\"redamber\">");
            foreach (var k in s.RedAndAmber)
            {
                var def = catalog.Kpi(k.KpiId);
                html.Raw($"<li data-kpi=\"{E(k.KpiId)}\">{Badge(k.Status, t)} {E(Label(def, language))}: <b>{Format(k.Value, def.Format, t)}</b>{(k.Value is null ? "" : Unit(def))}</li>");
            }

            html.Raw("</ul>");
        }

        html.Raw($"</div><div><h4>{E(t.LargestMoves)}</h4>");
        if (s.LargestMoves.Count == 0)
        {
            html.Raw($"<p>{E(t.NoMoves)}</p>");
        }
        else
        {
            html.Raw("<ul class=\"moves\">");
            foreach (var k in s.LargestMoves)
            {
                var def = catalog.Kpi(k.KpiId);
                html.Raw($"<li data-kpi=\"{E(k.KpiId)}\">{E(Label(def, language))}: {Format(k.Previous, def.Format, t)} → <b>{Format(k.Value, def.Format, t)}</b>{Unit(def)} ({ChangeText(k.ChangePct)})</li>");
            }

            html.Raw("</ul>");
        }

        html.Raw("</div></div>");
    }

    private static void Head(Html html, ReportText t, string title)
    {
        html.Raw($"<!DOCTYPE html><html lang=\"{t.Lang}\"><head><meta charset=\"utf-8\">");
        html.Raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        html.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Raw($"<title>{E(title)}</title><style>{Css}</style></head><body>");
    }

    private static void Foot(Html html) => html.Raw("</body></html>\n");

    private static void Period(Html html, ReportText t, WeeklyReport report)
    {
        html.Raw($"<p class=\"meta\">{E(string.Format(CultureInfo.InvariantCulture, t.Period, Date(report.From), Date(report.To)))} · "
            + $"{E(string.Format(CultureInfo.InvariantCulture, t.Generated, report.GeneratedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)))}</p>");
        if (report.HasProvisionalDays)
        {
            html.Raw($"<p class=\"provisional\" id=\"provisional\">{E(t.ProvisionalBanner)}</p>");
        }
    }

    private static void Tile(Html html, string label, string id, decimal? value, string format, decimal? changePct, ReportText t, string suffix = "")
    {
        html.Raw($"<div class=\"tile\" id=\"{id}\"{(value is { } v ? $" data-value=\"{Invariant(v)}\"" : "")}><div class=\"label\">{E(label)}</div>"
            + $"<div class=\"big\">{Format(value, format, t)}{(value is null ? "" : suffix)}</div>"
            + (changePct is null ? "" : $"<div class=\"change\">{E(t.VsLastWeek)} {ChangeText(changePct)}</div>") + "</div>");
    }

    /// <summary>Seven bars of GMV and a line of the prorated target; a provisional day's bar is hatched.</summary>
    private static void DayChart(Html html, IReadOnlyList<DayFigures> days, ReportText t, IReadOnlyList<DateOnly>? provisional = null)
    {
        const int width = 640, height = 200, left = 56, bottom = 24, top = 10;
        var max = days.SelectMany(d => new[] { d.Gmv ?? 0m, d.Target ?? 0m }).DefaultIfEmpty(0m).Max();
        if (max <= 0)
        {
            max = 1;
        }

        var slot = (width - left) / (double)days.Count;
        double Y(decimal v) => top + ((height - bottom - top) * (1 - (double)(v / max)));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{E(t.DailyGmvChart)}\">");
        svg.Append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"#4a78b5\"/></pattern></defs>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width}\" y2=\"{height - bottom}\" class=\"axis\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{top + 8}\" class=\"tick\" text-anchor=\"end\">{Format(max, "#,0", t)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{height - bottom}\" class=\"tick\" text-anchor=\"end\">0</text>");
        var targetPoints = new List<string>();
        for (var i = 0; i < days.Count; i++)
        {
            var d = days[i];
            var x = left + (i * slot);
            if (d.Gmv is { } gmv)
            {
                var y = Y(gmv);
                var fill = provisional?.Contains(d.Date) == true ? "url(#hatch)" : "#4a78b5";
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x + (slot * 0.15):0.#}\" y=\"{y:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{height - bottom - y:0.#}\" fill=\"{fill}\" data-date=\"{Date(d.Date)}\" data-value=\"{Invariant(gmv)}\"><title>{Date(d.Date)}: {Format(gmv, "#,0.00", t)}</title></rect>");
            }

            if (d.Target is { } target)
            {
                targetPoints.Add(string.Create(CultureInfo.InvariantCulture, $"{x + (slot / 2):0.#},{Y(target):0.#}"));
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (slot / 2):0.#}\" y=\"{height - 8}\" class=\"tick\" text-anchor=\"middle\">{E(t.Weekday(d.Date))}</text>");
        }

        if (targetPoints.Count > 1)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', targetPoints)}\" class=\"target\"/>");
        }

        svg.Append("</svg>");
        html.Raw(svg.ToString());
        html.Raw($"<p class=\"legend\">{E(t.BarLegend)}</p>");
    }

    /// <summary>A bar per store of its attainment (to 150 %), with the 100 % mark; colours: at or over 100 % green, from 90 % amber, else red.</summary>
    private static void AttainmentChart(Html html, IReadOnlyList<StoreWeek> stores, ReportText t)
    {
        const int width = 640, row = 18, left = 150, cap = 150;
        var height = (stores.Count * row) + 20;
        var scale = (width - left - 50) / (double)cap;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{E(t.AttainmentChart)}\">");
        for (var i = 0; i < stores.Count; i++)
        {
            var s = stores[i];
            var y = 4 + (i * row);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 12}\" class=\"tick\" text-anchor=\"end\">{E(Shorten(s.Store.Name, 22))}</text>");
            if (s.Attainment is { } a)
            {
                var w = Math.Min((double)a, cap) * scale;
                var colour = a >= 100 ? "#2e8b57" : a >= 90 ? "#d99a00" : "#c8372d";
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y}\" width=\"{w:0.#}\" height=\"{row - 5}\" fill=\"{colour}\" data-store=\"{E(s.Store.Id)}\" data-value=\"{Invariant(a)}\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + w + 4:0.#}\" y=\"{y + 12}\" class=\"tick\">{a.ToString("0.0", CultureInfo.InvariantCulture)}%</text>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 4}\" y=\"{y + 12}\" class=\"tick\">{E(t.Unknown)}</text>");
            }
        }

        var mark = left + (100 * scale);
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{mark:0.#}\" y1=\"0\" x2=\"{mark:0.#}\" y2=\"{height - 14}\" class=\"mark\"/><text x=\"{mark:0.#}\" y=\"{height - 2}\" class=\"tick\" text-anchor=\"middle\">100%</text>");
        svg.Append("</svg>");
        html.Raw($"<h3>{E(t.AttainmentChart)}</h3>");
        html.Raw(svg.ToString());
    }

    private static string Move(StoreWeek s, ReportText t) => s.RankChange switch
    {
        null => $"<span class=\"new\">{E(t.New)}</span>",
        > 0 => $"<span class=\"up\" data-value=\"{s.RankChange}\">▲{s.RankChange}</span>",
        < 0 => $"<span class=\"down\" data-value=\"{s.RankChange}\">▼{-s.RankChange}</span>",
        _ => "<span class=\"same\" data-value=\"0\">=</span>",
    };

    private static string Cell(string field, decimal? value, string format, ReportText t, string suffix = "") =>
        $"<td class=\"num\" data-field=\"{field}\"{(value is { } v ? $" data-value=\"{Invariant(v)}\"" : "")}>{Format(value, format, t)}{(value is null ? "" : suffix)}</td>";

    private static string Badge(RagStatus status, ReportText t) =>
        status == RagStatus.None ? "" : $"<span class=\"rag {status.ToString().ToLowerInvariant()}\">{E(t.StatusName(status))}</span>";

    private static string Label(KpiDefinition kpi, ReportLanguage language) => language == ReportLanguage.Zh ? kpi.LabelZh : kpi.LabelEn;

    /// <summary>The unit after a KPI's value: money is in the currency named in the heading, counts need none.</summary>
    private static string Unit(KpiDefinition kpi) => kpi.Unit switch
    {
        KpiUnit.Percent => "%",
        KpiUnit.Seconds => " s",
        KpiUnit.Minutes => " min",
        KpiUnit.Days => " d",
        KpiUnit.Multiple => "×",
        _ => "",
    };

    private static decimal? Change(decimal? now, decimal? before) => now is { } n && before is { } b && b != 0 ? (n - b) / Math.Abs(b) * 100m : null;

    private static string ChangeText(decimal? pct) => pct is { } p
        ? (p > 0 ? "+" : "") + p.ToString("0.0", CultureInfo.InvariantCulture) + "%"
        : "–";

    private static string Format(decimal? value, string format, ReportText t) =>
        value is { } v ? E(v.ToString(format, CultureInfo.InvariantCulture)) : $"<span class=\"unknown\">{E(t.Unknown)}</span>";

    private static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Code(ReportLanguage language) => language == ReportLanguage.Zh ? "zh" : "en";

    private static ReportLanguage Other(ReportLanguage language) => language == ReportLanguage.Zh ? ReportLanguage.En : ReportLanguage.Zh;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        :root{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1d2430;font-size:14px}
        body{max-width:190mm;margin:0 auto;padding:12px}
        h1{font-size:22px;margin:4px 0}h2{font-size:17px;border-bottom:2px solid #1d2430;padding-bottom:2px;margin-top:22px}
        h3{font-size:14px;margin:14px 0 4px}h4{font-size:13px;margin:8px 0 4px}
        nav{float:right;font-size:12px}a{color:#1f5fa8}
        .meta,.note,.legend{color:#5a6372;font-size:12px;margin:2px 0}
        .provisional{background:#fff6d6;border-left:4px solid #d99a00;padding:4px 8px;font-size:12px}
        .tiles{display:flex;gap:10px;flex-wrap:wrap}.tile{border:1px solid #d5dae2;border-radius:6px;padding:6px 10px;min-width:120px}
        .tile .label{font-size:12px;color:#5a6372}.tile .big{font-size:20px;font-weight:600}.tile .change{font-size:12px}
        table{border-collapse:collapse;width:100%;font-size:12px}th,td{border-bottom:1px solid #e3e7ee;padding:3px 5px;text-align:left}
        th{background:#f2f4f8}.num{text-align:right;font-variant-numeric:tabular-nums}.id{color:#8a93a3;font-size:11px}
        .rag{display:inline-block;border-radius:3px;padding:0 5px;color:#fff;font-size:11px}.rag.red{background:#c8372d}.rag.amber{background:#d99a00}.rag.green{background:#2e8b57}
        .up{color:#2e8b57}.down{color:#c8372d}.new{color:#1f5fa8}.unknown{color:#8a93a3}
        .cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}ul{margin:2px 0;padding-left:18px}
        .chart{width:100%;height:auto;max-height:240px}.chart .axis{stroke:#8a93a3}.chart .tick{font-size:10px;fill:#5a6372}
        .chart .target{fill:none;stroke:#c8372d;stroke-width:2;stroke-dasharray:5 3}.chart .mark{stroke:#1d2430;stroke-dasharray:3 3}
        .cards{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:10px}.card{border:1px solid #d5dae2;border-radius:6px;padding:4px 8px;break-inside:avoid}
        .card h3{margin:4px 0;display:flex;justify-content:space-between}.score{font-size:18px}
        .tier{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-weight:600}.tier.ta{background:#2e8b57}.tier.tb{background:#4a78b5}.tier.tc{background:#d99a00}.tier.td{background:#c8372d}
        article.store{border-top:1px solid #d5dae2;padding-top:4px;break-inside:avoid}
        @page{size:A4;margin:12mm}
        @media print{nav{display:none}body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}section{break-inside:auto}
        #stores{break-before:page}#kpis{break-before:page}#roles{break-before:page}.chart{max-height:200px}}
        """;

    private sealed class Html
    {
        private readonly StringBuilder _text = new();

        public void Raw(string text) => _text.Append(text);

        public override string ToString() => _text.ToString();
    }
}
