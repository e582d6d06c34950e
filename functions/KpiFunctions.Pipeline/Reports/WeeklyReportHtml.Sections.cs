using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Scorecards;

namespace KpiFunctions.Pipeline.Reports;

// The role scorecards and the creator and LIVE sections of the weekly report.
public static partial class WeeklyReportHtml
{
    /// <summary>How many creators and LIVE sessions each end of a list shows.</summary>
    public const int TopAndBottom = 5;

    /// <summary>The group's role scores: a row per store, a column per role.</summary>
    private static void RoleMatrix(Html html, WeeklyReport report, KpiCatalog catalog, ReportText t, ReportLanguage language)
    {
        html.Raw($"<section id=\"roles\"><h2>{E(t.Roles)}</h2><p class=\"note\">{E(t.RolesLine)}</p><table class=\"roles\"><thead><tr><th>{E(t.Store)}</th><th>{E(t.Stage)}</th>");
        foreach (var role in catalog.Roles)
        {
            html.Raw($"<th class=\"num\">{E(Label(role, language))}</th>");
        }

        html.Raw("</tr></thead><tbody>");
        foreach (var s in report.Stores)
        {
            html.Raw($"<tr data-store=\"{E(s.Store.Id)}\"><td>{E(s.Store.Name)}</td><td>{E(StageLabel(catalog, s.Store.Stage, language))}</td>");
            foreach (var role in catalog.Roles)
            {
                var score = s.Roles.FirstOrDefault(r => r.Role.Id == role.Id);
                html.Raw(ScoreCell(role.Id, score?.Score, score?.Reason, t));
            }

            html.Raw("</tr>");
        }

        html.Raw("</tbody></table></section>");
    }

