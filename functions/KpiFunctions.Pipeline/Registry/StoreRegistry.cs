using System.Text.Json;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Validation;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Registry;

/// <summary>The stores the pipeline knows, in the KpiStores table (partition "store", row = store id).</summary>
public sealed class StoreRegistry
{
    private const string Partition = "store";
    private readonly ITableStore _tables;

    /// <summary>Creates a registry over a table store.</summary>
    public StoreRegistry(ITableStore tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
    }

    /// <summary>
    /// Adds or replaces stores. Every store is checked first and all problems are reported together; nothing is
    /// written unless all stores are valid.
    /// </summary>
    public async Task<int> ImportAsync(IReadOnlyList<Store> stores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < stores.Count; i++)
        {
            foreach (var problem in StoreValidator.Validate(stores[i]))
            {
                problems.Add($"store #{i + 1} ('{stores[i].Id}'): {problem}");
            }

            if (!seen.Add(stores[i].Id))
            {
                problems.Add($"store #{i + 1}: id '{stores[i].Id}' appears more than once");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"{problems.Count} problem(s) in the stores to import:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        }

        await _tables.SubmitInChunksAsync(
            TableNames.Stores,
            stores.Select(s => new TableTransactionAction(TableTransactionKind.Upsert, ToEntity(s))),
            cancellationToken).ConfigureAwait(false);

        return stores.Count;
    }

    /// <summary>Every registered store, by id.</summary>
    public async Task<IReadOnlyList<Store>> ListAsync(bool enabledOnly = false, CancellationToken cancellationToken = default)
    {
        var stores = new List<Store>();
        await foreach (var entity in _tables.QueryAsync(TableNames.Stores, TableQuery.Partition(Partition), cancellationToken).ConfigureAwait(false))
        {
            var store = FromEntity(entity);
            if (!enabledOnly || store.Enabled)
            {
                stores.Add(store);
            }
        }

        return stores;
    }

    /// <summary>One store, or null.</summary>
    public async Task<Store?> GetAsync(string storeId, CancellationToken cancellationToken = default)
    {
        var entity = await _tables.GetEntityAsync(TableNames.Stores, Partition, storeId, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : FromEntity(entity);
    }

    private static TableEntity ToEntity(Store store)
    {
        var entity = new TableEntity(Partition, store.Id)
        {
            ["Name"] = store.Name,
            ["Country"] = store.Country,
            ["Currency"] = store.Currency,
            ["TimeZone"] = store.TimeZone,
            ["Enabled"] = store.Enabled,
            ["Stage"] = store.Stage,
        };
        if (store.Tags is { Count: > 0 } tags)
        {
            entity["Tags"] = string.Join(',', tags);
        }

        if (store.Thresholds is { Count: > 0 } thresholds)
        {
            entity["Thresholds"] = JsonSerializer.Serialize(thresholds.OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => new[] { t.Value.Green, t.Value.Amber }));
        }

        return entity;
    }

    private static Store FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("Name") ?? e.RowKey,
        e.GetString("Country") ?? "",
        e.GetString("Currency") ?? "",
        e.GetString("TimeZone") ?? "",
        e.GetBoolean("Enabled") ?? true,
        e.GetString("Tags") is { Length: > 0 } tags ? tags.Split(',') : [],
        e.GetString("Thresholds") is { Length: > 0 } thresholds
            ? JsonSerializer.Deserialize<Dictionary<string, decimal[]>>(thresholds)!.ToDictionary(t => t.Key, t => new RagThresholds(t.Value[0], t.Value[1]), StringComparer.Ordinal)
            : null,
        // Stores registered before stages existed have no Stage column: they are the default stage.
        e.GetString("Stage") is { Length: > 0 } stage ? stage : StageDefinition.DefaultId);
}
