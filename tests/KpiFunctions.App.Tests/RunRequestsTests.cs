using KpiFunctions.Orchestration;

namespace KpiFunctions.App.Tests;

public sealed class RunRequestsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    public void No_body_or_an_empty_object_asks_for_the_nightly_window(string? body)
    {
        Assert.Equal(new RunInput(), RunRequests.Parse(body));
    }

    [Fact]
    public void A_backfill_names_its_days_and_stores()
    {
        var input = RunRequests.Parse("""{"from": "2026-11-01", "to": "2026-11-03", "stores": ["uk-main", "us-west"]}""");

        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 3)), (input.From, input.To));
        Assert.Equal(["uk-main", "us-west"], input.StoreIds!);
    }

    [Fact]
    public void One_date_alone_is_a_one_day_backfill()
    {
        var input = RunRequests.Parse("""{"to": "2026-11-03"}""");

        Assert.Equal((new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 3)), (input.From, input.To));
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("""{"form": "2026-11-01"}""", "Unknown field 'form'")]
    [InlineData("""{"from": "2026-13-01"}""", "'from' is \"2026-13-01\", not a date")]
    [InlineData("""{"from": 20261101}""", "'from' is 20261101, not a date")]
    [InlineData("""{"stores": []}""", "'stores' must be a non-empty array")]
    public void A_body_it_cannot_mean_is_refused_saying_what_to_fix(string body, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => RunRequests.Parse(body));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
