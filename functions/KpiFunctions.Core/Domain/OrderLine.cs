namespace KpiFunctions.Core.Domain;

/// <summary>One SKU line of an order; prices are per unit in the order's currency.</summary>
/// <param name="LineId">Line id, unique within the order.</param>
/// <param name="SkuId">SKU id.</param>
/// <param name="ProductId">Product id.</param>
/// <param name="ProductName">Product name as listed.</param>
/// <param name="Quantity">Units, at least 1.</param>
/// <param name="SalePrice">Unit price after the seller's discount.</param>
/// <param name="OriginalPrice">Unit list price.</param>
public sealed record OrderLine(
    string LineId,
    string SkuId,
    string ProductId,
    string ProductName,
    int Quantity,
    decimal SalePrice,
    decimal OriginalPrice);
