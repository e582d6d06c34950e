using KpiFunctions.Core.Domain;

namespace KpiFunctions.Pipeline.Reports;

/// <summary>The weekly review pack's figures: the group, then every store that has KPI rows in the week.</summary>
/// <param name="Week">ISO week label, e.g. 2026-W48.</param>
/// <param name="From">Monday of the week (store-local days).</param>
/// <param name="To">Sunday of the week.</param>
/// <param name="ReportingCurrency">Currency of the group's figures.</param>
/// <param name="GeneratedUtc">When the report was made.</param>
/// <param name="Group">The group's totals.</param>
/// <param name="Stores">Stores, best rank first.</param>
public sealed record WeeklyReport(
    string Week,
    DateOnly From,
    DateOnly To,
    string ReportingCurrency,
    DateTimeOffset GeneratedUtc,
    GroupWeek Group,
    IReadOnlyList<StoreWeek> Stores)
{
    /// <summary>True when any store's week still has days the next run may change.</summary>
    public bool HasProvisionalDays => Stores.Any(s => s.ProvisionalDays.Count > 0);
}

/// <summary>The group's week in the reporting currency, against target, beside the week before.</summary>
/// <param name="Gmv">GMV of every store's week, converted day by day; null when a day has no rate or no GMV.</param>
/// <param name="PreviousGmv">The same for the week before.</param>
/// <param name="Target">The GMV target prorated over the week's days, converted the same way; null when a store has none.</param>
/// <param name="Orders">GMV orders.</param>
/// <param name="PreviousOrders">GMV orders the week before.</param>
/// <param name="Days">Each day's GMV and target in the reporting currency, Monday first.</param>
/// <param name="NullReason">Why <paramref name="Gmv"/> or <paramref name="Target"/> is null.</param>
public sealed record GroupWeek(
    decimal? Gmv,
    decimal? PreviousGmv,
    decimal? Target,
    decimal? Orders,
    decimal? PreviousOrders,
    IReadOnlyList<DayFigures> Days,
    string? NullReason)
{
    /// <summary>GMV in percent of target.</summary>
    public decimal? Attainment => Gmv is { } g && Target is { } t && t != 0 ? g / t * 100m : null;
}

/// <summary>One day's GMV and prorated target.</summary>
/// <param name="Date">Store-local day.</param>
/// <param name="Gmv">GMV, or null.</param>
/// <param name="Target">Target, or null.</param>
public sealed record DayFigures(DateOnly Date, decimal? Gmv, decimal? Target);

/// <summary>A store's week.</summary>
/// <param name="Store">The store.</param>
/// <param name="DaysCovered">Days of the week with a KPI row (7 for a whole week).</param>
/// <param name="ProvisionalDays">Days the next nightly run may still change.</param>
/// <param name="Kpis">Every catalog KPI, in catalog order, store currency.</param>
/// <param name="GmvReporting">The week's GMV in the reporting currency.</param>
/// <param name="Attainment">The week's GMV in percent of its prorated target.</param>
/// <param name="PreviousAttainment">The same for the week before.</param>
/// <param name="Rank">Rank among the week's stores (1 best).</param>
/// <param name="PreviousRank">Rank the week before, or null when the store had no rows then.</param>
/// <param name="Days">Each day's GMV and target in store currency, Monday first.</param>
/// <param name="Notes">Other things to look at (reconciliation gaps, missing days), plain sentences.</param>
/// <param name="Roles">Each catalog role's scorecard for the week, by the store's stage.</param>
/// <param name="Creators">The store's creator scorecards for the week (kpi_creator_week), best rank first.</param>
/// <param name="Lives">The store's LIVE sessions started in the week (kpi_live_session), in start order.</param>
public sealed record StoreWeek(
    Store Store,
    int DaysCovered,
    IReadOnlyList<DateOnly> ProvisionalDays,
    IReadOnlyList<WeekKpi> Kpis,
    decimal? GmvReporting,
    decimal? Attainment,
    decimal? PreviousAttainment,
    int Rank,
    int? PreviousRank,
    IReadOnlyList<DayFigures> Days,
    IReadOnlyList<string> Notes,
    IReadOnlyList<Core.Scorecards.RoleScore> Roles,
    IReadOnlyList<Core.Scorecards.CreatorWeekScore> Creators,
    IReadOnlyList<Core.Scorecards.LiveSessionScore> Lives)
{
    /// <summary>Places moved up since last week (positive is better); null for a store new this week.</summary>
    public int? RankChange => PreviousRank is { } p ? p - Rank : null;

    /// <summary>The KPI by id.</summary>
    public WeekKpi Kpi(string id) => Kpis.First(k => k.KpiId == id);

    /// <summary>Red KPIs, then amber ones, in catalog order.</summary>
    public IReadOnlyList<WeekKpi> RedAndAmber =>
        [.. Kpis.Where(k => k.Status == Core.Catalog.RagStatus.Red), .. Kpis.Where(k => k.Status == Core.Catalog.RagStatus.Amber)];

    /// <summary>The three KPIs that moved most against last week, by size of the change in percent.</summary>
    public IReadOnlyList<WeekKpi> LargestMoves =>
        [.. Kpis.Where(k => k.ChangePct is not null).OrderByDescending(k => Math.Abs(k.ChangePct!.Value)).ThenBy(k => k.KpiId, StringComparer.Ordinal).Take(3)];
}
