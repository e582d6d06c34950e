namespace KpiFunctions.Core.Domain;

/// <summary>
/// An affiliate creator who sold for a store (the creator dimension): the key is what orders carry in
/// <see cref="Order.CreatorId"/>, which for TikTok Shop is the creator's public username.
/// </summary>
/// <param name="StoreId">Store.</param>
/// <param name="CreatorId">The creator as orders name it (TikTok: the username, a public handle).</param>
/// <param name="ContentTypes">The kinds of content the creator's orders came through (LIVE, VIDEO, SHOWCASE, ...), sorted, comma-separated.</param>
/// <param name="FirstOrderDate">The first store-local day seen with an order of the creator.</param>
/// <param name="LastOrderDate">The last store-local day seen with an order of the creator.</param>
public sealed record Creator(
    string StoreId,
    string CreatorId,
    string ContentTypes,
    DateOnly FirstOrderDate,
    DateOnly LastOrderDate)
{
    /// <summary>Content type names as one sorted, comma-separated, duplicate-free value.</summary>
    public static string JoinContentTypes(IEnumerable<string> types) =>
        string.Join(',', types.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>This creator merged with what another sighting of it says: content types together, the earliest first day, the latest last day.</summary>
    public Creator Merge(Creator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            ContentTypes = JoinContentTypes([ContentTypes, other.ContentTypes]),
            FirstOrderDate = FirstOrderDate < other.FirstOrderDate ? FirstOrderDate : other.FirstOrderDate,
            LastOrderDate = LastOrderDate > other.LastOrderDate ? LastOrderDate : other.LastOrderDate,
        };
    }
}
