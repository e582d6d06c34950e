namespace KpiFunctions.Sources.Synthetic;

/// <summary>A synthetic SKU: its product's title, and its own name (the product and the variant).</summary>
internal sealed record SkuSpec(string SkuId, string ProductId, string ProductTitle, string Name, decimal ListPrice, double Weight, decimal Cost, decimal? LaterCost, int StockLevel);
