using System.Text;
using System.Text.Json;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.TikTok.Tests;

/// <summary>The readings chosen for customer service sessions and performance, video and product records and product ratings, on hand-computed values.</summary>
public sealed class TikTokMapperTests
{
    private static readonly Store Store = new("uk-main", "UK", "GB", "GBP", "Europe/London");
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly TikTokMapper _mapper = new(Store, new BuyerIdHasher(Encoding.UTF8.GetBytes("mapper-test-salt-0123456789")), new FixedTimeProvider(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void A_settled_order_fee_sums_the_platforms_own_charges_sign_turned_and_leaves_out_commissions_ad_fees_and_tax()
    {
        // 3.20 commission + 0.45 transaction + 0.30 SFP + 0.05 campaign resource = 4.00; the affiliate commission,
        // the partner commission, the GMV Max ad fee, the creator bonus and the VAT are not platform fees.
        var (fee, rejected) = _mapper.MapOrderFee(Json("""
            {"id":"t1","type":"ORDER","order_id":"578","fee_tax_amount":"-9.10","fee_tax_breakdown":{
              "fee":{"platform_commission_amount":"-3.20","transaction_fee_amount":"-0.45","sfp_service_fee_amount":"-0.30","campaign_resource_fee":"-0.05",
                     "affiliate_commission_amount":"-2.00","tsp_commission_amount":"-0.50","gmv_max_ad_fee_amount":"-1.00","cofunded_creator_bonus_amount":"-0.10"},
              "tax":{"vat_amount":"-1.50"}}}
            """), settled: true, "GBP", 0);

        Assert.Null(rejected);
        Assert.Equal(new KpiFunctions.Sources.OrderFee("578", "GBP", 4.00m, Settled: true), fee);
    }

    [Fact]
    public void An_unsettled_order_is_an_estimate_an_adjustment_carries_no_order_fee_and_a_bad_record_is_rejected_with_every_reason()
    {
        var (estimate, _) = _mapper.MapOrderFee(Json("""{"id":"u1","type":"ORDER","status":"UNSETTLED","currency":"GBP","order_id":"579","fee_tax_breakdown":{"fee":{"referral_fee_amount":"-1.10"}}}"""), settled: false, null, 0);
        var (adjustment, none) = _mapper.MapOrderFee(Json("""{"id":"a1","type":"PLATFORM_PENALTY","adjustment_amount":"-0.50"}"""), settled: true, "GBP", 1);
        var (bad, rejected) = _mapper.MapOrderFee(Json("""{"id":"u2","type":"ORDER","currency":"USD","fee_tax_breakdown":{"fee":{"platform_commission_amount":"three"}}}"""), settled: false, null, 2);
        var (refund, paid) = _mapper.MapOrderFee(Json("""{"id":"u3","type":"ORDER","currency":"GBP","order_id":"581","fee_tax_breakdown":{"fee":{"platform_commission_amount":"0.40"}}}"""), settled: false, null, 3);

        Assert.Equal(new KpiFunctions.Sources.OrderFee("579", "GBP", 1.10m, Settled: false), estimate);
        Assert.Equal((null, null), (adjustment, none));
        Assert.Null(bad);
        Assert.Equal(("unsettled_orders", "#2"), (rejected!.Dataset, rejected.RecordKey));
        Assert.Contains("order_id is missing", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("currency 'USD' is not the store's currency GBP", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("fee_tax_breakdown.fee.platform_commission_amount 'three' is not an amount", rejected.Reason, StringComparison.Ordinal);
        Assert.Null(refund);
        Assert.Contains("the platform fees come to a payment of 0.40 to the seller", paid!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_affiliate_order_sums_its_skus_commission_taking_the_actual_amount_where_settled_and_the_estimate_elsewhere()
    {
        // 1.20 actual (its estimate 1.25 ignored) + 0.85 estimated = 2.05; one SKU unsettled, so the order is not. Its
        // SKUs came through a video and a LIVE: both content types, sorted.
        var (order, rejected) = _mapper.MapAffiliateOrder(Json("""
            {"id":"578","create_time":1763600000,"skus":[
              {"product_id":"p1","creator_username":"anna.makes","content_type":"VIDEO","estimated_paid_commission":{"amount":"1.25","currency":"GBP"},"actual_paid_commission":{"amount":"1.20","currency":"GBP"}},
              {"product_id":"p2","creator_username":"anna.makes","content_type":"LIVE","estimated_paid_commission":{"amount":"0.85","currency":"GBP"}}]}
            """), 0);

        Assert.Null(rejected);
        Assert.Equal(new TikTokAffiliateOrder("578", "anna.makes", "LIVE,VIDEO", 2.05m, Settled: false), order);
    }

    [Fact]
    public void An_affiliate_order_in_another_currency_or_without_a_creator_or_skus_is_rejected_with_every_reason()
    {
        var (order, rejected) = _mapper.MapAffiliateOrder(Json("""{"id":"579","skus":[{"product_id":"p1","estimated_paid_commission":{"amount":"x","currency":"USD"}}]}"""), 3);
        var (_, empty) = _mapper.MapAffiliateOrder(Json("""{"id":"580","skus":[]}"""), 4);

        Assert.Null(order);
        Assert.Equal(("affiliate_orders", "579"), (rejected!.Dataset, rejected.RecordKey));
        Assert.Contains("skus[0].estimated_paid_commission.amount 'x' is not an amount", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("currency 'USD' is not the store's currency GBP", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("creator_username is missing", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("skus is missing or empty", empty!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancellation_keeps_its_role_reason_key_and_text_and_a_refund_left_out_stays_unknown()
    {
        // As the research note's real answer had it: a seller's cancellation without refund_amount.
        var (seller, noProblem) = _mapper.MapCancellation(Json("""
            {"cancel_id":"4035","order_id":"5781","cancel_type":"CANCEL","cancel_status":"CANCELLATION_REQUEST_COMPLETE","role":"SELLER",
             "cancel_reason":"seller_cancel_paid_reason_address_not_deliver","cancel_reason_text":"Unable to deliver to customer address",
             "create_time":1763600000,"update_time":1763600600,"should_replenish_stock":true}
            """), 0);
        var (buyer, _) = _mapper.MapCancellation(Json("""
            {"cancel_id":"4036","order_id":"5782","cancel_type":"BUYER_CANCEL","cancel_status":"CANCELLATION_REQUEST_CANCEL","role":"BUYER",
             "cancel_reason":"ecom_order_cancel_reason_changed_mind","create_time":1763600000,"update_time":1763603600,
             "refund_amount":{"currency":"GBP","refund_total":"21.3","refund_subtotal":"19.8"}}
            """), 1);

        Assert.Null(noProblem);
        Assert.Equal(new Cancellation("uk-main", "4035", "5781", CancellationType.Cancel, CancellationStatus.Complete, CancellationRole.Seller,
            "seller_cancel_paid_reason_address_not_deliver", "Unable to deliver to customer address",
            DateTimeOffset.FromUnixTimeSeconds(1763600000), DateTimeOffset.FromUnixTimeSeconds(1763600600), null, "GBP"), seller);
        Assert.Equal((CancellationStatus.Withdrawn, CancellationRole.Buyer, 21.3m, (string?)null), (buyer!.Status, buyer.Role, buyer.RefundTotal, buyer.ReasonText));
    }

    [Fact]
    public void A_cancellation_with_an_unknown_role_or_status_no_reason_or_another_currency_is_rejected_with_every_reason()
    {
        var (cancellation, rejected) = _mapper.MapCancellation(Json("""
            {"cancel_id":"4037","order_id":"","cancel_type":"RETURN","cancel_status":"CANCELLATION_REQUEST_LOST","role":"OPERATOR",
             "create_time":1763600000,"update_time":1893456000,"refund_amount":{"currency":"USD","refund_total":"-2"}}
            """), 5);

        Assert.Null(cancellation);
        Assert.Equal(("cancellations", "4037"), (rejected!.Dataset, rejected.RecordKey));
        foreach (var reason in new[]
        {
            "order_id is missing", "cancel_type 'RETURN' is not CANCEL or BUYER_CANCEL", "cancel_status 'CANCELLATION_REQUEST_LOST' is not a cancellation status we know",
            "role 'OPERATOR' is not BUYER, SELLER or SYSTEM", "cancel_reason is missing", "is in the future", "refund_amount.refund_total -2 is negative",
            "refund_amount currency 'USD' is not the store's currency GBP",
        })
        {
            Assert.Contains(reason, rejected.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_days_sessions_give_its_chats_answered_within_12_and_24_hours_inclusive_and_their_total_first_response_time()
    {
        // Seven sessions: 12 h exactly (43,200 s) and 90 s are within 12 h; with 43,201 s and 24 h exactly (86,400 s)
        // four are within 24 h; 86,401 s is answered but late; one has no first response and one has 0 s flagged late
        // (read as unanswered). Answered 5; total 43,200 + 43,201 + 86,400 + 86,401 + 90 = 259,292 s.
        var records = new[]
        {
            """{"id":"s1","begin_time":1795132800,"first_response_time":43200,"first_response_late":false}""",
            """{"id":"s2","begin_time":1795132900,"first_response_time":43201,"first_response_late":true}""",
            """{"id":"s3","begin_time":1795133000,"first_response_time":86400,"first_response_late":true}""",
            """{"id":"s4","begin_time":1795133100,"first_response_time":86401,"first_response_late":true}""",
            """{"id":"s5","begin_time":1795133200,"first_response_late":true}""",
            """{"id":"s6","begin_time":1795133300,"first_response_time":0,"first_response_late":true}""",
            """{"id":"s7","begin_time":1795133400,"first_response_time":90,"first_response_late":false,"satisfaction_score":5,"buyer_nickname":"someone"}""",
        };
        var sessions = records.Select((json, i) => _mapper.MapServiceSession(Json(json), i)).ToList();

        Assert.All(sessions, s => Assert.Null(s.Rejected));
        Assert.Equal(new TikTokServiceSession("s7", DateTimeOffset.FromUnixTimeSeconds(1795133400), 90, false, 5m), sessions[6].Session);
        Assert.Null(sessions[4].Session!.FirstResponseSeconds);
        Assert.Null(sessions[5].Session!.FirstResponseSeconds);
        Assert.Equal(new ServiceDaily("uk-main", Day, 7, 5, 2, 4, 259_292, null, null), _mapper.MapServiceDay(Day, [.. sessions.Select(s => s.Session!)]));
    }

    [Fact]
    public void A_day_without_sessions_has_no_chats_and_nothing_answered()
    {
        Assert.Equal(new ServiceDaily("uk-main", Day, 0, 0, 0, 0, 0, null, null), _mapper.MapServiceDay(Day, []));
    }

    [Fact]
    public void A_session_that_does_not_parse_is_rejected_with_every_reason_and_without_the_buyers_nickname()
    {
        var (session, rejected) = _mapper.MapServiceSession(Json("""
            {"begin_time":"yesterday","first_response_time":-5,"first_response_late":"no","satisfaction_score":"great","buyer_nickname":"Plantedname"}
            """), 3);
        var (_, future) = _mapper.MapServiceSession(Json("""{"id":"s9","begin_time":1795392000}"""), 4);

        Assert.Null(session);
        Assert.Equal(("service_sessions", "#3"), (rejected!.Dataset, rejected.RecordKey));
        Assert.Contains("id is missing", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("begin_time 'yesterday' is not a time in Unix seconds", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("first_response_time '-5' is not a whole non-negative number of seconds", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("first_response_late 'no' is not true or false", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("satisfaction_score 'great' is not a non-negative number", rejected.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Plantedname", rejected.Json, StringComparison.Ordinal);
        Assert.Equal("s9", future!.RecordKey);
        Assert.Contains("is in the future", future.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_performance_gives_tiktoks_own_session_count_and_24_hour_response_share()
    {
        var (performance, rejected) = _mapper.MapServicePerformance(Json("""{"support_session_count":40,"response_percentage":"92.5","response_time_mins":"12.75","currency":"GBP"}"""), Day);

        Assert.Null(rejected);
        Assert.Equal(new TikTokServicePerformance(40, 92.5m, 12.75m), performance);
    }

    [Fact]
    public void Service_performance_that_does_not_parse_or_is_over_100_percent_is_rejected_with_every_reason()
    {
        var (performance, rejected) = _mapper.MapServicePerformance(Json("""{"support_session_count":40,"response_percentage":"120","response_time_mins":"soon"}"""), Day);

        Assert.Null(performance);
        Assert.Equal("service_performance", rejected!.Dataset);
        Assert.Equal("2026-11-20", rejected.RecordKey);
        Assert.Contains("response_percentage 120 is over 100", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("response_time_mins 'soon' is not an amount", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_video_has_its_views_and_attributed_gmv_and_no_completed_views()
    {
        var (video, rejected) = _mapper.MapVideo(Json("""{"id":"7301","views":1520,"gmv":{"amount":"86.40","currency":"GBP"},"click_through_rate":"0.0528"}"""), Day, 0);

        Assert.Null(rejected);
        Assert.Equal(new VideoDaily("uk-main", "7301", Day, 1520, null, 86.40m, "GBP"), video);
    }

    [Fact]
    public void A_video_in_another_currency_or_without_an_id_is_rejected_naming_why()
    {
        var (video, rejected) = _mapper.MapVideo(Json("""{"views":"many","gmv":{"amount":"86.40","currency":"USD"}}"""), Day, 3);

        Assert.Null(video);
        Assert.Equal("#3", rejected!.RecordKey);
        Assert.Contains("id is missing", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("views 'many' is not a whole non-negative number", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("gmv currency 'USD' is not the store's currency GBP", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Product_traffic_gives_each_products_figures_null_where_absent_and_clicks_and_add_to_cart_users_sum_over_the_days_products()
    {
        // Three products, counts as numbers, as numeric strings and with a numeric id: clicks 41 + 7 + 0 = 48, add-to-cart
        // users 5 + 2 + 0 = 7 (a user who added p1 and p2 counts in both).
        var records = new[]
        {
            """{"id":"1729","total_performance":{"product_impressions":1200,"product_clicks":41,"add_cart_users":5,"add_cart_count":6,"gmv":{"amount":"59.70","currency":"GBP"},"orders":"3","items_sold":4}}""",
            """{"id":"1730","total_performance":{"product_impressions":"310","product_clicks":"7","add_cart_users":"2","add_cart_count":"2"}}""",
            """{"id":1731,"total_performance":{"product_impressions":12,"product_clicks":0,"add_cart_users":0}}""",
        };

        var mapped = records.Select((r, i) => _mapper.MapProductTraffic(Json(r), i)).ToList();

        Assert.All(mapped, m => Assert.Null(m.Rejected));
        Assert.Equal(
            [new TikTokProductTraffic("1729", 1200, 41, 5, 59.70m, 3, 4), new TikTokProductTraffic("1730", 310, 7, 2, null, null, null), new TikTokProductTraffic("1731", 12, 0, 0, null, null, null)],
            mapped.Select(m => m.Product!));
        Assert.Equal((48L, 7L), (mapped.Sum(m => m.Product!.Clicks), mapped.Sum(m => m.Product!.AddToCartUsers)));
    }

    [Fact]
    public void Product_traffic_whose_counts_do_not_parse_or_are_missing_is_rejected_with_every_reason()
    {
        var (product, rejected) = _mapper.MapProductTraffic(Json("""{"id":"1729","total_performance":{"product_clicks":"n/a","add_cart_users":-3}}"""), 2);
        var (_, noBlock) = _mapper.MapProductTraffic(Json("""{"seller_performance":{"product_clicks":4}}"""), 5);
        var (_, fractional) = _mapper.MapProductTraffic(Json("""{"id":"1732","total_performance":{"product_clicks":2.5}}"""), 6);
        var (_, badSales) = _mapper.MapProductTraffic(Json("""{"id":"1733","total_performance":{"product_clicks":1,"add_cart_users":0,"orders":"two","items_sold":-1,"gmv":{"amount":"9.90","currency":"USD"}}}"""), 7);

        Assert.Null(product);
        Assert.Equal(("product_daily", "1729"), (rejected!.Dataset, rejected.RecordKey));
        Assert.Contains("total_performance.product_clicks 'n/a' is not a whole non-negative number", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("total_performance.add_cart_users '-3' is not a whole non-negative number", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("#5", noBlock!.RecordKey);
        Assert.Contains("id is missing", noBlock.Reason, StringComparison.Ordinal);
        Assert.Contains("total_performance is missing", noBlock.Reason, StringComparison.Ordinal);
        Assert.Contains("total_performance.product_clicks '2.5' is not a whole non-negative number", fractional!.Reason, StringComparison.Ordinal);

        // The figures a product's day may lack are null when absent, but one present that does not read rejects the product.
        Assert.Equal(("product_daily", "1733"), (badSales!.Dataset, badSales.RecordKey));
        Assert.Contains("total_performance.orders 'two' is not a whole non-negative number", badSales.Reason, StringComparison.Ordinal);
        Assert.Contains("total_performance.items_sold '-1' is not a whole non-negative number", badSales.Reason, StringComparison.Ordinal);
        Assert.Contains("total_performance.gmv currency 'USD' is not the store's currency GBP", badSales.Reason, StringComparison.Ordinal);
        Assert.Contains("total_performance.add_cart_users is missing", fractional.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_product_becomes_one_row_per_sku_with_its_stock_summed_over_warehouses()
    {
        var (skus, stock, rejected) = _mapper.MapProduct(Json("""
            {"id":"p1","title":"Mug","status":"ACTIVATE","update_time":1763000000,"skus":[
              {"id":"s1","seller_sku":"MUG-R","price":{"currency":"GBP","sale_price":"19.90"},"inventory":[{"warehouse_id":"W1","quantity":3},{"warehouse_id":"W2","quantity":4}]},
              {"id":"s2","price":{"currency":"GBP","sale_price":"21"},"inventory":[]}]}
            """), 0);

        Assert.Null(rejected);
        Assert.Equal(
            [new ProductSku("uk-main", "p1", "s1", "Mug", "MUG-R", "ACTIVATE", 19.90m, "GBP"), new ProductSku("uk-main", "p1", "s2", "Mug", null, "ACTIVATE", 21m, "GBP")],
            skus);
        Assert.Equal([("s1", 7L), ("s2", 0L)], stock);
    }

    [Fact]
    public void A_product_with_a_bad_price_or_stock_is_rejected_whole_so_no_stock_sum_misses_it()
    {
        var (skus, stock, rejected) = _mapper.MapProduct(Json("""
            {"id":"p2","title":"Cup","status":"ACTIVATE","skus":[
              {"id":"s1","price":{"currency":"GBP","sale_price":"x"},"inventory":[{"quantity":-2}]}]}
            """), 5);

        Assert.Empty(skus);
        Assert.Empty(stock);
        Assert.Equal("p2", rejected!.RecordKey);
        Assert.Contains("skus[0].price.sale_price 'x' is not an amount", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("skus[0].inventory[0].quantity '-2' is not a whole non-negative number", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sku_without_a_stock_list_or_an_id_rejects_its_product_rather_than_counting_no_stock()
    {
        var (skus, _, rejected) = _mapper.MapProduct(Json("""
            {"id":"p3","title":"Bowl","status":"ACTIVATE","skus":[{"id":"s1","price":{"currency":"GBP","sale_price":"5"}},{"price":{"currency":"GBP","sale_price":"6"},"inventory":[]}]}
            """), 0);

        Assert.Empty(skus);
        Assert.Contains("skus[0].inventory is missing", rejected!.Reason, StringComparison.Ordinal);
        Assert.Contains("skus[1].id is missing", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_days_reviews_are_every_products_ratings_and_the_negative_ones_those_of_1_or_2_stars()
    {
        // p1: 2 + 1 + 0 + 4 + 9 = 16, negative 3; p2 lists two stars only, as a number and a numeric string: 1 + 5 = 6,
        // negative 1; p3 has no rating. Reviews 16 + 6 + 0 = 22, negative 3 + 1 = 4.
        var answers = new (string Id, string Json)[]
        {
            ("p1", """{"latest_available_date":"2026-11-21","performance":{"ratings":[{"stars":"1_STAR","count":2,"percentage":"12.5"},{"stars":"2_STAR","count":1},{"stars":"3_STAR","count":0},{"stars":"4_STAR","count":4},{"stars":"5_STAR","count":9}]}}"""),
            ("p2", """{"performance":{"ratings":[{"stars":"5_STAR","count":"5"},{"stars":"2_STAR","count":1}]}}"""),
            ("p3", """{"performance":{"ratings":[]}}"""),
        };
        var ratings = answers.Select((a, i) => _mapper.MapProductRatings(Json(a.Json), a.Id, i)).ToList();
        var chats = new ServiceDaily("uk-main", Day, 7, 5, 2, 4, 259_292, null, null);

        Assert.All(ratings, r => Assert.Null(r.Rejected));
        Assert.Equal([2L, 1, 0, 4, 9], ratings[0].Ratings!.Stars);
        Assert.Equal([0L, 1, 0, 0, 5], ratings[1].Ratings!.Stars);
        Assert.Equal(chats with { Reviews = 22, NegativeReviews = 4 }, TikTokMapper.WithReviews(chats, [.. ratings.Select(r => r.Ratings!)]));
        Assert.Equal(chats with { Reviews = 0, NegativeReviews = 0 }, TikTokMapper.WithReviews(chats, [ratings[2].Ratings!]));
    }

    [Fact]
    public void Product_ratings_that_do_not_parse_are_rejected_with_every_reason_under_the_product_id()
    {
        var (ratings, rejected) = _mapper.MapProductRatings(Json("""
            {"performance":{"ratings":[{"stars":"1_STAR","count":-1},{"stars":"6_STAR","count":1},{"stars":"4_STAR","count":"many"},{"stars":"4_STAR","count":2},{"count":3}]}}
            """), "p9", 4);
        var (_, missing) = _mapper.MapProductRatings(Json("""{"latest_available_date":"2026-11-21"}"""), "p8", 5);
        var (_, notList) = _mapper.MapProductRatings(Json("""{"performance":{"ratings":{"stars":"5_STAR","count":1}}}"""), "p7", 6);

        Assert.Null(ratings);
        Assert.Equal(("product_ratings", "p9"), (rejected!.Dataset, rejected.RecordKey));
        Assert.Contains("rating 1_STAR count '-1' is not a whole non-negative number", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("rating stars '6_STAR' is not one of 1_STAR to 5_STAR", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("rating 4_STAR count 'many' is not a whole non-negative number", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("rating 4_STAR is listed twice", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("is not one of 1_STAR to 5_STAR", rejected.Reason.Split("; ")[^1], StringComparison.Ordinal);
        Assert.Contains("performance is missing", missing!.Reason, StringComparison.Ordinal);
        Assert.Contains("performance.ratings is missing or not a list", notList!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_live_session_reads_its_product_clicks_and_a_session_without_them_has_them_unknown()
    {
        // 20:00 to 21:00 UTC on 20 November; 90 s average over 1,500 viewers = 135,000 s watched.
        var (session, rejected) = _mapper.MapLive(Json("""
            {"id":"l1","start_time":"1795204800","end_time":"1795208400","sales_performance":{"gmv":{"amount":"250.00","currency":"GBP"}},
             "interaction_performance":{"views":2000,"viewers":1500,"avg_viewing_duration":"90","product_clicks":200,"click_through_rate":"0.1000"}}
            """), 0);
        var (older, _) = _mapper.MapLive(Json("""
            {"id":"l2","start_time":"1795204800","end_time":"1795208400","sales_performance":{"gmv":{"amount":"10.00","currency":"GBP"}},
             "interaction_performance":{"views":100,"viewers":80,"avg_viewing_duration":"30"}}
            """), 1);
        var (_, bad) = _mapper.MapLive(Json("""
            {"id":"l3","start_time":"1795204800","end_time":"1795208400","sales_performance":{"gmv":{"amount":"10.00","currency":"GBP"}},
             "interaction_performance":{"views":100,"viewers":80,"avg_viewing_duration":"30","product_clicks":"many"}}
            """), 2);

        Assert.Null(rejected);
        Assert.Equal((3600, 2000L, 1500L, 135_000L, 250.00m, (long?)200), (session!.DurationSeconds, session.Views, session.Viewers, session.WatchSeconds, session.Gmv, session.ProductClicks));
        Assert.Null(older!.ProductClicks);
        Assert.Contains("interaction_performance.product_clicks 'many' is not a whole non-negative number", bad!.Reason, StringComparison.Ordinal);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
