namespace KpiFunctions.Core.Scorecards;

/// <summary>The grade a scorecard gives a creator's week or a LIVE session: A is the best, D asks for a look.</summary>
public enum ScoreTier
{
    /// <summary>The best: work with more.</summary>
    A,

    /// <summary>Good.</summary>
    B,

    /// <summary>Fair: selling, short of the bars for B.</summary>
    C,

    /// <summary>Needs a look: no sales, or too many refunds.</summary>
    D,
}
