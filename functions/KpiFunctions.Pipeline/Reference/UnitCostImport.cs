using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Validation;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Registry;

namespace KpiFunctions.Pipeline.Reference;

/// <summary>
/// Imports the seller's unit costs into <c>curated/product_costs/store=&lt;id&gt;/</c>, the one place the compute step
/// reads them from (no source gives costs: they are the seller's own). Every cost is checked first (a registered
/// store, its currency, a SKU, a cost that is not negative, one entry per SKU and day); a file with any problem writes
/// nothing. A valid file is merged into what the store has: an entry for a SKU and day already there replaces it,
/// others are kept, so a file of new prices from a date leaves the history before it.
/// </summary>
public sealed class UnitCostImport
{
    private const int ProblemsShown = 10;
    private readonly KpiStorage _storage;

    /// <summary>Creates the import over the storage.</summary>
    public UnitCostImport(KpiStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
    }

    /// <summary>Reads a cost file (<see cref="UnitCostFile"/>), touching no storage.</summary>
    /// <exception cref="InvalidDataException">The file has problems, each named by line.</exception>
    public static IReadOnlyList<(int Line, ProductCost Cost)> Read(byte[] file, string name)
    {
        var (costs, problems) = UnitCostFile.Parse(file, name);
        Refuse(problems);
        return costs;
    }

    /// <summary>Imports parsed costs (with their line numbers, for the messages); returns the entries each store now has.</summary>
    /// <exception cref="InvalidDataException">Some cost is wrong; nothing was written.</exception>
    public async Task<IReadOnlyDictionary<string, int>> ImportAsync(IReadOnlyList<(int Line, ProductCost Cost)> costs, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(costs);
        var registry = new StoreRegistry(_storage.Tables);
        var stores = new Dictionary<string, Store?>(StringComparer.Ordinal);
        var problems = new List<string>();
        var seen = new Dictionary<(string, string, DateOnly), int>();
        foreach (var (line, cost) in costs)
        {
            if (!stores.TryGetValue(cost.StoreId, out var store))
            {
                store = stores[cost.StoreId] = await registry.GetAsync(cost.StoreId, cancellationToken).ConfigureAwait(false);
            }

            var where = string.Create(CultureInfo.InvariantCulture, $"{name} line {line}");
            if (store is null)
            {
                problems.Add($"{where}: store '{cost.StoreId}' is not registered ('kpi stores list' shows the stores)");
                continue;
            }

            if (RecordValidator.Validate(cost, store) is { Count: > 0 } wrong)
            {
                problems.Add($"{where}: {string.Join("; ", wrong)}");
            }

            if (seen.TryGetValue((cost.StoreId, cost.SkuId, cost.EffectiveFrom), out var first))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: SKU {cost.SkuId} of {cost.StoreId} from {StoreCalendar.Format(cost.EffectiveFrom)} is already on line {first}"));
            }
            else
            {
                seen[(cost.StoreId, cost.SkuId, cost.EffectiveFrom)] = line;
            }
        }

        Refuse(problems);
        var curated = new CuratedStore(_storage.Blobs);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var byStore in costs.Select(c => c.Cost).GroupBy(c => c.StoreId, StringComparer.Ordinal))
        {
            var merged = (await curated.ReadReferenceAsync(CuratedTables.ProductCosts, byStore.Key, cancellationToken).ConfigureAwait(false) ?? [])
                .ToDictionary(c => (c.SkuId, c.EffectiveFrom));
            foreach (var cost in byStore)
            {
                merged[(cost.SkuId, cost.EffectiveFrom)] = cost;
            }

            var rows = merged.Values.OrderBy(c => c.SkuId, StringComparer.Ordinal).ThenBy(c => c.EffectiveFrom).ToArray();
            await curated.WriteReferenceAsync(CuratedTables.ProductCosts, byStore.Key, rows, cancellationToken).ConfigureAwait(false);
            counts[byStore.Key] = rows.Length;
        }

        return counts;
    }

    private static void Refuse(IReadOnlyList<string> problems)
    {
        if (problems.Count > 0)
        {
            var more = problems.Count > ProblemsShown ? string.Create(CultureInfo.InvariantCulture, $"; and {problems.Count - ProblemsShown} more") : "";
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{problems.Count} problem(s), nothing imported: ") + string.Join("; ", problems.Take(ProblemsShown)) + more);
        }
    }
}
