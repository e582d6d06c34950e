using System.Text.Json;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Serialization;

namespace KpiFunctions.Sources.Synthetic;

/// <summary>The synthetic world as a source: one page per stream, JSON as an API would send it.</summary>
public sealed class SyntheticSource : IStoreSource, IProductCatalogSource, ICompletingSource
{
    private readonly SyntheticWorld _world;

    /// <summary>Creates a source over a world.</summary>
    public SyntheticSource(SyntheticWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
    }

    /// <inheritdoc />
    public string Name => "synthetic";

    /// <summary>The world behind the source (its ground truth is what tests compare with).</summary>
    public SyntheticWorld World => _world;

    /// <summary>A store's days are curated: the world forgets them, so memory stays bounded by the stores in flight.</summary>
    public Task StoreFetchedAsync(Store store, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        _world.Forget(store.Id);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SourceBatch> FetchDayAsync(Store store, DateOnly date, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        cancellationToken.ThrowIfCancellationRequested();
        var day = _world.Day(store.Id, date);
        var refunds = _world.RefundsCompletedOn(store.Id, date);
        IReadOnlyList<ProductDaily> productDays = [.. _world.ProductTraffic(store.Id, date).Select(t => new ProductDaily(
            store.Id, date, t.ProductId, t.Impressions, t.Clicks, t.AddToCartUsers, t.Gmv, store.Currency, t.Orders, t.UnitsSold))];
        var content = _world.AffiliateContent(store.Id, date);
        var pages = new List<RawPage>
        {
            Page("orders", day.Orders),
            Page("refunds", refunds),
            Page("cancellations", day.Cancellations),
            Page("traffic", day.Traffic is null ? Array.Empty<TrafficDaily>() : [day.Traffic]),
            Page("live_sessions", day.LiveSessions),
            Page("videos", day.Videos),
            Page("ads", day.Ads),
            Page("service", day.Service is null ? Array.Empty<ServiceDaily>() : [day.Service]),
            Page("inventory", day.Inventory),
            Page("product_daily", productDays),
            Page("affiliate_content", content.Select(c => new { order_id = c.Key, content_type = c.Value }).ToArray()),
        };
        return Task.FromResult(new SourceBatch(
            store, date, pages, day.Orders, refunds, day.Traffic, day.LiveSessions, day.Videos, day.Ads, day.Service, day.Inventory, [])
        {
            Cancellations = day.Cancellations,
            ProductDays = productDays,
            AffiliateContent = content,
        });
    }

    /// <inheritdoc />
    /// <remarks>The world's stock comes with each day, so the listing carries none.</remarks>
    public async Task<ProductListing> FetchProductsAsync(Store store, Func<RawPage, CancellationToken, Task> onRawPage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(onRawPage);
        var products = _world.Products(store.Id);
        await onRawPage(Page("products", products), cancellationToken).ConfigureAwait(false);
        return new ProductListing(products, []);
    }

    private static RawPage Page<T>(string stream, IReadOnlyList<T> records) =>
        new(stream, 0, JsonSerializer.SerializeToUtf8Bytes(new { data = records }, RecordJson.Options));
}
