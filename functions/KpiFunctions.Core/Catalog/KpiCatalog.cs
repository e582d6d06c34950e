using System.Text.RegularExpressions;

namespace KpiFunctions.Core.Catalog;

/// <summary>
/// The one definition of every base measure and KPI. The C# engine, the KPI reference in the README
/// and (later) the Power BI measures are all generated from it.
/// </summary>
public sealed partial class KpiCatalog
{
    private readonly Dictionary<string, BaseMeasure> _measures;
    private readonly Dictionary<string, KpiDefinition> _kpis;

    /// <summary>Builds a catalog; throws <see cref="ArgumentException"/> listing every problem found.</summary>
    public KpiCatalog(
        IReadOnlyList<BaseMeasure> measures,
        IReadOnlyList<KpiDefinition> kpis,
        IReadOnlyList<RoleDefinition>? roles = null,
        IReadOnlyList<StageDefinition>? stages = null)
    {
        ArgumentNullException.ThrowIfNull(measures);
        ArgumentNullException.ThrowIfNull(kpis);
        roles ??= [];
        stages ??= [];
        var problems = Validate(measures, kpis, roles, stages);
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"The KPI catalog has {problems.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        }

        Measures = measures;
        Kpis = kpis;
        _measures = measures.ToDictionary(m => m.Id, StringComparer.Ordinal);
        _kpis = kpis.ToDictionary(k => k.Id, StringComparer.Ordinal);
        Roles = roles;
        Stages = stages;
    }

    /// <summary>Base measures, in catalog order.</summary>
    public IReadOnlyList<BaseMeasure> Measures { get; }

    /// <summary>KPIs, in catalog order.</summary>
    public IReadOnlyList<KpiDefinition> Kpis { get; }

    /// <summary>A measure by id.</summary>
    public BaseMeasure Measure(string id) =>
        _measures.TryGetValue(id, out var m) ? m : throw new ArgumentException($"Unknown base measure '{id}'.", nameof(id));

    /// <summary>A KPI by id.</summary>
    public KpiDefinition Kpi(string id) =>
        _kpis.TryGetValue(id, out var k) ? k : throw new ArgumentException($"Unknown KPI '{id}'. Known: {string.Join(", ", _kpis.Keys)}.", nameof(id));

    /// <summary>True when the id names a KPI.</summary>
    public bool ContainsKpi(string id) => _kpis.ContainsKey(id);

    /// <summary>Checks a catalog and returns every problem, each saying where and why.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<BaseMeasure> measures, IReadOnlyList<KpiDefinition> kpis)
    {
        ArgumentNullException.ThrowIfNull(measures);
        ArgumentNullException.ThrowIfNull(kpis);
        var problems = new List<string>();
        var measureIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in measures)
        {
            if (!IdPattern().IsMatch(m.Id))
            {
                problems.Add($"measure '{m.Id}': id must be snake_case letters and digits");
            }

            if (!measureIds.Add(m.Id))
            {
                problems.Add($"measure '{m.Id}': defined more than once");
            }

            if (string.IsNullOrWhiteSpace(m.Dataset) || string.IsNullOrWhiteSpace(m.Source) || string.IsNullOrWhiteSpace(m.Description))
            {
                problems.Add($"measure '{m.Id}': dataset, source and description are required");
            }
        }

        var kpiIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in kpis)
        {
            var where = $"kpi '{k.Id}'";
            if (!IdPattern().IsMatch(k.Id))
            {
                problems.Add($"{where}: id must be snake_case letters and digits");
            }

            if (!kpiIds.Add(k.Id))
            {
                problems.Add($"{where}: defined more than once");
            }

            if (string.IsNullOrWhiteSpace(k.LabelEn) || string.IsNullOrWhiteSpace(k.LabelZh))
            {
                problems.Add($"{where}: needs both an English and a Chinese label");
            }

            if (string.IsNullOrWhiteSpace(k.Description) || string.IsNullOrWhiteSpace(k.Format))
            {
                problems.Add($"{where}: needs a description and a format");
            }

            foreach (var (measureId, mtd) in k.Formula.References())
            {
                if (!measureIds.Contains(measureId))
                {
                    problems.Add($"{where}: formula reads unknown measure '{measureId}'");
                }

                if (mtd && k.Kind != KpiKind.Cumulative)
                {
                    problems.Add($"{where}: reads mtd({measureId}) but is not marked Cumulative");
                }
            }

            var isRatio = k.Formula is KpiExpr.Binary { Operator: '/' } or KpiExpr.Binary { Operator: '*', Left: KpiExpr.Binary { Operator: '/' } };
            if (k.Kind == KpiKind.Ratio && !isRatio)
            {
                problems.Add($"{where}: a Ratio must be numerator / denominator [* multiplier]");
            }

            if (k.Kind == KpiKind.Simple && k.Formula is not KpiExpr.MeasureRef { MonthToDate: false })
            {
                problems.Add($"{where}: a Simple KPI is exactly one base measure");
            }

            if (k.Thresholds is { } t)
            {
                var ordered = k.Direction == KpiDirection.HigherIsBetter ? t.Green >= t.Amber : t.Green <= t.Amber;
                if (!ordered)
                {
                    problems.Add($"{where}: green {t.Green} and amber {t.Amber} are the wrong way round for {k.Direction}");
                }
            }
        }

        return problems;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex IdPattern();
}
