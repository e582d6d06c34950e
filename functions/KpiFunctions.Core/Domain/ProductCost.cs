namespace KpiFunctions.Core.Domain;

/// <summary>A SKU's unit cost (COGS) from a store-local date until the next entry.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="SkuId">SKU.</param>
/// <param name="UnitCost">Landed cost of one unit.</param>
/// <param name="Currency">ISO 4217 currency; must be the store's currency.</param>
/// <param name="EffectiveFrom">First store-local day the cost applies.</param>
public sealed record ProductCost(string StoreId, string SkuId, decimal UnitCost, string Currency, DateOnly EffectiveFrom);
