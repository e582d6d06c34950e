using KpiFunctions.Core.Scorecards;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>The creator and LIVE scorecards a demo run writes, read back through the public readers.</summary>
public sealed class ScorecardFactsTests(DemoRunFixture run) : IClassFixture<DemoRunFixture>
{
    [Fact]
    public async Task Each_store_weeks_creators_add_up_to_the_weeks_affiliate_gmv_over_the_same_days()
    {
        var curated = new CuratedStore(run.Storage.Blobs);
        var weeks = run.SecondRows.GroupBy(r => (r.StoreId, Week: DetailFacts.WeekStart(r.Date))).ToList();
        var graded = 0;
        foreach (var week in weeks)
        {
            var creators = await curated.ReadAsync(ScorecardFacts.CreatorWeeks, week.Key.StoreId, week.Key.Week);

            Assert.NotNull(creators);
            Assert.Equal(week.Sum(r => r.Measures["affiliate_gmv"]!.Value), creators.Sum(c => c.Gmv));
            Assert.All(creators, c => Assert.Equal((week.Count(), week.Key.Week, week.Key.StoreId, run.To), (c.DaysCovered, c.WeekStart, c.StoreId, c.RefundsThrough)));
            Assert.Equal(Enumerable.Range(1, creators.Count), creators.Select(c => c.Rank));
            Assert.Equal(creators.OrderByDescending(c => c.Gmv).Select(c => c.Gmv), creators.Select(c => c.Gmv));
            graded += creators.Count(c => c.Tier is not null);
        }

        Assert.True(graded > 0, "no creator week was graded");
    }

    [Fact]
    public async Task Each_store_days_live_scorecards_are_its_curated_sessions_with_their_gmv_and_product_clicks()
    {
        var curated = new CuratedStore(run.Storage.Blobs);
        var sessions = 0;
        foreach (var day in run.SecondRows)
        {
            var live = await curated.ReadAsync(CuratedTables.LiveSessions, day.StoreId, day.Date) ?? throw new InvalidOperationException($"{day.StoreId} {day.Date} has no live_sessions partition");
            var scores = (await curated.ReadDaysAsync(ScorecardFacts.LiveSessionScores, day.StoreId, [day.Date], s => s.Date))[day.Date];

            Assert.NotNull(scores);
            Assert.Equal(live.Select(s => s.SessionId).Order(StringComparer.Ordinal), scores.Select(s => s.SessionId).Order(StringComparer.Ordinal));
            Assert.Equal(day.Measures["live_gmv"] ?? 0m, scores.Sum(s => s.Gmv));
            Assert.All(scores, s =>
            {
                Assert.NotNull(s.ProductClicks);
                Assert.Equal(live.Single(l => l.SessionId == s.SessionId).ProductClicks, s.ProductClicks);
                Assert.Equal(s.Views > 0 ? decimal.Round(s.Gmv / s.Views * 1000m, 6) : null, s.Gpm);
                Assert.True(s.Tier is not null || s.Reasons is not null, $"session {s.SessionId} has neither a tier nor a reason");
            });
            sessions += scores.Count;
        }

        Assert.True(sessions > 0, "the demo run scored no LIVE session");
    }

    [Fact]
    public async Task Scorecard_tiers_and_labels_read_back_as_written()
    {
        var day = run.SecondRows[^1];
        var creators = await new CuratedStore(run.Storage.Blobs).ReadAsync(ScorecardFacts.CreatorWeeks, day.StoreId, DetailFacts.WeekStart(day.Date));

        Assert.NotEmpty(creators!);
        Assert.All(creators!, c => Assert.Equal(c.Tier is { } t ? CreatorTierRules.Label(t) : null, c.TierLabel));
        Assert.All(creators!, c => Assert.Equal(("USD", day.Currency), (c.ReportingCurrency, c.Currency)));
    }
}
