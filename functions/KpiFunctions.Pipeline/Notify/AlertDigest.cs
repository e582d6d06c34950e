using System.Globalization;
using KpiFunctions.Core.Alerts;
using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>One alert as a message lists it, its numbers already formatted as the KPI shows them.</summary>
/// <param name="Date">Store-local day.</param>
/// <param name="StoreId">Store.</param>
/// <param name="KpiId">KPI id.</param>
/// <param name="LabelEn">The KPI's English label.</param>
/// <param name="LabelZh">The KPI's Chinese label.</param>
/// <param name="Value">The day's value, in the KPI's format.</param>
/// <param name="Threshold">What it was held against: the store's usual value on that weekday, else the catalog's red line; null when neither is known.</param>
/// <param name="Severity">Critical or warning.</param>
/// <param name="Reason">The alert's own sentence.</param>
public sealed record AlertDigestItem(DateOnly Date, string StoreId, string KpiId, string LabelEn, string LabelZh, string Value, string? Threshold, AlertSeverity Severity, string Reason);

/// <summary>How many alerts one store or KPI has, for the "most affected" lines.</summary>
/// <param name="Key">Store id, or KPI id.</param>
/// <param name="Label">What to show: the store id, or the KPI's bilingual label.</param>
/// <param name="Critical">Critical alerts.</param>
/// <param name="Warning">Warnings.</param>
public sealed record AlertTally(string Key, string Label, int Critical, int Warning);

/// <summary>
/// A run's alerts summarised for one message: counts by severity, the stores and KPIs with the most severe alerts,
/// and every alert in order of severity (formatters list the first few and say how many more).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="From">The window's first day the alerts were raised on.</param>
/// <param name="To">Its last day.</param>
/// <param name="MinSeverity">The least severe alert included.</param>
/// <param name="Critical">Critical alerts.</param>
/// <param name="Warning">Warnings (0 when only critical alerts are included).</param>
/// <param name="TopStores">Up to five stores, most critical alerts first.</param>
/// <param name="TopKpis">Up to five KPIs, most critical alerts first.</param>
/// <param name="Items">Every included alert, most severe first (critical, then by how far from usual, then latest day).</param>
/// <param name="Report">The weekly report: a full URL, or a relative path when no base URL is set; null when not known.</param>
/// <param name="ReportIsLink">True when <paramref name="Report"/> is a full URL.</param>
public sealed record AlertDigest(
    string RunId,
    DateOnly From,
    DateOnly To,
    AlertSeverity MinSeverity,
    int Critical,
    int Warning,
    IReadOnlyList<AlertTally> TopStores,
    IReadOnlyList<AlertTally> TopKpis,
    IReadOnlyList<AlertDigestItem> Items,
    string? Report,
    bool ReportIsLink)
{
    /// <summary>How many stores and KPIs the "most affected" lines name.</summary>
    public const int TopCount = 5;

    /// <summary>Alerts included.</summary>
    public int Total => Critical + Warning;

    /// <summary>Summarises the alerts at <paramref name="minSeverity"/> or above; the report link is <paramref name="reportBase"/> + <paramref name="reportPath"/>.</summary>
    public static AlertDigest Build(string runId, DateOnly from, DateOnly to, IEnumerable<KpiAlert> alerts, AlertSeverity minSeverity, KpiCatalog catalog, string? reportPath, Uri? reportBase)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(catalog);
        var kpis = catalog.Kpis.ToDictionary(k => k.Id, StringComparer.Ordinal);
        var included = alerts.Where(a => a.Severity >= minSeverity)
            .OrderByDescending(a => a.Severity)
            .ThenByDescending(a => a.Deviation is { } d ? Math.Abs(d) : -1m)
            .ThenByDescending(a => a.Date)
            .ThenBy(a => a.StoreId, StringComparer.Ordinal)
            .ThenBy(a => a.KpiId, StringComparer.Ordinal)
            .ToArray();
        string Label(string kpiId) => kpis.TryGetValue(kpiId, out var k) ? $"{k.LabelEn} {k.LabelZh}" : kpiId;
        IReadOnlyList<AlertTally> Top(Func<KpiAlert, string> key, Func<string, string> label) => [.. included
            .GroupBy(key, StringComparer.Ordinal)
            .Select(g => new AlertTally(g.Key, label(g.Key), g.Count(a => a.Severity == AlertSeverity.Critical), g.Count(a => a.Severity != AlertSeverity.Critical)))
            .OrderByDescending(t => t.Critical)
            .ThenByDescending(t => t.Warning)
            .ThenBy(t => t.Key, StringComparer.Ordinal)
            .Take(TopCount)];

        var items = included.Select(a =>
        {
            var kpi = kpis.GetValueOrDefault(a.KpiId);
            var threshold = a.Baseline ?? kpi?.Thresholds?.Amber;
            return new AlertDigestItem(a.Date, a.StoreId, a.KpiId, kpi?.LabelEn ?? a.KpiId, kpi?.LabelZh ?? "", Show(a.Value, kpi), threshold is { } t ? Show(t, kpi) : null, a.Severity, a.Reason);
        }).ToArray();
        var report = reportPath is null ? null : reportBase is null ? reportPath : new Uri(reportBase, reportPath.TrimStart('/')).AbsoluteUri;
        return new AlertDigest(runId, from, to, minSeverity,
            included.Count(a => a.Severity == AlertSeverity.Critical), included.Count(a => a.Severity != AlertSeverity.Critical),
            Top(a => a.StoreId, id => id), Top(a => a.KpiId, Label), items, report, report is not null && reportBase is not null);
    }

    private static string Show(decimal value, KpiDefinition? kpi)
    {
        try
        {
            return value.ToString(kpi?.Format ?? "0.##", CultureInfo.InvariantCulture) + (kpi?.Unit == KpiUnit.Percent ? "%" : "");
        }
        catch (FormatException)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }
    }
}
