using KpiFunctions.Core.Calendar;

namespace KpiFunctions.Core.Tests;

public class StoreCalendarTests
{
    private static readonly TimeZoneInfo London = StoreCalendar.ResolveZone("Europe/London");
    private static readonly TimeZoneInfo LosAngeles = StoreCalendar.ResolveZone("America/Los_Angeles");
    private static readonly TimeZoneInfo Bangkok = StoreCalendar.ResolveZone("Asia/Bangkok");

    [Fact]
    public void The_spring_forward_day_in_london_is_23_hours_long()
    {
        var (start, end) = StoreCalendar.DayBounds(new DateOnly(2026, 3, 29), London);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 23, 0, 0, TimeSpan.Zero), end);
        Assert.Equal(TimeSpan.FromHours(23), end - start);
    }

    [Fact]
    public void The_fall_back_day_in_london_is_25_hours_long()
    {
        var (start, end) = StoreCalendar.DayBounds(new DateOnly(2026, 10, 25), London);

        Assert.Equal(new DateTimeOffset(2026, 10, 24, 23, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromHours(25), end - start);
    }

    [Theory]
    [InlineData("2026-10-24T22:59:59Z", "2026-10-24")] // 23:59:59 BST
    [InlineData("2026-10-24T23:00:00Z", "2026-10-25")] // 00:00 BST
    [InlineData("2026-10-25T23:30:00Z", "2026-10-25")] // 23:30 GMT: the 25-hour day's last half hour
    [InlineData("2026-10-26T00:00:00Z", "2026-10-26")]
    public void Instants_around_the_fall_back_day_fall_on_the_london_calendar_day(string instant, string expected)
    {
        var date = StoreCalendar.LocalDate(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), London);

        Assert.Equal(expected, StoreCalendar.Format(date));
    }

    [Fact]
    public void Los_angeles_days_run_from_local_midnight_in_utc()
    {
        var (start, end) = StoreCalendar.DayBounds(new DateOnly(2026, 3, 8), LosAngeles);

        Assert.Equal(new DateTimeOffset(2026, 3, 8, 8, 0, 0, TimeSpan.Zero), start);   // PST, UTC-8
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 7, 0, 0, TimeSpan.Zero), end);     // PDT, UTC-7
    }

    [Fact]
    public void One_instant_is_a_different_day_in_different_stores()
    {
        var instant = new DateTimeOffset(2026, 3, 10, 20, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 3, 11), StoreCalendar.LocalDate(instant, Bangkok));
        Assert.Equal(new DateOnly(2026, 3, 10), StoreCalendar.LocalDate(instant, LosAngeles));
    }

    [Fact]
    public void An_unknown_zone_is_refused_with_an_example_of_a_good_one()
    {
        var ex = Assert.Throws<ArgumentException>(() => StoreCalendar.ResolveZone("Mars/Olympus"));

        Assert.Contains("Mars/Olympus", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Europe/London", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-11", "2026-03-09", "2026-W11")]
    [InlineData("2027-01-01", "2026-12-28", "2026-W53")]
    public void Iso_weeks_start_on_monday(string date, string monday, string label)
    {
        var d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(monday, StoreCalendar.Format(StoreCalendar.IsoWeekStart(d)));
        Assert.Equal(label, StoreCalendar.IsoWeekLabel(d));
    }
}
