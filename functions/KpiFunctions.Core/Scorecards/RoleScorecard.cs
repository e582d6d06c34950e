using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Engine;

namespace KpiFunctions.Core.Scorecards;

/// <summary>
/// Scores each catalog role for one store and period (a store-week from <see cref="KpiEngine"/>): every KPI's value,
/// its stage target, attainment and RAG, and the role's weighted score. Pure: no I/O, no clock.
/// </summary>
public static class RoleScorecard
{
    /// <summary>Most attainment one KPI counts for, in percent, so one runaway KPI cannot carry a role's score.</summary>
    public const decimal AttainmentCap = 150m;

    /// <summary>Scores every role for a store: its stage's targets, and its own thresholds, else its stage's, else the KPI's.</summary>
    public static IReadOnlyList<RoleScore> Score(KpiCatalog catalog, Store store, KpiGroupResult period)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(store);
        var stage = catalog.Stage(store.Stage)
            ?? throw new ArgumentException($"Store '{store.Id}' has stage '{store.Stage}', which the catalog does not define.", nameof(store));
        return Score(catalog, stage, period, kpi => catalog.ThresholdsFor(store, kpi));
    }

    /// <summary>Scores every role for a period of a store in <paramref name="stage"/>: the stage's targets and thresholds, else the KPI's thresholds.</summary>
    public static IReadOnlyList<RoleScore> Score(KpiCatalog catalog, StageDefinition stage, KpiGroupResult period)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return Score(catalog, stage, period, kpi => stage.For(kpi.Id)?.Thresholds ?? kpi.Thresholds);
    }

    /// <summary>
    /// Percent of <paramref name="target"/> a value reaches: value ÷ target for higher-is-better, target ÷ value for
    /// lower-is-better, × 100, kept within 0 and <see cref="AttainmentCap"/>. A lower-is-better value of zero or less
    /// reaches the cap. Null, with the reason, when a higher-is-better target is zero or less (no ratio means anything).
    /// </summary>
    public static (decimal? Attainment, string? Reason) Attainment(decimal value, decimal target, KpiDirection direction)
    {
        decimal raw;
        if (direction == KpiDirection.HigherIsBetter)
        {
            if (target <= 0)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"target {target} is not above zero, so value ÷ target means nothing"));
            }

            raw = value / target * 100m;
        }
        else
        {
            raw = value <= 0 ? AttainmentCap : target / value * 100m;
        }

        return (Math.Clamp(raw, 0m, AttainmentCap), null);
    }

    private static List<RoleScore> Score(KpiCatalog catalog, StageDefinition stage, KpiGroupResult period, Func<KpiDefinition, RagThresholds?> thresholds)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(period);
        var scores = new List<RoleScore>(catalog.Roles.Count);
        foreach (var role in catalog.Roles)
        {
            var kpis = new List<RoleKpiScore>(role.Kpis.Count);
            decimal weighted = 0m, weights = 0m;
            foreach (var rk in role.Kpis)
            {
                var kpi = catalog.Kpi(rk.KpiId);
                var result = period.Kpi(rk.KpiId);
                var target = stage.For(rk.KpiId)?.Target;
                var status = thresholds(kpi)?.Classify(result.Value, kpi.Direction) ?? RagStatus.None;
                decimal? attainment = null;
                string? reason;
                if (result.Value is not { } value)
                {
                    reason = $"no value: {result.NullReason ?? "unknown"}";
                }
                else if (target is not { } t)
                {
                    reason = $"stage '{stage.Id}' sets no target for {rk.KpiId}";
                }
                else
                {
                    (attainment, reason) = Attainment(value, t, kpi.Direction);
                }

                if (attainment is { } a)
                {
                    weighted += rk.Weight * a;
                    weights += rk.Weight;
                }

                kpis.Add(new RoleKpiScore(rk.KpiId, rk.Weight, result.Value, target, attainment, status, reason));
            }

            scores.Add(weights > 0
                ? new RoleScore(role, kpis, weighted / weights, null)
                : new RoleScore(role, kpis, null,
                    $"no KPI of role '{role.Id}' has both a value and a target for stage '{stage.Id}' ({string.Join("; ", kpis.Select(k => $"{k.KpiId}: {k.Reason}"))})"));
        }

        return scores;
    }
}
