namespace KpiFunctions.Sources.Synthetic;

/// <summary>A synthetic SKU.</summary>
internal sealed record SkuSpec(string SkuId, string ProductId, string Name, decimal ListPrice, double Weight, decimal Cost, decimal? LaterCost, int StockLevel);
