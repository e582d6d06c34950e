using KpiFunctions.Core.Fx;

namespace KpiFunctions.Core.Tests;

public class FxRateBookTests
{
    private static readonly DateOnly Friday = new(2026, 3, 6);
    private static readonly FxRateBook Book = new("USD", [new FxRate("GBP", Friday, 1.27m), new FxRate("GBP", Friday.AddDays(-1), 1.26m)]);

    [Fact]
    public void A_rate_for_the_day_is_exact()
    {
        var lookup = Book.Lookup("GBP", Friday);

        Assert.Equal(FxStatus.Exact, lookup.Status);
        Assert.Equal(1.27m, lookup.Rate);
        Assert.Equal(127m, lookup.Convert(100m));
        Assert.Null(lookup.Reason);
    }

    [Fact]
    public void The_reporting_currency_converts_at_one()
    {
        var lookup = Book.Lookup("USD", Friday);

        Assert.Equal(FxStatus.Same, lookup.Status);
        Assert.Equal(1m, lookup.Rate);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void A_missing_day_carries_the_last_rate_forward_up_to_seven_days_and_says_so(int daysLater)
    {
        var lookup = Book.Lookup("GBP", Friday.AddDays(daysLater));

        Assert.Equal(FxStatus.CarriedForward, lookup.Status);
        Assert.Equal(1.27m, lookup.Rate);
        Assert.Equal(Friday, lookup.RateDate);
        Assert.Contains($"carried forward {daysLater} day(s)", lookup.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Past_seven_days_the_rate_is_missing_and_the_reason_gives_the_gap()
    {
        var lookup = Book.Lookup("GBP", Friday.AddDays(8));

        Assert.Equal(FxStatus.Missing, lookup.Status);
        Assert.Null(lookup.Rate);
        Assert.Null(lookup.Convert(100m));
        Assert.Contains("missing for 8 days", lookup.Reason, StringComparison.Ordinal);
        Assert.Contains("2026-03-06", lookup.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_currency_without_rates_or_a_day_before_the_first_rate_is_missing()
    {
        Assert.Equal(FxStatus.Missing, Book.Lookup("THB", Friday).Status);
        Assert.Equal(FxStatus.Missing, Book.Lookup("GBP", Friday.AddDays(-2)).Status);
    }

    [Fact]
    public void The_carry_forward_limit_is_a_setting()
    {
        var strict = new FxRateBook("USD", [new FxRate("GBP", Friday, 1.27m)], maxCarryForwardDays: 2);

        Assert.Equal(FxStatus.CarriedForward, strict.Lookup("GBP", Friday.AddDays(2)).Status);
        Assert.Equal(FxStatus.Missing, strict.Lookup("GBP", Friday.AddDays(3)).Status);
    }

    [Fact]
    public void A_non_positive_rate_is_refused_with_the_pair_and_day()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FxRateBook("USD", [new FxRate("GBP", Friday, 0m)]));

        Assert.Contains("GBP->USD on 2026-03-06", ex.Message, StringComparison.Ordinal);
    }
}
