using System.Text;
using System.Text.Json;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.TikTok.Tests;

/// <summary>The readings chosen for customer service sessions and performance, video and product records, on hand-computed values.</summary>
public sealed class TikTokMapperTests
{
    private static readonly Store Store = new("uk-main", "UK", "GB", "GBP", "Europe/London");
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly TikTokMapper _mapper = new(Store, new BuyerIdHasher(Encoding.UTF8.GetBytes("mapper-test-salt-0123456789")), new FixedTimeProvider(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void An_affiliate_order_sums_its_skus_commission_taking_the_actual_amount_where_settled_and_the_estimate_elsewhere()
    {
        // 1.20 actual (its estimate 1.25 ignored) + 0.85 estimated = 2.05; one SKU unsettled, so the order is not.
        var (order, rejected) = _mapper.MapAffiliateOrder(Json("""
            {"id":"578","create_time":1763600000,"skus":[
              {"product_id":"p1","creator_username":"anna.makes","content_type":"VIDEO","estimated_paid_commission":{"amount":"1.25","currency":"GBP"},"actual_paid_commission":{"amount":"1.20","currency":"GBP"}},
              {"product_id":"p2","creator_username":"anna.makes","content_type":"VIDEO","estimated_paid_commission":{"amount":"0.85","currency":"GBP"}}]}
            """), 0);

        Assert.Null(rejected);
        Assert.Equal(new TikTokAffiliateOrder("578", "anna.makes", "VIDEO", 2.05m, Settled: false), order);
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

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
