using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources.Synthetic;

public sealed partial class SyntheticWorld
{
    private const double PaidShare = 0.93;
    private const double TestShare = 0.01;
    private const double CancelShare = 0.035;
    private const double DefectShare = 0.003;
    private const double RefundShare = 0.05;

    // A refund is asked for 1-9 days (plus up to 12 h) after the order and paid back 1-4 days later, so it
    // completes within MaxRefundLagDays of the order's day.
    private const int MaxRequestLagDays = 9;

    private const double WithdrawnRequestShare = 0.01;

    private List<Order> GenerateOrders(StoreProfile p, DateOnly date, Random rng, DateTimeOffset start, DateTimeOffset end, bool hasLive, StoreDayTruth truth,
        Random cancelRng, List<Cancellation> cancellations)
    {
        var count = (int)Math.Round(p.BaseOrders * DemandFactor(date) * (0.85 + (rng.NextDouble() * 0.3)));
        var pool = Math.Max(30, p.BaseOrders * 6);
        var orders = new List<Order>(count);
        for (var n = 0; n < count; n++)
        {
            // Every random draw happens whatever the as-of time, so one seed describes one history and
            // the as-of time only decides how much of it is visible.
            var created = Between(rng, start, end);
            var channelRoll = rng.NextDouble();
            var creator = "cr" + rng.Next(200).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            var lineCount = rng.NextDouble() switch { < 0.70 => 1, < 0.92 => 2, _ => 3 };
            var lines = new List<OrderLine>(lineCount);
            var orderId = Id("o", p.Key, date, n);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var l = 0; l < lineCount; l++)
            {
                var sku = p.PickSku(rng);
                var qty = rng.NextDouble() < 0.85 ? 1 : 2 + rng.Next(2);
                var discount = rng.NextDouble() switch { < 0.6 => 0m, < 0.85 => 0.10m, _ => 0.20m };
                if (!seen.Add(sku.SkuId))
                {
                    continue;
                }

                var sale = p.Round(sku.ListPrice * (1 - discount));
                lines.Add(new OrderLine($"{orderId}-{l}", sku.SkuId, sku.ProductId, sku.Name, qty, sale, sku.ListPrice));
            }

            var platformRoll = rng.NextDouble();
            var shippingRoll = rng.NextDouble();
            var buyerRoll = rng.NextDouble();
            var buyerIndex = rng.Next(pool);
            var globalBuyer = rng.Next(2000);
            var paidRoll = rng.NextDouble();
            var paidDelay = 30 + rng.Next(7200);
            var testRoll = rng.NextDouble();
            var cancelRoll = rng.NextDouble();
            var cancelDelay = 600 + rng.Next(259_200);
            var defectRoll = rng.NextDouble();
            var defectKind = rng.Next(3);
            var refund = new RefundDraw(rng);
            var cancelDraw = new CancellationDraw(cancelRng);

            // A LIVE sells only on a day with a session to report its GMV; the roll is drawn either way.
            var channel = channelRoll < p.AffiliateShare ? SalesChannel.Affiliate
                : channelRoll < p.AffiliateShare + 0.2 ? (hasLive ? SalesChannel.Live : SalesChannel.ProductCard)
                : channelRoll < p.AffiliateShare + 0.35 ? SalesChannel.Video
                : SalesChannel.ProductCard;
            var subtotal = lines.Sum(x => x.SalePrice * x.Quantity);
            var sellerDiscount = lines.Sum(x => (x.OriginalPrice - x.SalePrice) * x.Quantity);
            var platformDiscount = platformRoll < 0.2 ? p.Round(subtotal * 0.05m) : 0m;
            var shipping = shippingRoll < 0.5 ? p.ShippingFee : 0m;
            var tax = p.Round(subtotal * p.TaxRate);
            var total = subtotal - platformDiscount + shipping + tax;
            var fee = p.Round(subtotal * 0.06m);
            var commission = channel == SalesChannel.Affiliate ? p.Round(subtotal * 0.12m) : 0m;
            var buyer = buyerRoll < 0.03
                ? "g" + globalBuyer.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : p.Store.Id + "-u" + buyerIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
            DateTimeOffset? paidAt = paidRoll < PaidShare ? created.AddSeconds(paidDelay) : null;
            var isTest = testRoll < TestShare;
            DateTimeOffset? cancelAt = paidAt is { } pa && cancelRoll < CancelShare ? pa.AddSeconds(cancelDelay) : null;
            var defective = defectRoll < DefectShare;

            // What can be seen at the as-of time.
            var paidVisible = paidAt is { } paid && paid <= AsOf;
            var cancelVisible = cancelAt is { } c && c <= AsOf;
            var unpaidCancelled = !paidVisible && paidAt is null && created.AddHours(24) <= AsOf;
            var status = paidVisible
                ? cancelVisible ? OrderStatus.Cancelled : StatusByAge(AsOf - paidAt!.Value)
                : unpaidCancelled ? OrderStatus.Cancelled : OrderStatus.Unpaid;
            var updated = new[] { created, paidVisible ? paidAt!.Value : created, cancelVisible ? cancelAt!.Value : created, unpaidCancelled ? created.AddHours(24) : created }.Max();

            var order = new Order(
                p.Store.Id, orderId, created, paidVisible ? paidAt : null, updated, status, p.Store.Currency,
                subtotal, shipping, sellerDiscount, platformDiscount, tax, total, isTest, channel,
                channel == SalesChannel.Affiliate ? creator : null, _hasher.Hash(buyer), fee, commission, lines);

            var cancellation = status == OrderStatus.Cancelled
                ? CancellationOf(p, order, paidVisible ? cancelAt!.Value : created.AddHours(24), paidVisible, cancelDraw)
                : paidAt is { } requestedAfter && cancelAt is null && cancelDraw.WithdrawnRoll < WithdrawnRequestShare
                    ? WithdrawnRequest(p, order, requestedAfter.AddSeconds(1800 + cancelDraw.UpdateSeconds), cancelDraw)
                    : null;
            if (cancellation is not null)
            {
                cancellations.Add(cancellation);
            }

            if (defective)
            {
                truth.DefectiveOrders++;
                orders.Add(defectKind switch
                {
                    0 => order with { Subtotal = order.Subtotal + 1m },
                    1 => order with { Lines = [order.Lines[0] with { Quantity = 0 }, .. order.Lines.Skip(1)] },
                    _ => order with { Currency = "XXX" },
                });
                continue;
            }

            orders.Add(order);
            if (paidVisible && !isTest)
            {
                truth.PaidOrders++;
                if (cancelVisible)
                {
                    truth.CancelledOrders++;
                    if (cancellation!.Role == CancellationRole.Seller)
                    {
                        truth.SellerCancelledOrders++;
                    }
                }
                else
                {
                    AddGmvTruth(p, date, order, buyer, truth);
                }
            }

            if (paidAt is not null && cancelAt is null && !isTest && refund.Roll < RefundShare)
            {
                AddRefund(p, order, refund);
            }
        }

