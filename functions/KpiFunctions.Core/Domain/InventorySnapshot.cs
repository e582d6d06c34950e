namespace KpiFunctions.Core.Domain;

/// <summary>Units of a SKU on hand at the end of a store-local day.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="SkuId">SKU.</param>
/// <param name="UnitsOnHand">Sellable units.</param>
public sealed record InventorySnapshot(string StoreId, DateOnly Date, string SkuId, long UnitsOnHand);
