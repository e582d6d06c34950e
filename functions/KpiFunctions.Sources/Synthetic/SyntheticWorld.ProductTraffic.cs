namespace KpiFunctions.Sources.Synthetic;

public sealed partial class SyntheticWorld
{
    /// <summary>
    /// The day's traffic per product: the shop's impressions, product clicks and add-to-cart users (the day's
    /// <see cref="SyntheticDay.Traffic"/>) split over the store's products, so each sums to the shop's figure exactly.
    /// None on the days the world has no traffic. The split draws from a stream of its own, so no other figure moves.
    /// </summary>
    public IReadOnlyList<ProductTraffic> ProductTraffic(string storeId, DateOnly date)
    {
        var p = Profile(storeId);
        if (Day(storeId, date).Traffic is not { } shop)
        {
            return [];
        }

        var products = p.Skus.GroupBy(s => s.ProductId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        var rng = StableRandom.For(_seed, p.Key, date.DayNumber, 5);

        // Popular products (their SKUs sell more) are shown more; clicks and add-to-cart follow the impressions with a
        // factor per product of 1 to 3 (clicks) or 1 to 4 (add-to-cart). With a click-through rate under a third, no
        // product gets more clicks than impressions.
        var showWeights = new long[products.Length];
        for (var i = 0; i < products.Length; i++)
        {
            showWeights[i] = 1 + (long)(products[i].Sum(s => s.Weight) * 10_000 * (0.5 + rng.NextDouble()));
        }

        var impressions = Apportion(shop.Impressions, showWeights);
        var clickWeights = new long[products.Length];
        var cartWeights = new long[products.Length];
        for (var i = 0; i < products.Length; i++)
        {
            clickWeights[i] = impressions[i] * (1 + rng.Next(3));
            cartWeights[i] = impressions[i] * (1 + rng.Next(4));
        }

        var clicks = Apportion(shop.ProductClicks ?? 0, clickWeights);
        var cartUsers = Apportion(shop.AddToCartUsers ?? 0, cartWeights);
        var truth = TruthSlot(storeId, date);
        var skuGmv = truth.SkuGmv;
        var traffic = new List<ProductTraffic>(products.Length);
        for (var i = 0; i < products.Length; i++)
        {
            var extraAdds = rng.Next((int)Math.Min(int.MaxValue - 1, cartUsers[i] / 2) + 1);
            var gmv = products[i].Sum(s => skuGmv.GetValueOrDefault(s.SkuId));
            traffic.Add(new ProductTraffic(products[i].Key, impressions[i], clicks[i], cartUsers[i], cartUsers[i] + extraAdds, gmv,
                truth.ProductOrders.GetValueOrDefault(products[i].Key), truth.ProductUnits.GetValueOrDefault(products[i].Key)));
        }

        return traffic;
    }

    /// <summary>
    /// <paramref name="total"/> split over <paramref name="weights"/> exactly (largest remainder): each share rounded
    /// down, then one more to each of the shares with the largest remainders (the earlier on a tie) until the total is
    /// reached. A share of weight zero stays zero; in whole numbers throughout, so nothing is lost to rounding.
    /// </summary>
    private static long[] Apportion(long total, long[] weights)
    {
        var shares = new long[weights.Length];
        Int128 sum = 0;
        foreach (var w in weights)
        {
            sum += w;
        }

        if (total == 0)
        {
            return shares;
        }

        if (sum == 0)
        {
            throw new InvalidOperationException($"Cannot split {total} over products that all weigh nothing.");
        }

        var remainders = new (Int128 Remainder, int Index)[weights.Length];
        long given = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var exact = (Int128)total * weights[i];
            shares[i] = (long)(exact / sum);
            remainders[i] = (exact % sum, i);
            given += shares[i];
        }

        Array.Sort(remainders, (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Index.CompareTo(b.Index));
        for (var k = 0; given < total; k++, given++)
        {
            shares[remainders[k].Index]++;
        }

        return shares;
    }
}
