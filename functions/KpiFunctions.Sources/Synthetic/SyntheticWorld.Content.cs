using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources.Synthetic;

public sealed partial class SyntheticWorld
{
    /// <summary>The kinds of content an affiliate order can come through, as TikTok names them.</summary>
    private static readonly string[] ContentTypes = ["VIDEO", "LIVE", "SHOWCASE"];

    /// <summary>
    /// The content each affiliate order of the day came through (VIDEO about half the time, LIVE a third, SHOWCASE the
    /// rest), by order id; every line of an order comes through the same content. Drawn from a stream of its own (9),
    /// so no other figure moves.
    /// </summary>
    public IReadOnlyDictionary<string, string> AffiliateContent(string storeId, DateOnly date)
    {
        var p = Profile(storeId);
        var rng = StableRandom.For(_seed, p.Key, date.DayNumber, 9);
        var content = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var order in Day(storeId, date).Orders)
        {
            if (order.Channel == SalesChannel.Affiliate)
            {
                content[order.OrderId] = rng.NextDouble() switch { < 0.5 => ContentTypes[0], < 0.83 => ContentTypes[1], _ => ContentTypes[2] };
            }
        }

        return content;
    }

    /// <summary>The content an affiliate order of the world came through (see <see cref="AffiliateContent"/>).</summary>
    public string AffiliateContentOf(string storeId, Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var date = StoreCalendar.LocalDate(order.CreatedUtc, Profile(storeId).Zone);
        return AffiliateContent(storeId, date).TryGetValue(order.OrderId, out var content)
            ? content
            : throw new ArgumentException($"Order '{order.OrderId}' is not an affiliate order of store {storeId} on {date:yyyy-MM-dd}.", nameof(order));
    }
}
