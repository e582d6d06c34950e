-- Every store-day's base measures from a finished run's curated Parquet, defined as the KPI catalog defines them
-- (README, "Base measures"), for the scale scenario (`bench -- scale`) to time against the pipeline's compute step
-- on the same files. '{blobs}' is replaced with the run's blobs folder. The file lists these measures per store-day:
-- gmv, gmv_orders, paid_orders, cancelled_orders, buyer_days, units, affiliate_gmv, cogs, platform_fees,
-- affiliate_commission, refund_amount, returned_orders, impressions, product_clicks, page_views, visitors,
-- add_to_cart_users, live_gmv, live_views, live_viewers, live_watch_seconds, video_views, video_completed_views,
-- ad_spend, ads_attributed_gmv, chats, chats_answered, answered_within_12h, answered_within_24h,
-- first_response_seconds, reviews, negative_reviews.
-- Datasets partitioned by day carry the day as the partition (orders, order_lines, refunds) or as a column of their own
-- (the daily figures), so the first are read with hive partitioning and the second without.
WITH
orders AS (
    SELECT store_id, "date", order_id, subtotal, status, paid_utc, is_sample_or_test, channel, buyer_id_hash, platform_fee, affiliate_commission
    FROM read_parquet('{blobs}/curated/orders/*/*/*.parquet', hive_partitioning = true, hive_types = {'date': DATE})
),
gmv_orders AS (
    SELECT * FROM orders WHERE paid_utc IS NOT NULL AND status <> 'CANCELLED' AND NOT is_sample_or_test
),
order_figures AS (
    SELECT store_id, "date",
        sum(subtotal) AS gmv,
        count(*) AS gmv_orders,
        count(DISTINCT buyer_id_hash) AS buyer_days,
        coalesce(sum(subtotal) FILTER (WHERE channel = 'AFFILIATE'), 0) AS affiliate_gmv,
        CASE WHEN count(*) = count(platform_fee) THEN coalesce(sum(platform_fee), 0) END AS platform_fees,
        CASE WHEN count(*) = count(affiliate_commission) THEN coalesce(sum(affiliate_commission), 0) END AS affiliate_commission
    FROM gmv_orders GROUP BY ALL
),
paid AS (
    SELECT store_id, "date", count(*) AS paid_orders, count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled_orders
    FROM orders WHERE paid_utc IS NOT NULL AND NOT is_sample_or_test GROUP BY ALL
),
costs AS (
    SELECT store_id, sku_id, unit_cost, effective_from
    FROM read_parquet('{blobs}/curated/product_costs/*/*.parquet', hive_partitioning = false)
),
lines AS (
    SELECT l.store_id, g."date", l.sku_id, l.quantity
    FROM read_parquet('{blobs}/curated/order_lines/*/*/*.parquet', hive_partitioning = true, hive_types = {'date': DATE}) l
    JOIN gmv_orders g ON g.store_id = l.store_id AND g.order_id = l.order_id AND g."date" = l."date"
),
line_figures AS (
    SELECT l.store_id, l."date", sum(l.quantity) AS units,
        CASE WHEN count(*) = count(c.unit_cost) THEN sum(l.quantity * c.unit_cost) END AS cogs
    FROM lines l
    ASOF LEFT JOIN costs c ON c.store_id = l.store_id AND c.sku_id = l.sku_id AND l."date" >= c.effective_from
    GROUP BY ALL
),
refund_figures AS (
    SELECT store_id, "date", sum(amount) AS refund_amount, count(*) FILTER (WHERE is_return) AS returned_orders
    FROM read_parquet('{blobs}/curated/refunds/*/*/*.parquet', hive_partitioning = true, hive_types = {'date': DATE})
    WHERE status = 'COMPLETED' GROUP BY ALL
),
traffic AS (
    SELECT store_id, "date", sum(impressions) AS impressions, sum(product_clicks) AS product_clicks, sum(page_views) AS page_views,
        sum(visitors) AS visitors, sum(add_to_cart_users) AS add_to_cart_users
    FROM read_parquet('{blobs}/curated/traffic_daily/*/*/*.parquet', hive_partitioning = false) GROUP BY ALL
),
live AS (
    SELECT store_id, CAST("date" AS DATE) AS "date", sum(gmv) AS live_gmv, sum(views) AS live_views, sum(viewers) AS live_viewers, sum(watch_seconds) AS live_watch_seconds
    FROM read_parquet('{blobs}/curated/live_sessions/*/*/*.parquet', hive_partitioning = true, hive_types = {'date': DATE}) GROUP BY ALL
),
video AS (
    SELECT store_id, "date", sum(views) AS video_views, sum(completed_views) AS video_completed_views
    FROM read_parquet('{blobs}/curated/videos/*/*/*.parquet', hive_partitioning = false) GROUP BY ALL
),
ads AS (
    SELECT store_id, "date", sum(spend) AS ad_spend, sum(attributed_gmv) AS ads_attributed_gmv
    FROM read_parquet('{blobs}/curated/ads_daily/*/*/*.parquet', hive_partitioning = false) GROUP BY ALL
),
service AS (
    SELECT store_id, "date", sum(chats) AS chats, sum(chats_answered) AS chats_answered, sum(answered_within_12h) AS answered_within_12h,
        sum(answered_within_24h) AS answered_within_24h, sum(first_response_seconds_total) AS first_response_seconds,
        sum(reviews) AS reviews, sum(negative_reviews) AS negative_reviews
    FROM read_parquet('{blobs}/curated/service_daily/*/*/*.parquet', hive_partitioning = false) GROUP BY ALL
),
store_days AS (
    SELECT DISTINCT store_id, "date" FROM orders
)
SELECT d.store_id, d."date",
    coalesce(o.gmv, 0) AS gmv, coalesce(o.gmv_orders, 0) AS gmv_orders, coalesce(p.paid_orders, 0) AS paid_orders,
    coalesce(p.cancelled_orders, 0) AS cancelled_orders, coalesce(o.buyer_days, 0) AS buyer_days, coalesce(l.units, 0) AS units,
    coalesce(o.affiliate_gmv, 0) AS affiliate_gmv, CASE WHEN l.store_id IS NULL THEN 0 ELSE l.cogs END AS cogs,
    CASE WHEN o.store_id IS NULL THEN 0 ELSE o.platform_fees END AS platform_fees,
    CASE WHEN o.store_id IS NULL THEN 0 ELSE o.affiliate_commission END AS affiliate_commission,
    coalesce(r.refund_amount, 0) AS refund_amount, coalesce(r.returned_orders, 0) AS returned_orders,
    t.impressions, t.product_clicks, t.page_views, t.visitors, t.add_to_cart_users,
    coalesce(lv.live_gmv, 0) AS live_gmv, coalesce(lv.live_views, 0) AS live_views, coalesce(lv.live_viewers, 0) AS live_viewers,
    coalesce(lv.live_watch_seconds, 0) AS live_watch_seconds, coalesce(v.video_views, 0) AS video_views,
    v.video_completed_views, coalesce(a.ad_spend, 0) AS ad_spend, coalesce(a.ads_attributed_gmv, 0) AS ads_attributed_gmv,
    s.chats, s.chats_answered, s.answered_within_12h, s.answered_within_24h, s.first_response_seconds, s.reviews, s.negative_reviews
FROM store_days d
LEFT JOIN order_figures o USING (store_id, "date")
LEFT JOIN paid p USING (store_id, "date")
LEFT JOIN line_figures l USING (store_id, "date")
LEFT JOIN refund_figures r USING (store_id, "date")
LEFT JOIN traffic t USING (store_id, "date")
LEFT JOIN live lv USING (store_id, "date")
LEFT JOIN video v USING (store_id, "date")
LEFT JOIN ads a USING (store_id, "date")
LEFT JOIN service s USING (store_id, "date")
ORDER BY d.store_id, d."date"
