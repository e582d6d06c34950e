using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.TikTok.Fake;

/// <summary>
/// POST /return_refund/202309/cancellations/search (research note 19 section 3, digest 8.2): the world's cancellations
/// made in the body's create_time (or update_time) window, oldest first, cursor-paged 1-50 with <c>total_count</c> and
/// the paging faults. A cancellation the world gives no refund for is sent without <c>refund_amount</c>, as a real
/// answer was.
/// </summary>
public sealed partial class FakeTikTokServer
{
    /// <summary>The world's cancellations come within this many days of their order (paid orders: up to about 3 days).</summary>
    private const int CancellationLagDays = 5;

    private Answer Cancellations(ShopState shop, Dictionary<string, string> query, byte[] body) =>
        Search(shop, query, body, "cancellations", CancellationWindow, CancellationJson, 1, 50);

    /// <summary>Cancellations by create_time, by update_time, or both; the order ids filter too when given.</summary>
    private List<Cancellation> CancellationWindow(ShopState shop, JsonElement filter)
    {
        var (from, to) = Window(filter, "create_time");
        var byUpdate = filter.TryGetProperty("update_time_ge", out _) || filter.TryGetProperty("update_time_lt", out _);
        var (updatedFrom, updatedTo) = Window(filter, "update_time");
        HashSet<string>? orderIds = filter.TryGetProperty("order_ids", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? [.. ids.EnumerateArray().Select(i => i.GetString() ?? "")]
            : null;
        return LocalDays(shop, from.AddDays(-CancellationLagDays), to)
            .SelectMany(date => _world.Day(shop.Store.Id, date).Cancellations)
            .Where(c => c.CreatedUtc >= from && c.CreatedUtc < to && (!byUpdate || (c.UpdatedUtc >= updatedFrom && c.UpdatedUtc < updatedTo))
                && (orderIds is null || orderIds.Contains(c.OrderId)))
            .OrderBy(c => byUpdate ? c.UpdatedUtc : c.CreatedUtc).ThenBy(c => c.CancelId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A cancellation as the 202309 search sends it: statuses and roles as TikTok spells them, times as Unix seconds.</summary>
    private static JsonObject CancellationJson(Cancellation c)
    {
        var json = new JsonObject
        {
            ["cancel_id"] = c.CancelId,
            ["order_id"] = c.OrderId,
            ["cancel_type"] = c.Type == CancellationType.BuyerCancel ? "BUYER_CANCEL" : "CANCEL",
            ["cancel_status"] = c.Status switch
            {
                CancellationStatus.Pending => "CANCELLATION_REQUEST_PENDING",
                CancellationStatus.Success => "CANCELLATION_REQUEST_SUCCESS",
                CancellationStatus.Complete => "CANCELLATION_REQUEST_COMPLETE",
                _ => "CANCELLATION_REQUEST_CANCELLED",
            },
            ["role"] = c.Role.ToString().ToUpperInvariant(),
            ["cancel_reason"] = c.Reason,
            ["create_time"] = c.CreatedUtc.ToUnixTimeSeconds(),
            ["update_time"] = c.UpdatedUtc.ToUnixTimeSeconds(),
            ["should_replenish_stock"] = c.Role != CancellationRole.Seller,
        };
        if (c.ReasonText is { } text)
        {
            json["cancel_reason_text"] = text;
        }

        if (c.RefundTotal is { } refund)
        {
            json["refund_amount"] = new JsonObject
            {
                ["currency"] = c.Currency,
                ["refund_total"] = FakeTikTokJson.MoneyText(refund),
                ["refund_subtotal"] = FakeTikTokJson.MoneyText(refund),
            };
        }

        return json;
    }
}
