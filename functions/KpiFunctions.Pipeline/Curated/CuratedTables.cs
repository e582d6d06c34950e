using KpiFunctions.Core.Domain;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>
/// The curated datasets as Parquet tables: one definition per dataset gives the file's columns, the README's schema
/// reference, and the mapping to and from domain records. Money is DECIMAL(18,4) in the store's currency.
/// </summary>
public static class CuratedTables
{
    private const string Money = "store currency";

    /// <summary>Orders (lines are in order_lines).</summary>
    public static CuratedTable<Order> Orders { get; } = new CuratedTable<Order>(Datasets.Orders, "One row per order placed on the store-local day of the partition.", r => new Order(
            r.String("store_id"), r.String("order_id"), r.Value<DateTimeOffset>("created_utc"), r.Optional<DateTimeOffset>("paid_utc"),
            r.Value<DateTimeOffset>("updated_utc"), EnumText<OrderStatus>.Parse(r.String("status"), r.Source), r.String("currency"),
            r.Value<decimal>("subtotal"), r.Value<decimal>("shipping"), r.Value<decimal>("seller_discount"), r.Value<decimal>("platform_discount"),
            r.Value<decimal>("tax"), r.Value<decimal>("total"), r.Value<bool>("is_sample_or_test"),
            r.OptionalString("channel") is { } channel ? EnumText<SalesChannel>.Parse(channel, r.Source) : null,
            r.OptionalString("creator_id"), r.String("buyer_id_hash"), r.Optional<decimal>("platform_fee"), r.Optional<decimal>("affiliate_commission"), [])
    {
        PlatformFeeSettled = r.Added<bool>("platform_fee_settled"),
    })
        .String("store_id", o => o.StoreId, "Store id")
        .String("order_id", o => o.OrderId, "TikTok Shop order id")
        .Timestamp("created_utc", o => o.CreatedUtc, "When the order was placed")
        .Timestamp("paid_utc", o => o.PaidUtc, "When it was paid; null while unpaid", required: false)
        .Timestamp("updated_utc", o => o.UpdatedUtc, "Last change seen")
        .String("status", o => EnumText<OrderStatus>.Format(o.Status), "Status at fetch time", EnumText<OrderStatus>.Allowed)
        .String("currency", o => o.Currency, "Currency of every amount", "ISO 4217")
        .Decimal("subtotal", o => o.Subtotal, "Products after seller discounts, before platform discounts, without shipping and tax (the GMV amount)", Money)
        .Decimal("shipping", o => o.Shipping, "Shipping the buyer paid", Money)
        .Decimal("seller_discount", o => o.SellerDiscount, "Discount funded by the seller", Money)
        .Decimal("platform_discount", o => o.PlatformDiscount, "Discount funded by TikTok Shop", Money)
        .Decimal("tax", o => o.Tax, "Tax the buyer paid", Money)
        .Decimal("total", o => o.Total, "What the buyer paid: subtotal - platform_discount + shipping + tax", Money)
        .Boolean("is_sample_or_test", o => o.IsSampleOrTest, "Sample or test order (never GMV)")
        .String("channel", o => o.Channel is { } c ? EnumText<SalesChannel>.Format(c) : null, "Where the order came from (OWN: the store's own, not an affiliate's, when the source does not tell LIVE, video and product card apart); null when the source does not say", EnumText<SalesChannel>.Allowed, required: false)
        .String("creator_id", o => o.CreatorId, "Affiliate creator, for affiliate orders", required: false)
        .String("buyer_id_hash", o => o.BuyerIdHash, "Buyer id hashed with the secret salt (HMAC-SHA256, hex)", "hash")
        .Decimal("platform_fee", o => o.PlatformFee, "Fees TikTok Shop charges on the order (commission, referral, transaction and service fees; not affiliate commission, ad fees or tax); null when the source does not give them", Money, required: false)
        .OptionalBoolean("platform_fee_settled", o => o.PlatformFeeSettled, "true: platform_fee is what TikTok settled; false: its estimate for an order not settled yet (a later run replaces it); null: the source does not say")
        .Decimal("affiliate_commission", o => o.AffiliateCommission, "Commission owed to the creator; null when the source does not give it", Money, required: false);

