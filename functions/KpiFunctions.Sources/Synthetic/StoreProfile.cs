using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources.Synthetic;

/// <summary>The shape of one synthetic store: size, prices, habits. Derived from the seed and the store id.</summary>
internal sealed class StoreProfile
{
    private static readonly int[] TierOrders = [20, 60, 150, 400, 1000, 2500];

    public StoreProfile(int seed, Store store, TimeZoneInfo zone)
    {
        Store = store;
        Zone = zone;
        Key = StableRandom.Fnv(store.Id);
        var rng = StableRandom.For(seed, Key, 1);
        var tierTag = store.Tags?.FirstOrDefault(t => t.StartsWith("tier-", StringComparison.Ordinal));
        var tier = tierTag is not null && int.TryParse(tierTag.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture, out var t)
            ? Math.Clamp(t, 0, TierOrders.Length - 1)
            : rng.Next(TierOrders.Length);
        BaseOrders = TierOrders[tier];
        Decimals = Currencies.Decimals(store.Currency);
        UsdPerUnit = Currencies.UsdPerUnit(store.Currency);
        Conversion = 0.015 + (rng.NextDouble() * 0.03);
        LiveSessionsPerDay = rng.Next(0, 4);
        VideosPerDay = 2 + rng.Next(7);
        Campaigns = rng.Next(0, 4);
        RoasCenter = 1.5 + (rng.NextDouble() * 4);
        TaxRate = store.Country == "US" ? 0.08m : 0m;
        AffiliateShare = 0.1 + (rng.NextDouble() * 0.3);
        TargetFactor = 0.85 + (rng.NextDouble() * 0.35);
        var skuCount = 20 + rng.Next(0, 120);
        Skus = new SkuSpec[skuCount];
        for (var i = 0; i < skuCount; i++)
        {
            var usd = 4 + (rng.NextDouble() * 56);
            var list = LocalPrice(usd);
            var weight = 1.0 / Math.Pow(i + 1, 0.9);
            var cost = Round(list * (0.30m + ((decimal)rng.NextDouble() * 0.25m)));
            var costChanges = rng.NextDouble() < 0.2;
            Skus[i] = new SkuSpec(
                $"{store.Id}-sku{i:D3}", $"{store.Id}-p{i / 3:D3}", $"Product {i / 3}", $"Product {i / 3} variant {i % 3}", list, weight, cost,
                costChanges ? Round(cost * 1.05m) : null, 20 + rng.Next(400));
        }

        SkuById = Skus.ToDictionary(s => s.SkuId, StringComparer.Ordinal);
        var total = Skus.Sum(s => s.Weight);
        var cumulative = 0.0;
        CumulativeWeights = new double[skuCount];
        for (var i = 0; i < skuCount; i++)
        {
            cumulative += Skus[i].Weight / total;
            CumulativeWeights[i] = cumulative;
        }

        AverageOrderValue = Skus.Sum(s => s.ListPrice * (decimal)(s.Weight / total)) * 1.45m;
        ShippingFee = LocalPrice(3.5);
    }

    public Store Store { get; }

    public TimeZoneInfo Zone { get; }

    public long Key { get; }

    public int BaseOrders { get; }

    public int Decimals { get; }

    public decimal UsdPerUnit { get; }

    public double Conversion { get; }

    public int LiveSessionsPerDay { get; }

    public int VideosPerDay { get; }

    public int Campaigns { get; }

    public double RoasCenter { get; }

    public decimal TaxRate { get; }

    public double AffiliateShare { get; }

    public double TargetFactor { get; }

    public SkuSpec[] Skus { get; }

    public IReadOnlyDictionary<string, SkuSpec> SkuById { get; }

    public double[] CumulativeWeights { get; }

    public decimal AverageOrderValue { get; }

    public decimal ShippingFee { get; }

    public SkuSpec PickSku(Random rng)
    {
        var x = rng.NextDouble();
        var i = Array.BinarySearch(CumulativeWeights, x);
        i = i < 0 ? ~i : i;
        return Skus[Math.Min(i, Skus.Length - 1)];
    }

    public decimal Round(decimal amount) => Math.Round(amount, Decimals, MidpointRounding.AwayFromZero);

    public decimal LocalPrice(double usd)
    {
        var local = (decimal)usd / UsdPerUnit;
        // Whole-unit currencies with large numbers (VND, IDR) price in round hundreds.
        return Decimals == 0 && local > 10_000m ? Math.Round(local / 100m, MidpointRounding.AwayFromZero) * 100m : Round(local);
    }

    /// <summary>The unit cost in force on a day: SKUs whose cost changes pay 5 % more from the 15th of each month.</summary>
    public decimal CostOn(SkuSpec sku, DateOnly date) => sku.LaterCost is { } later && date.Day >= 15 ? later : sku.Cost;
}
