namespace KpiFunctions.Pipeline.Curated;

/// <summary>An order line as stored in order_lines: the line with its order's keys.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="OrderId">Order.</param>
/// <param name="LineId">Line id.</param>
/// <param name="SkuId">SKU.</param>
/// <param name="ProductId">Product.</param>
/// <param name="ProductName">Product name.</param>
/// <param name="Quantity">Units.</param>
/// <param name="SalePrice">Unit price after seller discount.</param>
/// <param name="OriginalPrice">Unit list price.</param>
public sealed record CuratedOrderLine(
    string StoreId,
    string OrderId,
    string LineId,
    string SkuId,
    string ProductId,
    string ProductName,
    int Quantity,
    decimal SalePrice,
    decimal OriginalPrice);