    /// <summary>Order lines.</summary>
    public static CuratedTable<CuratedOrderLine> OrderLines { get; } = new CuratedTable<CuratedOrderLine>(Datasets.OrderLines, "One row per order line, in the partition of its order's day.", r => new CuratedOrderLine(
            r.String("store_id"), r.String("order_id"), r.String("line_id"), r.String("sku_id"), r.String("product_id"), r.String("product_name"),
            r.Value<int>("quantity"), r.Value<decimal>("sale_price"), r.Value<decimal>("original_price")))
        .String("store_id", l => l.StoreId, "Store id")
        .String("order_id", l => l.OrderId, "Order id (joins orders)")
        .String("line_id", l => l.LineId, "Line id")
        .String("sku_id", l => l.SkuId, "SKU id")
        .String("product_id", l => l.ProductId, "Product id")
        .String("product_name", l => l.ProductName, "Product name")
        .Int32("quantity", l => l.Quantity, "Units", "units")
        .Decimal("sale_price", l => l.SalePrice, "Unit price after the seller's discount", Money)
        .Decimal("original_price", l => l.OriginalPrice, "Unit list price", Money);

    /// <summary>Completed refunds.</summary>
    public static CuratedTable<Refund> Refunds { get; } = new CuratedTable<Refund>(Datasets.Refunds, "One row per refund completed on the partition's day.", r => new Refund(
            r.String("store_id"), r.String("refund_id"), r.String("order_id"), r.Value<decimal>("amount"), r.String("currency"),
            EnumText<RefundStatus>.Parse(r.String("status"), r.Source), r.Value<DateTimeOffset>("requested_utc"), r.Optional<DateTimeOffset>("completed_utc"),
            r.Value<bool>("is_return"), r.String("reason")))
        .String("store_id", x => x.StoreId, "Store id")
        .String("refund_id", x => x.RefundId, "Refund or return id")
        .String("order_id", x => x.OrderId, "Order refunded")
        .Decimal("amount", x => x.Amount, "Money returned", Money)
        .String("currency", x => x.Currency, "Currency", "ISO 4217")
        .String("status", x => EnumText<RefundStatus>.Format(x.Status), "Status (always COMPLETED in curated data)", EnumText<RefundStatus>.Allowed)
        .Timestamp("requested_utc", x => x.RequestedUtc, "When the buyer asked")
        .Timestamp("completed_utc", x => x.CompletedUtc, "When the money went back", required: false)
        .Boolean("is_return", x => x.IsReturn, "Goods came back (a return), not only money")
        .String("reason", x => x.Reason, "Reason given");

    /// <summary>
    /// Cancellations, in the partition of the day their order was placed (not of the day they were made): the
    /// seller_cancelled_orders measure joins them to that day's cancelled orders, as cancelled_orders counts those on
    /// the order's day, so the two and paid_orders share one set of orders.
    /// </summary>
    public static CuratedTable<Cancellation> Cancellations { get; } = new CuratedTable<Cancellation>(Datasets.Cancellations, "One row per cancellation (or buyer's cancellation request) of an order placed on the partition's day, whenever it was made; a withdrawn request is kept with status WITHDRAWN.", r => new Cancellation(
            r.String("store_id"), r.String("cancel_id"), r.String("order_id"), EnumText<CancellationType>.Parse(r.String("cancel_type"), r.Source),
            EnumText<CancellationStatus>.Parse(r.String("status"), r.Source), EnumText<CancellationRole>.Parse(r.String("role"), r.Source), r.String("reason"),
            r.OptionalString("reason_text"), r.Value<DateTimeOffset>("created_utc"), r.Value<DateTimeOffset>("updated_utc"), r.Optional<decimal>("refund_total"), r.String("currency")))
        .String("store_id", x => x.StoreId, "Store id")
        .String("cancel_id", x => x.CancelId, "Cancellation id")
        .String("order_id", x => x.OrderId, "The order it cancels (joins orders of the same partition)")
        .String("cancel_type", x => EnumText<CancellationType>.Format(x.Type), "CANCEL: by the seller or the platform; BUYER_CANCEL: a buyer's request the seller or the platform must agree to", EnumText<CancellationType>.Allowed)
        .String("status", x => EnumText<CancellationStatus>.Format(x.Status), "PENDING: waiting for an answer; SUCCESS: agreed; COMPLETE: done, refund included; WITHDRAWN: withdrawn or turned down, the order was not cancelled by it", EnumText<CancellationStatus>.Allowed)
        .String("role", x => EnumText<CancellationRole>.Format(x.Role), "Who started it: BUYER, SELLER (counts in seller_cancelled_orders) or SYSTEM (the platform: unpaid or not shipped in time, a risk check)", EnumText<CancellationRole>.Allowed)
        .String("reason", x => x.Reason, "The platform's machine key for the reason (e.g. seller_cancel_paid_reason_address_not_deliver); stable across languages", "key")
        .String("reason_text", x => x.ReasonText, "The reason as the platform words it for people; null when it gives none", required: false)
        .Timestamp("created_utc", x => x.CreatedUtc, "When it was started (on or after its order was placed, often another day)")
        .Timestamp("updated_utc", x => x.UpdatedUtc, "Its last change seen")
        .Decimal("refund_total", x => x.RefundTotal, "What the buyer gets back; null when the source does not say (TikTok may leave refund_amount out)", Money, required: false)
        .String("currency", x => x.Currency, "Currency of refund_total", "ISO 4217");