        return orders;
    }

    /// <summary>
    /// The cancellation of a cancelled order, made at <paramref name="at"/>: an unpaid order is cancelled by the
    /// platform; a paid one by the buyer (a request the seller agreed to), the seller or the platform. The reason keys
    /// follow TikTok's pattern; only two of them were seen in a real answer (docs/tiktok-shop-api-notes.md), the rest
    /// are the world's own. A refund is given for paid orders, except where TikTok would leave it out.
    /// </summary>
    private Cancellation? CancellationOf(StoreProfile p, Order order, DateTimeOffset at, bool paid, CancellationDraw draw)
    {
        if (at > AsOf)
        {
            return null;
        }

        var (type, role, reason, text) = !paid
            ? (CancellationType.Cancel, CancellationRole.System, "system_cancel_reason_unpaid_timeout", "Payment not completed in time")
            : draw.RoleRoll switch
            {
                < 0.55 => draw.ReasonRoll < 0.5
                    ? (CancellationType.BuyerCancel, CancellationRole.Buyer, "ecom_order_cancel_reason_changed_mind", "No longer needed")
                    : (CancellationType.BuyerCancel, CancellationRole.Buyer, "ecom_order_cancel_reason_better_price", "Found a better price"),
                < 0.8 => draw.ReasonRoll < 0.5
                    ? (CancellationType.Cancel, CancellationRole.Seller, "seller_cancel_paid_reason_out_of_stock", "Out of stock")
                    : (CancellationType.Cancel, CancellationRole.Seller, "seller_cancel_paid_reason_address_not_deliver", "Unable to deliver to customer address"),
                _ => (CancellationType.Cancel, CancellationRole.System, "system_cancel_reason_not_shipped_in_time", "Not shipped in time"),
            };
        var done = at.AddSeconds(draw.UpdateSeconds);
        return new Cancellation(
            p.Store.Id, "c" + order.OrderId[1..], order.OrderId, type, done <= AsOf ? CancellationStatus.Complete : CancellationStatus.Success, role, reason, text,
            at, done <= AsOf ? done : at, paid && !draw.RefundLeftOut ? order.Total : null, p.Store.Currency);
    }

    /// <summary>A buyer's request to cancel that the buyer took back an hour later: the order goes on, and it cancelled nothing.</summary>
    private Cancellation? WithdrawnRequest(StoreProfile p, Order order, DateTimeOffset at, CancellationDraw draw)
    {
        if (at > AsOf)
        {
            return null;
        }

        var withdrawn = at.AddHours(1) <= AsOf;
        return new Cancellation(
            p.Store.Id, "c" + order.OrderId[1..], order.OrderId, CancellationType.BuyerCancel, withdrawn ? CancellationStatus.Withdrawn : CancellationStatus.Pending,
            CancellationRole.Buyer, "ecom_order_cancel_reason_changed_mind", "No longer needed", at, withdrawn ? at.AddHours(1) : at,
            draw.RefundLeftOut ? null : order.Total, p.Store.Currency);
    }

    private static OrderStatus StatusByAge(TimeSpan sincePaid) => sincePaid.TotalDays switch
    {
        < 1 => OrderStatus.AwaitingShipment,
        < 3 => OrderStatus.InTransit,
        < 8 => OrderStatus.Delivered,
        _ => OrderStatus.Completed,
    };

    private static void AddGmvTruth(StoreProfile p, DateOnly date, Order order, string clearBuyer, StoreDayTruth truth)
    {
        truth.GmvOrders++;
        truth.Gmv += order.Subtotal;
        // The generator gives every order its fee and commission; only real sources may lack them.
        truth.PlatformFees += order.PlatformFee ?? throw new InvalidOperationException($"synthetic order {order.OrderId} has no platform fee");
        truth.Commission += order.AffiliateCommission ?? throw new InvalidOperationException($"synthetic order {order.OrderId} has no commission");
        truth.Buyers.Add(clearBuyer);
        if (order.Channel == SalesChannel.Affiliate)
        {
            truth.AffiliateGmv += order.Subtotal;
        }

        if (order.Channel == SalesChannel.Live)
        {
            truth.LiveGmv += order.Subtotal;
        }

        foreach (var line in order.Lines)
        {
            truth.Units += line.Quantity;
            truth.SkuGmv[line.SkuId] = truth.SkuGmv.GetValueOrDefault(line.SkuId) + (line.SalePrice * line.Quantity);
            truth.ProductUnits[line.ProductId] = truth.ProductUnits.GetValueOrDefault(line.ProductId) + line.Quantity;
            var sku = p.SkuById[line.SkuId];
            truth.Cogs += p.CostOn(sku, date) * line.Quantity;
        }

        foreach (var productId in order.Lines.Select(l => l.ProductId).Distinct(StringComparer.Ordinal))
        {
            truth.ProductOrders[productId] = truth.ProductOrders.GetValueOrDefault(productId) + 1;
        }
    }

    private void AddRefund(StoreProfile p, Order order, RefundDraw draw)
    {
        var requested = order.CreatedUtc.AddDays(draw.LagDays).AddSeconds(draw.LagSeconds);
        if (requested > AsOf)
        {
            return;
        }

        var completedAt = requested.AddSeconds(86_400 + draw.CompleteSeconds);
        if (draw.Rejected || completedAt > AsOf)
        {
            // Rejected, or not paid back yet: no money has moved, so a source does not report it as a refund.
            return;
        }

        var completedDate = StoreCalendar.LocalDate(completedAt, p.Zone);
        var amount = draw.Partial ? order.Lines[0].SalePrice * order.Lines[0].Quantity : order.Subtotal;
        var refund = new Refund(
            p.Store.Id, "r" + order.OrderId[1..], order.OrderId, amount, order.Currency, RefundStatus.Completed, requested,
            completedAt, draw.IsReturn, draw.IsReturn ? "Item not as described" : "Changed mind");
        _refunds.GetOrAdd((p.Store.Id, completedDate), _ => []).Add(refund);

        // Refunds land on later days than the order that caused them (lock order: always a later day).
        var truth = TruthSlot(p.Store.Id, completedDate);
        lock (truth)
        {
            truth.RefundAmount += amount;
            if (refund.IsReturn)
            {
                truth.Returns++;
            }
        }
    }

    /// <summary>Every order draws these, cancelled or not, so one seed gives one history whatever the as-of time.</summary>
    private readonly struct CancellationDraw
    {
        public CancellationDraw(Random rng)
        {
            RoleRoll = rng.NextDouble();
            ReasonRoll = rng.NextDouble();
            UpdateSeconds = 60 + rng.Next(7200);
            RefundLeftOut = rng.NextDouble() < 0.2;
            WithdrawnRoll = rng.NextDouble();
        }

        public double RoleRoll { get; }

        public double ReasonRoll { get; }

        public int UpdateSeconds { get; }

        public bool RefundLeftOut { get; }

        public double WithdrawnRoll { get; }
    }

    private readonly struct RefundDraw
    {
        public RefundDraw(Random rng)
        {
            Roll = rng.NextDouble();
            LagDays = 1 + rng.Next(MaxRequestLagDays);
            LagSeconds = rng.Next(43_200);
            CompleteSeconds = rng.Next(259_200);
            Partial = rng.NextDouble() < 0.4;
            IsReturn = rng.NextDouble() < 0.5;
            Rejected = rng.NextDouble() < 0.1;
        }

        public double Roll { get; }

        public int LagDays { get; }

        public int LagSeconds { get; }

        public int CompleteSeconds { get; }

        public bool Partial { get; }

        public bool IsReturn { get; }

        public bool Rejected { get; }
    }
}
