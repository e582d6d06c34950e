namespace KpiFunctions.Pipeline.Reports;

/// <summary>A store's standing for the weekly ranking.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Attainment">The week's GMV in percent of its prorated target, or null without a target.</param>
/// <param name="GmvReporting">The week's GMV in the reporting currency, or null.</param>
public sealed record RankEntry(string StoreId, decimal? Attainment, decimal? GmvReporting);

/// <summary>
/// How the weekly review ranks stores: by GMV target attainment, highest first, so a small store on plan ranks above a
/// large one behind it; stores without a target after every store with one, by GMV in the reporting currency; ties by
/// GMV, then store id. Ranks are 1, 2, 3... with no shared places, so a move is always a whole number of places.
/// </summary>
public static class WeeklyRanking
{
    /// <summary>Rank by store id.</summary>
    public static IReadOnlyDictionary<string, int> Rank(IEnumerable<RankEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var ordered = entries
            .OrderBy(e => e.Attainment is null ? 1 : 0)
            .ThenByDescending(e => e.Attainment ?? 0m)
            .ThenBy(e => e.GmvReporting is null ? 1 : 0)
            .ThenByDescending(e => e.GmvReporting ?? 0m)
            .ThenBy(e => e.StoreId, StringComparer.Ordinal)
            .ToArray();
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ordered.Length; i++)
        {
            if (!ranks.TryAdd(ordered[i].StoreId, i + 1))
            {
                throw new ArgumentException($"Store '{ordered[i].StoreId}' is ranked twice.", nameof(entries));
            }
        }

        return ranks;
    }
}
