using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>A week's unique-buyer row across runs: it counts the week's days an earlier run stored, not only this run's.</summary>
public sealed class StoreWeekCoverageTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 16);
    private readonly Harness _h = new(1);

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task A_run_of_the_weeks_later_days_counts_the_days_an_earlier_run_stored_with_their_buyer_days()
    {
        var store = _h.Stores[0].Id;
        await _h.SeedAsync(Monday, Monday.AddDays(3));
        await _h.Runner().RunAsync(new RunRequest(Monday, Monday.AddDays(1), FetchFrom: Monday));

        // The second run fetches and computes Wednesday and Thursday only.
        await _h.Runner().RunAsync(new RunRequest(Monday.AddDays(2), Monday.AddDays(3), FetchFrom: Monday.AddDays(2)));

        var week = Assert.Single((await new CuratedStore(_h.Storage.Blobs).ReadAsync(DetailFacts.StoreWeeks, store, Monday))!);
        var days = await new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default).QueryAsync(Monday, Monday.AddDays(6), store);
        Assert.Equal(4, days.Count);
        Assert.Equal(4, week.DaysCovered);
        Assert.Equal(days.Sum(d => d.Measures["buyer_days"]!.Value), week.BuyerDays);
        Assert.InRange(week.UniqueBuyers, days.Max(d => d.Measures["buyer_days"]!.Value), week.BuyerDays);
    }
}
