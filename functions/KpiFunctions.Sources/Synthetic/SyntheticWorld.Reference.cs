using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Fx;

namespace KpiFunctions.Sources.Synthetic;

public sealed partial class SyntheticWorld
{
    /// <summary>The store's SKUs (the product dimension): three SKUs (variants) to a product, each at its list price.</summary>
    public IReadOnlyList<ProductSku> Products(string storeId)
    {
        var p = Profile(storeId);
        return [.. p.Skus.Select(sku => new ProductSku(storeId, sku.ProductId, sku.SkuId, sku.ProductTitle, "S-" + sku.SkuId, "ACTIVATE", sku.ListPrice, p.Store.Currency))];
    }

    /// <summary>The store's SKU unit costs: one entry per SKU, and a 5 % dearer one from the 15th of each month for some SKUs.</summary>
    public IReadOnlyList<ProductCost> Costs(string storeId, DateOnly from, DateOnly to)
    {
        var p = Profile(storeId);
        var costs = new List<ProductCost>();
        foreach (var sku in p.Skus)
        {
            costs.Add(new ProductCost(storeId, sku.SkuId, sku.Cost, p.Store.Currency, new DateOnly(2000, 1, 1)));
            if (sku.LaterCost is { } later)
            {
                for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
                {
                    costs.Add(new ProductCost(storeId, sku.SkuId, later, p.Store.Currency, month.AddDays(14)));
                    // From the 1st of the next month the base cost is back.
                    costs.Add(new ProductCost(storeId, sku.SkuId, sku.Cost, p.Store.Currency, month.AddMonths(1)));
                }
            }
        }

        return costs;
    }

    /// <summary>The store's GMV target for a month: its expected volume times a store factor (some stores beat it, some miss).</summary>
    public MonthlyTarget Target(string storeId, DateOnly month)
    {
        var p = Profile(storeId);
        var first = new DateOnly(month.Year, month.Month, 1);
        var days = DateTime.DaysInMonth(first.Year, first.Month);
        var expected = 0m;
        for (var d = 0; d < days; d++)
        {
            expected += p.AverageOrderValue * p.BaseOrders * (decimal)DemandFactor(first.AddDays(d));
        }

        var gmv = Math.Round(expected * (decimal)p.TargetFactor * 0.92m / 100m, MidpointRounding.AwayFromZero) * 100m;
        return new MonthlyTarget(storeId, first, gmv);
    }

    /// <summary>
    /// Daily rates from each store currency into the reporting currency, published on weekdays only (as central
    /// banks do), so weekend days exercise the carry-forward rule.
    /// </summary>
    public IReadOnlyList<FxRate> FxRates(string reportingCurrency, DateOnly from, DateOnly to)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportingCurrency);
        if (!Currencies.IsSupported(reportingCurrency))
        {
            throw new NotSupportedException($"The synthetic source has no rates into '{reportingCurrency}'; supported: {string.Join(", ", Currencies.Supported)}.");
        }

        var rates = new List<FxRate>();
        foreach (var currency in Stores.Select(s => s.Currency).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (currency == reportingCurrency)
            {
                continue;
            }

            for (var d = from; d <= to; d = d.AddDays(1))
            {
                if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                {
                    rates.Add(RateOn(_seed, currency, reportingCurrency, d));
                }
            }
        }

        return rates;
    }
}
