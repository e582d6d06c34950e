using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Engine;
using KpiFunctions.Core.Fx;

namespace KpiFunctions.Core.Tests;

/// <summary>Store-day measures for engine tests: every measure zero unless set.</summary>
internal static class Measures
{
    public static StoreDayMeasures Day(
        string store, string country, string currency, DateOnly date, decimal? rate = 1m,
        IReadOnlyDictionary<string, decimal?>? values = null, string[]? buyers = null, IReadOnlyDictionary<string, decimal>? skus = null)
    {
        var all = KpiCatalog.Default.Measures
            .Where(m => m.Aggregation is MeasureAggregation.Sum or MeasureAggregation.LastValue)
            .ToDictionary(m => m.Id, _ => (decimal?)0m, StringComparer.Ordinal);
        foreach (var (k, v) in values ?? new Dictionary<string, decimal?>())
        {
            Assert.True(all.ContainsKey(k), $"unknown measure {k}");
            all[k] = v;
        }

        var fx = rate is { } r ? new FxLookup(r, date, FxStatus.Exact, null) : new FxLookup(null, null, FxStatus.Missing, $"{currency} rate missing");
        return new StoreDayMeasures(store, country, currency, date, all, new Dictionary<string, string>(), (buyers ?? []).ToHashSet(),
            skus ?? new Dictionary<string, decimal>(), fx);
    }
}