    /// <summary>The platform's own figures for the day (TikTok shop performance): GMV and orders by payment time.</summary>
    public static CuratedTable<Sources.PlatformDaily> PlatformDaily { get; } = new CuratedTable<Sources.PlatformDaily>(Datasets.PlatformDaily, "The platform's own GMV and order count for the day, as its analytics report them (no row: the source gives none).", r => new Sources.PlatformDaily(
            r.String("store_id"), r.Value<DateOnly>("date"), r.String("currency"), r.Value<decimal>("gmv"), r.Value<long>("orders")))
        .String("store_id", x => x.StoreId, "Store id")
        .Date("date", x => x.Date, "Store-local day")
        .String("currency", x => x.Currency, "Currency of gmv", "ISO 4217")
        .Decimal("gmv", x => x.Gmv, "GMV of orders paid that day, cancelled and refunded ones included (the platform's definition)", Money)
        .Int64("orders", x => x.Orders, "Orders paid that day");

    /// <summary>Daily traffic.</summary>
    public static CuratedTable<TrafficDaily> TrafficDaily { get; } = new CuratedTable<TrafficDaily>(Datasets.TrafficDaily, "The store's traffic for the day (no row: unknown).", r => new TrafficDaily(
            r.String("store_id"), r.Value<DateOnly>("date"), r.Value<long>("impressions"), r.Optional<long>("product_clicks"), r.Value<long>("page_views"),
            r.Value<long>("visitors"), r.Optional<long>("add_to_cart_users")))
        .String("store_id", x => x.StoreId, "Store id")
        .Date("date", x => x.Date, "Store-local day")
        .Int64("impressions", x => x.Impressions, "Product impressions")
        .OptionalInt64("product_clicks", x => x.ProductClicks, "Clicks on products, summed over products; null when the source does not give them")
        .Int64("page_views", x => x.PageViews, "Product page views")
        .Int64("visitors", x => x.Visitors, "Unique product page visitors that day")
        .OptionalInt64("add_to_cart_users", x => x.AddToCartUsers, "Users who added a product to cart that day, unique per product and summed over products (a user who added two products counts twice); null when the source does not give them");

    /// <summary>Each product's day (TikTok: the product performance list, whose clicks and add-to-cart users summed make traffic_daily's).</summary>
    public static CuratedTable<ProductDaily> ProductDaily { get; } = new CuratedTable<ProductDaily>(Datasets.ProductDaily, "One row per product the platform's product analytics list for the day, every channel together (no partition: not fetched).", r => new ProductDaily(
            r.String("store_id"), r.Value<DateOnly>("date"), r.String("product_id"), r.Optional<long>("impressions"), r.Value<long>("clicks"),
            r.Value<long>("add_to_cart_users"), r.Optional<decimal>("gmv"), r.String("currency"), r.Optional<long>("orders"), r.Optional<long>("units_sold")))
        .String("store_id", x => x.StoreId, "Store id")
        .Date("date", x => x.Date, "Store-local day")
        .String("product_id", x => x.ProductId, "Product id (joins products and order_lines)")
        .OptionalInt64("impressions", x => x.Impressions, "Times the product was shown; null when the source does not give them")
        .Int64("clicks", x => x.Clicks, "Clicks on the product (summed over products: traffic_daily.product_clicks)")
        .Int64("add_to_cart_users", x => x.AddToCartUsers, "Users who added the product to cart, unique for this product only (summed over products: traffic_daily.add_to_cart_users)")
        .Decimal("gmv", x => x.Gmv, "The product's GMV as the platform's analytics count it (not the pipeline's gmv KPI); null when the source does not give it", Money, required: false)
        .String("currency", x => x.Currency, "Currency of gmv", "ISO 4217")
        .OptionalInt64("orders", x => x.Orders, "Orders with the product, as the platform's analytics count them; null when the source does not give them")
        .OptionalInt64("units_sold", x => x.UnitsSold, "Units of the product sold, as the platform's analytics count them; null when the source does not give them", "units");

