using KpiFunctions.Core.Domain;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>The creator dimension (curated/creators): made of the curated orders' creators and merged over runs.</summary>
public class CreatorDimensionTests
{
    [Fact]
    public async Task Each_creator_has_the_content_types_and_days_of_its_curated_orders_and_one_seen_in_an_earlier_run_stays()
    {
        using var h = new Harness(1);
        var store = h.Stores[0];
        var first = new RunRequest(new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 12));
        var second = new RunRequest(new DateOnly(2026, 11, 17), new DateOnly(2026, 11, 19));
        await h.SeedAsync(first.From, second.To);
        var curated = new CuratedStore(h.Storage.Blobs);

        await h.Runner().RunAsync(first);
        var afterFirst = await curated.ReadReferenceAsync(CuratedTables.Creators, store.Id);
        await h.Runner().RunAsync(second);
        var creators = await curated.ReadReferenceAsync(CuratedTables.Creators, store.Id);

        // What the curated orders of both windows say, with the world's content for each affiliate order.
        var expected = new Dictionary<string, Creator>(StringComparer.Ordinal);
        foreach (var date in Days(first).Concat(Days(second)))
        {
            var content = h.World.AffiliateContent(store.Id, date);
            foreach (var order in (await curated.ReadAsync(CuratedTables.Orders, store.Id, date))!.Where(o => o.CreatorId is not null))
            {
                var sighting = new Creator(store.Id, order.CreatorId!, content[order.OrderId], date, date);
                expected[sighting.CreatorId] = expected.TryGetValue(sighting.CreatorId, out var known) ? known.Merge(sighting) : sighting;
            }
        }

        Assert.Equal(expected.Values.OrderBy(c => c.CreatorId, StringComparer.Ordinal), creators);
        Assert.Contains(creators!, c => c.LastOrderDate <= first.To); // seen in the first run only: still there
        Assert.Contains(creators!, c => c.FirstOrderDate <= first.To && c.LastOrderDate >= second.From); // seen in both: merged
        Assert.Contains(creators!, c => c.ContentTypes.Contains(',', StringComparison.Ordinal)); // more than one kind of content
        Assert.All(afterFirst!, c => Assert.Equal(c.FirstOrderDate, creators!.Single(x => x.CreatorId == c.CreatorId).FirstOrderDate));
    }

    private static IEnumerable<DateOnly> Days(RunRequest request)
    {
        for (var date = request.From; date <= request.To; date = date.AddDays(1))
        {
            yield return date;
        }
    }
}
