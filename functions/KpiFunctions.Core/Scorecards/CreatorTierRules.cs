namespace KpiFunctions.Core.Scorecards;

/// <summary>
/// The thresholds that grade a creator's week at a store (kept here and nowhere else). Creators are ranked by GMV within
/// the store and week; a creator is in the store's top <c>X</c> % when the creators ranked above it made less than
/// <c>X</c> % of the store's affiliate GMV that week (so the first is always in it). Refund rates are the order-cohort
/// rate of <see cref="CreatorWeekScore.RefundRatePct"/>. Tiers, the first that fits:
/// A: in the top <see cref="TopSharePctA"/> %, at least <see cref="MinOrdersA"/> GMV orders and refunds at most <see cref="RefundMaxPctA"/> %;
/// B: in the top <see cref="TopSharePctB"/> % and refunds at most <see cref="RefundMaxPctB"/> %;
/// C: some GMV and refunds at most <see cref="RefundMaxPctC"/> %;
/// D: no GMV, or more refunds than that.
/// </summary>
/// <param name="TopSharePctA">Share of the store's affiliate GMV the A creators come from, in percent (0-100].</param>
/// <param name="TopSharePctB">The same for B; at least <paramref name="TopSharePctA"/>.</param>
/// <param name="MinOrdersA">GMV orders an A creator needs in the week, so one lucky order does not make a star.</param>
/// <param name="RefundMaxPctA">Highest refund rate for A, percent.</param>
/// <param name="RefundMaxPctB">Highest refund rate for B, percent; at least <paramref name="RefundMaxPctA"/>.</param>
/// <param name="RefundMaxPctC">Highest refund rate for C, percent; at least <paramref name="RefundMaxPctB"/>.</param>
public sealed record CreatorTierRules(decimal TopSharePctA, decimal TopSharePctB, int MinOrdersA, decimal RefundMaxPctA, decimal RefundMaxPctB, decimal RefundMaxPctC)
{
    /// <summary>
    /// The rules the pipeline grades by: A makes the first half of the store's affiliate GMV with 3+ orders and at most
    /// 5 % refunded; B the first 80 % with at most 10 %; C sells with at most 20 %; D the rest.
    /// </summary>
    public static CreatorTierRules Default { get; } = new CreatorTierRules(50m, 80m, 3, 5m, 10m, 20m).Validated();

    /// <summary>The tier's label for people, English and Chinese.</summary>
    public static string Label(ScoreTier tier) => tier switch
    {
        ScoreTier.A => "A · Star creator / 明星达人",
        ScoreTier.B => "B · Core creator / 核心达人",
        ScoreTier.C => "C · Developing creator / 潜力达人",
        ScoreTier.D => "D · Review / 待评估",
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Not a scorecard tier."),
    };

    /// <summary>Every problem with the thresholds, empty when they make sense.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new RuleProblems();
        problems.Check(TopSharePctA is > 0 and <= 100, $"TopSharePctA {TopSharePctA} must be above 0 and at most 100");
        problems.Check(TopSharePctB >= TopSharePctA && TopSharePctB <= 100, $"TopSharePctB {TopSharePctB} must be from TopSharePctA ({TopSharePctA}) to 100");
        problems.Check(MinOrdersA >= 1, $"MinOrdersA {MinOrdersA} must be at least 1");
        problems.Check(RefundMaxPctA is >= 0 and <= 100, $"RefundMaxPctA {RefundMaxPctA} must be from 0 to 100");
        problems.Check(RefundMaxPctB >= RefundMaxPctA && RefundMaxPctB <= 100, $"RefundMaxPctB {RefundMaxPctB} must be from RefundMaxPctA ({RefundMaxPctA}) to 100");
        problems.Check(RefundMaxPctC >= RefundMaxPctB && RefundMaxPctC <= 100, $"RefundMaxPctC {RefundMaxPctC} must be from RefundMaxPctB ({RefundMaxPctB}) to 100");
        return problems.List;
    }

    /// <summary>These rules, or an <see cref="ArgumentException"/> naming every problem.</summary>
    public CreatorTierRules Validated()
    {
        return RuleProblems.Validated(this, Problems(), "Creator tier");
    }

    /// <summary>
    /// The tier of a creator's week, or null with the reason when it cannot be told.
    /// </summary>
    /// <param name="gmv">The creator's GMV that week.</param>
    /// <param name="gmvOrders">Its GMV orders.</param>
    /// <param name="refundRatePct">Its refund rate, null when unknown.</param>
    /// <param name="shareBeforePct">Share of the store's affiliate GMV the creators ranked above it made, percent.</param>
    public (ScoreTier? Tier, string? Reason) Classify(decimal gmv, long gmvOrders, decimal? refundRatePct, decimal shareBeforePct)
    {
        if (gmv <= 0)
        {
            return (ScoreTier.D, null);
        }

        if (refundRatePct is not { } refunds)
        {
            return (null, "tier: the refund rate is unknown");
        }

        if (shareBeforePct < TopSharePctA && gmvOrders >= MinOrdersA && refunds <= RefundMaxPctA)
        {
            return (ScoreTier.A, null);
        }

        if (shareBeforePct < TopSharePctB && refunds <= RefundMaxPctB)
        {
            return (ScoreTier.B, null);
        }

        return (refunds <= RefundMaxPctC ? ScoreTier.C : ScoreTier.D, null);
    }
}