    /// <summary>LIVE sessions.</summary>
    public static CuratedTable<LiveSession> LiveSessions { get; } = new CuratedTable<LiveSession>(Datasets.LiveSessions, "One row per LIVE session started on the day.", r => new LiveSession(
            r.String("store_id"), r.String("session_id"), r.Value<DateTimeOffset>("start_utc"), r.Value<int>("duration_seconds"), r.Value<long>("views"),
            r.Value<long>("viewers"), r.Value<long>("watch_seconds"), r.Value<decimal>("gmv"), r.String("currency"))
    {
        ProductClicks = r.Added<long>("product_clicks"),
    })
        .String("store_id", x => x.StoreId, "Store id")
        .String("session_id", x => x.SessionId, "Session id")
        .Timestamp("start_utc", x => x.StartUtc, "Start")
        .Int32("duration_seconds", x => x.DurationSeconds, "Length of the stream", "seconds")
        .Int64("views", x => x.Views, "Room entries")
        .Int64("viewers", x => x.Viewers, "Unique viewers")
        .Int64("watch_seconds", x => x.WatchSeconds, "Seconds watched by all viewers", "seconds")
        .Decimal("gmv", x => x.Gmv, "GMV TikTok attributes to the session (the live_gmv measure sums it)", Money)
        .String("currency", x => x.Currency, "Currency", "ISO 4217")
        .OptionalInt64("product_clicks", x => x.ProductClicks, "Clicks on the products shown in the session (TikTok: interaction_performance.product_clicks); null when the source does not give them (or the file predates the column)");

    /// <summary>Daily video figures.</summary>
    public static CuratedTable<VideoDaily> Videos { get; } = new CuratedTable<VideoDaily>(Datasets.Videos, "One row per video with figures for the day.", r => new VideoDaily(
            r.String("store_id"), r.String("video_id"), r.Value<DateOnly>("date"), r.Value<long>("views"), r.Optional<long>("completed_views"),
            r.Value<decimal>("attributed_gmv"), r.String("currency")))
        .String("store_id", x => x.StoreId, "Store id")
        .String("video_id", x => x.VideoId, "Video id")
        .Date("date", x => x.Date, "Store-local day")
        .Int64("views", x => x.Views, "Views")
        .OptionalInt64("completed_views", x => x.CompletedViews, "Views watched to the end; null when the source does not give them (TikTok does not)")
        .Decimal("attributed_gmv", x => x.AttributedGmv, "GMV TikTok attributes to the video", Money)
        .String("currency", x => x.Currency, "Currency", "ISO 4217");

    /// <summary>Daily ad figures.</summary>
    public static CuratedTable<AdsDaily> AdsDaily { get; } = new CuratedTable<AdsDaily>(Datasets.AdsDaily, "One row per ad campaign with figures for the day.", r => new AdsDaily(
            r.String("store_id"), r.String("campaign_id"), r.Value<DateOnly>("date"), r.Value<decimal>("spend"), r.Value<decimal>("attributed_gmv"),
            r.String("currency"), r.Value<long>("impressions"), r.Value<long>("clicks")))
        .String("store_id", x => x.StoreId, "Store id")
        .String("campaign_id", x => x.CampaignId, "Campaign id")
        .Date("date", x => x.Date, "Store-local day")
        .Decimal("spend", x => x.Spend, "Ad spend", Money)
        .Decimal("attributed_gmv", x => x.AttributedGmv, "GMV the ad platform attributes to the campaign", Money)
        .String("currency", x => x.Currency, "Currency", "ISO 4217")
        .Int64("impressions", x => x.Impressions, "Ad impressions")
        .Int64("clicks", x => x.Clicks, "Ad clicks");

