namespace KpiFunctions.Sources.Synthetic;

public sealed partial class SyntheticWorld
{
    /// <summary>
    /// The day's reviews spread over the store's products and stars: the negative ones get 1 or 2 stars and the rest 3
    /// to 5, so the counts add up exactly to the day's service figures. Every product is listed (most with none), in
    /// product id order; a product is picked as often as it sells. None on the days the world leaves service out. The
    /// draws come from a stream of their own, so nothing else the world makes moves.
    /// </summary>
    public IReadOnlyList<ProductRatings> Ratings(string storeId, DateOnly date)
    {
        var p = Profile(storeId);
        if (Day(storeId, date).Service is not { Reviews: { } reviews, NegativeReviews: { } negative })
        {
            return [];
        }

        var products = p.Skus.Select(s => s.ProductId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var counts = products.ToDictionary(id => id, _ => new int[5], StringComparer.Ordinal);
        var rng = StableRandom.For(_seed, p.Key, date.DayNumber, 6);
        for (var i = 0; i < reviews; i++)
        {
            // Among the good ones most are 5 stars: 3, 4 and 5 in the ratio 1 : 2 : 5.
            var star = i < negative ? rng.Next(2) : rng.Next(8) switch
            {
                0 => 2,
                1 or 2 => 3,
                _ => 4,
            };
            counts[p.PickSku(rng).ProductId][star]++;
        }

        return [.. products.Select(id => new ProductRatings(id, counts[id]))];
    }
}
