using KpiFunctions.Core.Fx;

namespace KpiFunctions.Core.Engine;

/// <summary>
/// The base measures of one store on one store-local day, in the store's currency: the fact every KPI
/// at every level is recomputed from.
/// </summary>
public sealed class StoreDayMeasures
{
    /// <summary>Creates the measures of a store-day.</summary>
    public StoreDayMeasures(
        string storeId,
        string country,
        string currency,
        DateOnly date,
        IReadOnlyDictionary<string, decimal?> values,
        IReadOnlyDictionary<string, string> nullReasons,
        IReadOnlySet<string> buyerHashes,
        IReadOnlyDictionary<string, decimal> skuGmv,
        FxLookup fx,
        string? missingReason = null)
    {
        MissingReason = missingReason;
        StoreId = storeId;
        Country = country;
        Currency = currency;
        Date = date;
        Values = values;
        NullReasons = nullReasons;
        BuyerHashes = buyerHashes;
        SkuGmv = skuGmv;
        Fx = fx;
    }

    /// <summary>Store id.</summary>
    public string StoreId { get; }

    /// <summary>Store's country.</summary>
    public string Country { get; }

    /// <summary>Store's currency; every money value is in it.</summary>
    public string Currency { get; }

    /// <summary>Store-local day.</summary>
    public DateOnly Date { get; }

    /// <summary>Sum and last-value measures by id; null where the source had no data for the day.</summary>
    public IReadOnlyDictionary<string, decimal?> Values { get; }

    /// <summary>Why a null measure is null.</summary>
    public IReadOnlyDictionary<string, string> NullReasons { get; }

    /// <summary>Hashed ids of the day's GMV buyers (for distinct counts over periods).</summary>
    public IReadOnlySet<string> BuyerHashes { get; }

    /// <summary>GMV by SKU (for the top-ten SKU share over periods).</summary>
    public IReadOnlyDictionary<string, decimal> SkuGmv { get; }

    /// <summary>Rate into the reporting currency for the day.</summary>
    public FxLookup Fx { get; }

    /// <summary>Set when the store-day has no data at all (never fetched): every measure is null for this reason.</summary>
    public string? MissingReason { get; }

    /// <summary>A stand-in for a store-day without data; any group that contains it has no measure values.</summary>
    public static StoreDayMeasures Missing(string storeId, string country, string currency, DateOnly date, string reason) =>
        new(storeId, country, currency, date, new Dictionary<string, decimal?>(), new Dictionary<string, string>(), new HashSet<string>(),
            new Dictionary<string, decimal>(), new FxLookup(null, null, FxStatus.Missing, reason), reason);

    /// <summary>A copy with another FX lookup.</summary>
    public StoreDayMeasures WithFx(FxLookup fx) =>
        new(StoreId, Country, Currency, Date, Values, NullReasons, BuyerHashes, SkuGmv, fx, MissingReason);
}
