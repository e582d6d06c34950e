using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Validation;

namespace KpiFunctions.Core.Tests;

public class RecordValidatorTests
{
    private static readonly Store Store = SampleStoreDay.Store;

    [Fact]
    public void The_sample_orders_are_sound()
    {
        Assert.All(SampleStoreDay.Build().Orders, o => Assert.Empty(RecordValidator.Validate(o, Store)));
    }

    [Fact]
    public void A_products_day_with_a_negative_count_or_gmv_in_another_currency_is_refused_and_one_without_sales_figures_is_sound()
    {
        var day = new ProductDaily(Store.Id, new DateOnly(2026, 11, 2), "p1", 100, 7, 2, 19.90m, Store.Currency, 1, 1);

        Assert.Empty(RecordValidator.Validate(day with { Impressions = null, Gmv = null, Orders = null, UnitsSold = null }, Store));
        var problems = RecordValidator.Validate(day with { Clicks = -1, Currency = "XXX", Gmv = 1.23456m }, Store);

        Assert.Contains("clicks is negative (-1)", problems);
        Assert.Contains($"currency 'XXX' is not the store's currency '{Store.Currency}'", problems);
        Assert.Contains("gmv 1.23456 does not fit the stored money format (at most 4 decimals, under 10^14)", problems);
    }

    [Fact]
    public void A_creator_seen_again_keeps_its_first_day_and_gains_the_content_types_and_the_last_day()
    {
        var before = new Creator(Store.Id, "anna.makes", "VIDEO", new DateOnly(2026, 10, 3), new DateOnly(2026, 10, 9));
        var now = new Creator(Store.Id, "anna.makes", "SHOWCASE,LIVE,VIDEO", new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 1));

        var merged = before.Merge(now);

        Assert.Equal(new Creator(Store.Id, "anna.makes", "LIVE,SHOWCASE,VIDEO", new DateOnly(2026, 10, 3), new DateOnly(2026, 11, 1)), merged);
        Assert.Equal(merged, now.Merge(before));
        Assert.Empty(RecordValidator.Validate(merged, Store));
        Assert.Contains("first order day 2026-11-01 is after the last 2026-10-09", RecordValidator.Validate(before with { FirstOrderDate = now.FirstOrderDate }, Store));
    }

    [Fact]
    public void An_order_whose_amounts_do_not_add_up_names_both_figures()
    {
        var order = SampleStoreDay.Order("o1", 20) with { Subtotal = 21 };

        var problems = RecordValidator.Validate(order, Store);

        Assert.Contains("subtotal 21 differs from the lines' sale price × quantity 20", problems);
        Assert.Contains("total 20 differs from subtotal - platform discount + shipping + tax = 21", problems);
    }

    [Fact]
    public void An_order_in_another_currency_or_with_a_zero_quantity_is_refused()
    {
        var order = SampleStoreDay.Order("o1", 20, lines: new OrderLine("l1", "A", "p", "n", 0, 20, 20)) with { Currency = "USD" };

        var problems = RecordValidator.Validate(order, Store);

        Assert.Contains("currency 'USD' is not the store's currency 'GBP'", problems);
        Assert.Contains("line l1 has quantity 0; it must be at least 1", problems);
    }

    [Fact]
    public void Money_that_does_not_fit_the_stored_format_is_refused_before_it_reaches_a_file()
    {
        var order = SampleStoreDay.Order("o1", 20) with { Tax = 0.12345m, Total = 20.12345m };

        var problems = RecordValidator.Validate(order, Store);

        Assert.Contains("tax 0.12345 does not fit the stored money format (at most 4 decimals, under 10^14)", problems);
    }

    [Fact]
    public void A_paid_status_without_a_paid_time_is_refused()
    {
        var order = SampleStoreDay.Order("o1", 20) with { PaidUtc = null };

        Assert.Contains("status AwaitingShipment but no paid time", RecordValidator.Validate(order, Store));
    }

    [Fact]
    public void A_completed_refund_needs_a_completion_time_and_a_positive_amount()
    {
        var refund = new Refund("t1", "r1", "o1", -5, "GBP", RefundStatus.Completed, DateTimeOffset.UnixEpoch, null, false, "x");

        var problems = RecordValidator.Validate(refund, Store);

        Assert.Contains("amount -5 must be positive", problems);
        Assert.Contains("status Completed but no completion time", problems);
    }

    [Fact]
    public void Service_counts_must_nest()
    {
        var service = new ServiceDaily("t1", SampleStoreDay.Date, 10, 12, 3, 2, 100, 5, 6);

        var problems = RecordValidator.Validate(service, Store);

        Assert.Equal(2, problems.Count);
        Assert.Contains("negative reviews 6 exceed reviews 5", problems);
        Assert.Contains("need 0 <= answered within 12 h (3) <= answered within 24 h (2) <= answered (12) <= chats (10)", problems);
    }

    [Fact]
    public void Service_counts_the_source_does_not_give_are_left_out_of_the_nesting_check()
    {
        var fine = new ServiceDaily("t1", SampleStoreDay.Date, 40, 36, null, 36, 21_600, null, null);
        var tooMany = fine with { AnsweredWithin24h = 41, ChatsAnswered = null };

        Assert.Empty(RecordValidator.Validate(fine, Store));
        Assert.Equal(["need 0 <= answered within 24 h (41) <= chats (40)"], RecordValidator.Validate(tooMany, Store));
    }

    [Fact]
    public void Store_validation_lists_every_bad_field()
    {
        var problems = StoreValidator.Validate(new Store("bad id!", "", "gb", "XYZ", "Nowhere/City"));

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("time zone 'Nowhere/City'", StringComparison.Ordinal));
        Assert.Empty(StoreValidator.Validate(new Store("th-bkk", "Thailand", "TH", "THB", "Asia/Bangkok")));
    }

    [Theory]
    [InlineData("UK", "country 'UK' must be an ISO 3166-1 alpha-2 code: say GB")]
    [InlineData("ZZ", "country 'ZZ' must be an ISO 3166-1 alpha-2 code of a country")]
    [InlineData("XX", "country 'XX' must be an ISO 3166-1 alpha-2 code of a country")]
    public void A_country_code_that_is_not_a_country_is_refused_with_the_code_to_use(string country, string message)
    {
        var problem = Assert.Single(StoreValidator.Validate(new Store("uk-main", "UK", country, "GBP", "Europe/London")));

        Assert.StartsWith(message, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_windows_time_zone_name_is_refused_with_its_iana_name()
    {
        var problem = Assert.Single(StoreValidator.Validate(new Store("uk-main", "UK", "GB", "GBP", "GMT Standard Time")));

        Assert.Equal("time zone 'GMT Standard Time' is a Windows name; use the IANA zone, e.g. Europe/London", problem);
    }

    [Fact]
    public void Every_demo_country_is_a_known_country()
    {
        Assert.All(["GB", "US", "TH", "MY", "VN", "ID", "PH", "SG", "MX", "BR", "ES", "DE", "FR", "IT", "IE", "JP"], c => Assert.True(StoreValidator.IsKnownCountry(c), c));
    }
}
