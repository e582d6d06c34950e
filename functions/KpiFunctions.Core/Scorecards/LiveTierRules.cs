namespace KpiFunctions.Core.Scorecards;

/// <summary>
/// The thresholds that grade a LIVE session (kept here and nowhere else). They use figures that compare across
/// currencies and store sizes: the product click rate (product clicks per view) and the average watch time per viewer.
/// Tiers, the first that fits: A: some GMV, click rate at least <see cref="ClickRatePctA"/> % and average watch at
/// least <see cref="AvgWatchSecondsA"/> s; B: some GMV and at least <see cref="ClickRatePctB"/> % and
/// <see cref="AvgWatchSecondsB"/> s; C: some GMV; D: no GMV.
/// </summary>
/// <param name="ClickRatePctA">Lowest product click rate for A, percent.</param>
/// <param name="AvgWatchSecondsA">Lowest average watch time for A, seconds.</param>
/// <param name="ClickRatePctB">Lowest product click rate for B, percent; at most <paramref name="ClickRatePctA"/>.</param>
/// <param name="AvgWatchSecondsB">Lowest average watch time for B, seconds; at most <paramref name="AvgWatchSecondsA"/>.</param>
public sealed record LiveTierRules(decimal ClickRatePctA, decimal AvgWatchSecondsA, decimal ClickRatePctB, decimal AvgWatchSecondsB)
{
    /// <summary>The rules the pipeline grades by: A at 8 % clicks and a minute watched, B at 4 % and 30 s.</summary>
    public static LiveTierRules Default { get; } = new LiveTierRules(8m, 60m, 4m, 30m).Validated();

    /// <summary>The tier's label for people, English and Chinese.</summary>
    public static string Label(ScoreTier tier) => tier switch
    {
        ScoreTier.A => "A · Excellent session / 优秀场次",
        ScoreTier.B => "B · Good session / 良好场次",
        ScoreTier.C => "C · Fair session / 一般场次",
        ScoreTier.D => "D · No sales / 未出单",
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Not a scorecard tier."),
    };

    /// <summary>Every problem with the thresholds, empty when they make sense.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new RuleProblems();
        problems.Check(ClickRatePctA is > 0 and <= 100, $"ClickRatePctA {ClickRatePctA} must be above 0 and at most 100");
        problems.Check(ClickRatePctB > 0 && ClickRatePctB <= ClickRatePctA, $"ClickRatePctB {ClickRatePctB} must be above 0 and at most ClickRatePctA ({ClickRatePctA})");
        problems.Check(AvgWatchSecondsA > 0, $"AvgWatchSecondsA {AvgWatchSecondsA} must be above 0");
        problems.Check(AvgWatchSecondsB > 0 && AvgWatchSecondsB <= AvgWatchSecondsA, $"AvgWatchSecondsB {AvgWatchSecondsB} must be above 0 and at most AvgWatchSecondsA ({AvgWatchSecondsA})");
        return problems.List;
    }

    /// <summary>These rules, or an <see cref="ArgumentException"/> naming every problem.</summary>
    public LiveTierRules Validated()
    {
        return RuleProblems.Validated(this, Problems(), "LIVE tier");
    }

    /// <summary>The tier of a session, or null with the reason when a figure it needs is unknown.</summary>
    public (ScoreTier? Tier, string? Reason) Classify(decimal gmv, decimal? clickRatePct, decimal? avgWatchSeconds)
    {
        if (gmv <= 0)
        {
            return (ScoreTier.D, null);
        }

        if (clickRatePct is not { } clicks || avgWatchSeconds is not { } watch)
        {
            return (null, "tier: " + (clickRatePct is null ? "the product click rate" : "the average watch time") + " is unknown");
        }

        if (clicks >= ClickRatePctA && watch >= AvgWatchSecondsA)
        {
            return (ScoreTier.A, null);
        }

        return (clicks >= ClickRatePctB && watch >= AvgWatchSecondsB ? ScoreTier.B : ScoreTier.C, null);
    }
}
