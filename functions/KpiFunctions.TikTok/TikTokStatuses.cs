using KpiFunctions.Core.Domain;

namespace KpiFunctions.TikTok;

/// <summary>Order status names of the 202309 API (reference digest 7.4) and our <see cref="OrderStatus"/>.</summary>
public static class TikTokStatuses
{
    private static readonly Dictionary<string, OrderStatus> ByName = new(StringComparer.Ordinal)
    {
        ["UNPAID"] = OrderStatus.Unpaid,
        ["ON_HOLD"] = OrderStatus.OnHold,
        ["AWAITING_SHIPMENT"] = OrderStatus.AwaitingShipment,
        ["PARTIALLY_SHIPPING"] = OrderStatus.PartiallyShipping,
        ["AWAITING_COLLECTION"] = OrderStatus.AwaitingCollection,
        ["IN_TRANSIT"] = OrderStatus.InTransit,
        ["DELIVERED"] = OrderStatus.Delivered,
        ["COMPLETED"] = OrderStatus.Completed,
        ["CANCELLED"] = OrderStatus.Cancelled,
    };

    /// <summary>The API's name of a status.</summary>
    public static string Name(OrderStatus status) => ByName.First(p => p.Value == status).Key;

    /// <summary>Our status for an API name; false for a name the API does not define.</summary>
    public static bool TryParse(string? name, out OrderStatus status) => ByName.TryGetValue(name ?? "", out status);
}