    /// <summary>A store's role scorecards: each role's KPIs with value, stage target, attainment and status, and the role's score.</summary>
    private static void RoleCards(Html html, StoreWeek s, KpiCatalog catalog, ReportText t, ReportLanguage language)
    {
        html.Raw($"<section id=\"roles\"><h2>{E(t.Roles)} · {E(t.Stage)}: {E(StageLabel(catalog, s.Store.Stage, language))}</h2><p class=\"note\">{E(t.RolesLine)}</p><div class=\"cards\">");
        foreach (var role in s.Roles)
        {
            html.Raw($"<div class=\"card\" data-role=\"{E(role.Role.Id)}\"><h3>{E(Label(role.Role, language))} <span class=\"score\"{(role.Score is { } sc ? $" data-value=\"{Invariant(sc)}\"" : "")}{(role.Reason is { } why ? $" title=\"{E(why)}\"" : "")}>{Format(role.Score, "0", t)}</span></h3>");
            html.Raw($"<table><thead><tr><th>{E(t.Kpi)}</th><th class=\"num\">{E(t.Weight)}</th><th class=\"num\">{E(t.ThisWeek)}</th><th class=\"num\">{E(t.Target)}</th><th class=\"num\">{E(t.Attainment)}</th><th></th></tr></thead><tbody>");
            foreach (var k in role.Kpis)
            {
                var def = catalog.Kpi(k.KpiId);
                html.Raw($"<tr data-kpi=\"{E(k.KpiId)}\"><td>{E(Label(def, language))}</td><td class=\"num\">{E((k.Weight * 100m).ToString("0", CultureInfo.InvariantCulture))}%</td>"
                    + $"<td class=\"num\"{(k.Value is { } v ? $" data-value=\"{Invariant(v)}\"" : "")}>{Format(k.Value, def.Format, t)}{(k.Value is null ? "" : Unit(def))}</td>"
                    + $"<td class=\"num\">{Format(k.Target, def.Format, t)}{(k.Target is null ? "" : Unit(def))}</td>"
                    + $"<td class=\"num\"{(k.Reason is { } kpiWhy ? $" title=\"{E(kpiWhy)}\"" : "")}>{Format(k.Attainment, "0", t)}{(k.Attainment is null ? "" : "%")}</td><td>{Badge(k.Status, t)}</td></tr>");
            }

            html.Raw("</tbody></table></div>");
        }

        html.Raw("</div></section>");
    }

    /// <summary>The week's best and worst creators by GMV: the group's in the reporting currency, a store's in its own.</summary>
    private static void Creators(Html html, IReadOnlyList<CreatorWeekScore> creators, bool group, ReportText t, string currency)
    {
        html.Raw($"<section id=\"creators\"><h2>{E(t.Creators)}</h2><p class=\"note\">{E(t.CreatorsLine)}</p>");
        if (creators.Count == 0)
        {
            html.Raw($"<p>{E(t.NoCreators)}</p></section>");
            return;
        }

        decimal Gmv(CreatorWeekScore c) => group ? c.GmvReporting ?? -1m : c.Gmv;
        var ordered = creators.OrderByDescending(Gmv).ThenBy(c => c.StoreId, StringComparer.Ordinal).ThenBy(c => c.CreatorId, StringComparer.Ordinal).ToArray();
        foreach (var (title, list) in TopBottom(ordered, t))
        {
            html.Raw($"<h3>{E(title)}</h3><table class=\"creators\"><thead><tr>{(group ? $"<th>{E(t.Store)}</th>" : "")}<th>{E(t.Creator)}</th><th>{E(t.Content)}</th>"
                + $"<th class=\"num\">{E(t.Gmv)} ({E(currency)})</th><th class=\"num\">{E(t.Orders)}</th><th class=\"num\">{E(t.Commission)}</th><th class=\"num\">{E(t.CommissionPct)}</th><th class=\"num\">{E(t.RefundRate)}</th><th>{E(t.Tier)}</th></tr></thead><tbody>");
            foreach (var c in list)
            {
                html.Raw($"<tr data-store=\"{E(c.StoreId)}\" data-creator=\"{E(c.CreatorId)}\">{(group ? $"<td>{E(c.StoreId)}</td>" : "")}<td>{E(c.CreatorId)}</td><td>{E(c.ContentTypes)}</td>"
                    + Cell("gmv", group ? c.GmvReporting : c.Gmv, "#,0.00", t) + $"<td class=\"num\">{c.Orders.ToString("#,0", CultureInfo.InvariantCulture)}</td>"
                    + Cell("commission", c.Commission, "#,0.00", t) + Cell("commission_pct", c.CommissionPct, "0.0", t, "%") + Cell("refund_rate", c.RefundRatePct, "0.0", t, "%")
                    + $"<td>{Tier(c.Tier, c.Reasons, t)}</td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        html.Raw("</section>");
    }

    /// <summary>The week's best and worst LIVE sessions by GMV.</summary>
    private static void Lives(Html html, IReadOnlyList<LiveSessionScore> sessions, bool group, ReportText t, string currency)
    {
        html.Raw($"<section id=\"live\"><h2>{E(t.Lives)}</h2><p class=\"note\">{E(t.LivesLine)}</p>");
        if (sessions.Count == 0)
        {
            html.Raw($"<p>{E(t.NoLives)}</p></section>");
            return;
        }

        decimal Gmv(LiveSessionScore l) => group ? l.GmvReporting ?? -1m : l.Gmv;
        var ordered = sessions.OrderByDescending(Gmv).ThenBy(l => l.StoreId, StringComparer.Ordinal).ThenBy(l => l.SessionId, StringComparer.Ordinal).ToArray();
        foreach (var (title, list) in TopBottom(ordered, t))
        {
            html.Raw($"<h3>{E(title)}</h3><table class=\"lives\"><thead><tr>{(group ? $"<th>{E(t.Store)}</th>" : "")}<th>{E(t.Started)}</th>"
                + $"<th class=\"num\">{E(t.Gmv)} ({E(currency)})</th><th class=\"num\">GPM</th><th class=\"num\">{E(t.AvgWatch)}</th><th class=\"num\">{E(t.Viewers)}</th><th class=\"num\">{E(t.ClickRate)}</th><th>{E(t.Tier)}</th></tr></thead><tbody>");
            foreach (var l in list)
            {
                html.Raw($"<tr data-store=\"{E(l.StoreId)}\" data-session=\"{E(l.SessionId)}\">{(group ? $"<td>{E(l.StoreId)}</td>" : "")}<td>{E(l.StartLocal)}</td>"
                    + Cell("gmv", group ? l.GmvReporting : l.Gmv, "#,0.00", t) + Cell("gpm", group ? l.GpmReporting : l.Gpm, "#,0.00", t)
                    + Cell("avg_watch", l.AvgWatchSeconds, "0", t, " s") + $"<td class=\"num\">{l.Viewers.ToString("#,0", CultureInfo.InvariantCulture)}</td>"
                    + Cell("click_rate", l.ClickRatePct, "0.00", t, "%") + $"<td>{Tier(l.Tier, l.Reasons, t)}</td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        html.Raw("</section>");
    }

    /// <summary>The first and last <see cref="TopAndBottom"/> of a list ordered best first; one list when they would overlap.</summary>
    private static IEnumerable<(string Title, IReadOnlyList<T> Rows)> TopBottom<T>(IReadOnlyList<T> ordered, ReportText t)
    {
        if (ordered.Count <= TopAndBottom * 2)
        {
            yield return (t.All, ordered);
            yield break;
        }

        yield return (t.Top, [.. ordered.Take(TopAndBottom)]);
        yield return (t.Bottom, [.. ordered.Skip(ordered.Count - TopAndBottom)]);
    }

    private static string ScoreCell(string role, decimal? score, string? reason, ReportText t) =>
        $"<td class=\"num\" data-role=\"{E(role)}\"{(score is { } v ? $" data-value=\"{Invariant(v)}\"" : "")}{(reason is { } why ? $" title=\"{E(why)}\"" : "")}>{Format(score, "0", t)}</td>";

    private static string Tier(ScoreTier? tier, string? reasons, ReportText t) =>
        tier is { } x
            ? $"<span class=\"tier t{x.ToString().ToLowerInvariant()}\">{x}</span>"
            : $"<span class=\"unknown\"{(reasons is null ? "" : $" title=\"{E(reasons)}\"")}>{E(t.Unknown)}</span>";

    private static string Label(RoleDefinition role, ReportLanguage language) => language == ReportLanguage.Zh ? role.LabelZh : role.LabelEn;

    private static string StageLabel(KpiCatalog catalog, string stage, ReportLanguage language) =>
        catalog.Stage(stage) is { } s ? (language == ReportLanguage.Zh ? s.LabelZh : s.LabelEn) : stage;
}