    /// <summary>Daily customer service figures.</summary>
    public static CuratedTable<ServiceDaily> ServiceDaily { get; } = new CuratedTable<ServiceDaily>(Datasets.ServiceDaily, "The store's customer service figures for the day (no row: unknown).", r => new ServiceDaily(
            r.String("store_id"), r.Value<DateOnly>("date"), r.Value<int>("chats"), r.Optional<int>("chats_answered"), r.Optional<int>("answered_within_12h"),
            r.Optional<int>("answered_within_24h"), r.Optional<long>("first_response_seconds_total"), r.Optional<int>("reviews"), r.Optional<int>("negative_reviews")))
        .String("store_id", x => x.StoreId, "Store id")
        .Date("date", x => x.Date, "Store-local day")
        .Int32("chats", x => x.Chats, "Buyer chats opened")
        .OptionalInt32("chats_answered", x => x.ChatsAnswered, "Chats with a first response; null when the source does not say")
        .OptionalInt32("answered_within_12h", x => x.AnsweredWithin12h, "Chats answered within 12 hours; null when the source does not say")
        .OptionalInt32("answered_within_24h", x => x.AnsweredWithin24h, "Chats answered within 24 hours; null when the source does not say")
        .OptionalInt64("first_response_seconds_total", x => x.FirstResponseSecondsTotal, "Sum of first-response times over answered chats; null when the source does not say", "seconds")
        .OptionalInt32("reviews", x => x.Reviews, "Reviews received (TikTok: the day's ratings of the store's products, 1 to 5 stars); null when the source does not say")
        .OptionalInt32("negative_reviews", x => x.NegativeReviews, "Reviews of 1 or 2 stars; null when the source does not say");

    /// <summary>End-of-day inventory.</summary>
    public static CuratedTable<InventorySnapshot> InventoryDaily { get; } = new CuratedTable<InventorySnapshot>(Datasets.InventoryDaily, "One row per SKU: units on hand at the end of the day.", r => new InventorySnapshot(
            r.String("store_id"), r.Value<DateOnly>("date"), r.String("sku_id"), r.Value<long>("units_on_hand")))
        .String("store_id", x => x.StoreId, "Store id")
        .Date("date", x => x.Date, "Store-local day")
        .String("sku_id", x => x.SkuId, "SKU id")
        .Int64("units_on_hand", x => x.UnitsOnHand, "Sellable units", "units");

    /// <summary>SKU unit costs (per store, not per day).</summary>
    public static CuratedTable<ProductCost> ProductCosts { get; } = new CuratedTable<ProductCost>(Datasets.ProductCosts, "One row per SKU cost entry; an entry applies from its date until the next.", r => new ProductCost(
            r.String("store_id"), r.String("sku_id"), r.Value<decimal>("unit_cost"), r.String("currency"), r.Value<DateOnly>("effective_from")))
        .String("store_id", x => x.StoreId, "Store id")
        .String("sku_id", x => x.SkuId, "SKU id")
        .Decimal("unit_cost", x => x.UnitCost, "Landed cost of one unit", Money)
        .String("currency", x => x.Currency, "Currency", "ISO 4217")
        .Date("effective_from", x => x.EffectiveFrom, "First day the cost applies");

    /// <summary>The product dimension (per store, not per day).</summary>
    public static CuratedTable<ProductSku> Products { get; } = new CuratedTable<ProductSku>(Datasets.Products, "One row per SKU of the store's products, as the source listed them on the last fetch.", r => new ProductSku(
            r.String("store_id"), r.String("product_id"), r.String("sku_id"), r.String("product_name"), r.OptionalString("seller_sku"), r.String("status"),
            r.Optional<decimal>("price"), r.String("currency")))
        .String("store_id", x => x.StoreId, "Store id")
        .String("product_id", x => x.ProductId, "Product id")
        .String("sku_id", x => x.SkuId, "SKU id (as on order lines)")
        .String("product_name", x => x.ProductName, "Product title")
        .String("seller_sku", x => x.SellerSku, "The seller's own SKU code", required: false)
        .String("status", x => x.Status, "Listing status as the platform gives it")
        .Decimal("price", x => x.Price, "Current sale price; null when the source gives none", Money, required: false)
        .String("currency", x => x.Currency, "Currency", "ISO 4217");

    /// <summary>The creator dimension (per store, not per day): merged with what is stored on every fetch, so a creator seen once stays.</summary>
    public static CuratedTable<Creator> Creators { get; } = new CuratedTable<Creator>(Datasets.Creators, "One row per affiliate creator with an order curated for the store, over every fetch so far.", r => new Creator(
            r.String("store_id"), r.String("creator_id"), r.String("content_types"), r.Value<DateOnly>("first_order_date"), r.Value<DateOnly>("last_order_date")))
        .String("store_id", x => x.StoreId, "Store id")
        .String("creator_id", x => x.CreatorId, "The creator as orders.creator_id names it (TikTok: the creator's public username)")
        .String("content_types", x => x.ContentTypes, "Content the creator's orders came through (LIVE, VIDEO, SHOWCASE), sorted, comma-separated; empty when the source does not say", "list")
        .Date("first_order_date", x => x.FirstOrderDate, "First store-local day with a curated order of the creator")
        .Date("last_order_date", x => x.LastOrderDate, "Last store-local day with a curated order of the creator");
}
