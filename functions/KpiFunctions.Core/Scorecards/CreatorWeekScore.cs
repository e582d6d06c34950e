namespace KpiFunctions.Core.Scorecards;

/// <summary>
/// A creator's ISO week at a store (Monday to Sunday, store-local days): the affiliate orders it brought, what they
/// cost in commission and how much of them came back as refunds, graded by <see cref="CreatorTierRules"/>.
/// </summary>
/// <param name="StoreId">Store.</param>
/// <param name="WeekStart">Monday of the week.</param>
/// <param name="CreatorId">The creator as orders name it (TikTok: the username).</param>
/// <param name="ContentTypes">Content the creator's orders came through, from the creator dimension (every fetch so far), comma-separated; empty when unknown.</param>
/// <param name="DaysCovered">Days of the week whose orders were scored (7 for a whole week).</param>
/// <param name="Currency">The store's currency, which the money is in.</param>
/// <param name="ReportingCurrency">Currency of the reporting-currency figures.</param>
/// <param name="Gmv">Subtotal of the creator's GMV orders placed in the week (the catalog's GMV rule, channel AFFILIATE).</param>
/// <param name="GmvReporting">The same in the reporting currency, each order at its day's rate; null when a day has no rate.</param>
/// <param name="Orders">The creator's GMV orders.</param>
/// <param name="Commission">Affiliate commission on those orders; null when the source does not give it for one of them.</param>
/// <param name="CommissionPct">Commission per GMV, percent; null without GMV or commission.</param>
/// <param name="RefundAmount">Refunds completed so far (through <paramref name="RefundsThrough"/>) on those orders.</param>
/// <param name="RefundRatePct">Refund amount per GMV of the same orders, percent (an order-cohort rate); null without GMV.</param>
/// <param name="RefundsThrough">The last store-local day whose completed refunds were counted.</param>
/// <param name="GmvSharePct">The creator's share of the store's affiliate GMV that week, percent; null when the store had none.</param>
/// <param name="Rank">Place among the store's creators that week by GMV (1 is the most; ties by creator id).</param>
/// <param name="Tier">Grade; null when a figure it needs is unknown.</param>
/// <param name="Reasons">Why figures are unknown, one clause each ("commission: ..."); null when all are known.</param>
public sealed record CreatorWeekScore(
    string StoreId,
    DateOnly WeekStart,
    string CreatorId,
    string ContentTypes,
    int DaysCovered,
    string Currency,
    string ReportingCurrency,
    decimal Gmv,
    decimal? GmvReporting,
    long Orders,
    decimal? Commission,
    decimal? CommissionPct,
    decimal RefundAmount,
    decimal? RefundRatePct,
    DateOnly RefundsThrough,
    decimal? GmvSharePct,
    int Rank,
    ScoreTier? Tier,
    string? Reasons)
{
    /// <summary>The tier's bilingual label, null without a tier.</summary>
    public string? TierLabel => Tier is { } t ? CreatorTierRules.Label(t) : null;
}
