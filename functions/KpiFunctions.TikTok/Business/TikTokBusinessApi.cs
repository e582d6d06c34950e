using System.Globalization;
using System.Text.Json;

namespace KpiFunctions.TikTok;

/// <summary>
/// The Business API v1.3 endpoints the ad reading uses (docs/tiktok-shop-api-notes.md, "TikTok Business API"): the
/// advertiser's time zone and currency, the TikTok Shops it can see for GMV Max, and the GMV Max and classic campaign
/// reports, every page of them.
/// </summary>
public sealed class TikTokBusinessApi
{
    /// <summary>GMV Max report metrics read: cost, gross revenue, orders and TikTok's own ROI.</summary>
    internal static readonly string[] GmvMaxMetrics = ["cost", "gross_revenue", "orders", "roi"];

    /// <summary>Classic report metrics read: spend, impressions, clicks and the onsite shopping value TikTok attributes.</summary>
    internal static readonly string[] ClassicMetrics = ["spend", "impressions", "clicks", "total_onsite_shopping_value"];

    private readonly TikTokBusinessClient _client;

    /// <summary>Creates the API over a client.</summary>
    public TikTokBusinessApi(TikTokBusinessClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>The client's settings.</summary>
    public TikTokBusinessOptions Options => _client.Options;

    /// <summary>Requests sent so far.</summary>
    public long RequestsSent => _client.RequestsSent;

    /// <summary>GET advertiser/info/: the ad account's name, currency and time zone.</summary>
    public async Task<AdvertiserInfo> GetAdvertiserAsync(string advertiserId, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default)
    {
        var data = await _client.GetAsync(advertiserId, "advertiser/info/",
            [new("advertiser_ids", Json([advertiserId])), new("fields", Json(["advertiser_id", "name", "currency", "timezone", "display_timezone"]))], cancellationToken).ConfigureAwait(false);
        if (onPage is not null)
        {
            await onPage(data, 0).ConfigureAwait(false);
        }

        var info = data.TryGetProperty("list", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().FirstOrDefault(a => Text(a, "advertiser_id") == advertiserId)
            : default;
        if (info.ValueKind != JsonValueKind.Object)
        {
            throw new TikTokApiException($"Advertiser {advertiserId}: advertiser/info/ did not list it; check that the authorisation saved for it covers this ad account.");
        }

        var currency = Text(info, "currency");
        var zone = Text(info, "timezone") ?? Text(info, "display_timezone");
        if (currency is not { Length: 3 } || zone is null)
        {
            throw new InvalidDataException($"Advertiser {advertiserId}: advertiser/info/ gave no usable currency ('{currency}') or time zone ('{zone}').");
        }

        return new AdvertiserInfo(advertiserId, Text(info, "name") ?? "", currency.ToUpperInvariant(), zone);
    }

    /// <summary>GET gmv_max/store/list/: the TikTok Shops the advertiser can see, with the one ad account authorised for each one's GMV Max.</summary>
    public async Task<IReadOnlyList<GmvMaxStore>> GetGmvMaxStoresAsync(string advertiserId, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default)
    {
        var data = await _client.GetAsync(advertiserId, "gmv_max/store/list/", [new("advertiser_id", advertiserId)], cancellationToken).ConfigureAwait(false);
        if (onPage is not null)
        {
            await onPage(data, 0).ConfigureAwait(false);
        }

        if (!data.TryGetProperty("store_list", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var stores = new List<GmvMaxStore>();
        foreach (var s in list.EnumerateArray())
        {
            if (Text(s, "store_id") is not { } id)
            {
                continue;
            }

            var exclusive = s.TryGetProperty("exclusive_authorized_advertiser_info", out var e) && e.ValueKind == JsonValueKind.Object ? Text(e, "advertiser_id") : null;
            stores.Add(new GmvMaxStore(id, Text(s, "store_code") ?? "", Text(s, "store_name") ?? "",
                s.TryGetProperty("is_gmv_max_available", out var available) && available.ValueKind == JsonValueKind.True, exclusive));
        }

        return stores;
    }

    /// <summary>
    /// GET gmv_max/report/get/ for one TikTok Shop (one store id a request) over advertiser-local days
    /// <paramref name="from"/> to <paramref name="to"/> (both included), by campaign and day or hour: every row.
    /// </summary>
    public Task<IReadOnlyList<JsonElement>> GetGmvMaxReportAsync(string advertiserId, string shopId, DateOnly from, DateOnly to, bool hourly, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        GetReportAsync(advertiserId, "gmv_max/report/get/",
        [
            new("advertiser_id", advertiserId),
            new("store_ids", Json([shopId])),
            new("dimensions", Json(["campaign_id", hourly ? "stat_time_hour" : "stat_time_day"])),
            new("metrics", Json(GmvMaxMetrics)),
            new("start_date", Day(from)),
            new("end_date", Day(to)),
        ], onPage, cancellationToken);

    /// <summary>
    /// GET report/integrated/get/ (BASIC report, auction campaigns) over advertiser-local days <paramref name="from"/> to
    /// <paramref name="to"/>, by campaign and day or hour: every row. GMV Max campaigns are not in it.
    /// </summary>
    public Task<IReadOnlyList<JsonElement>> GetClassicReportAsync(string advertiserId, DateOnly from, DateOnly to, bool hourly, Func<JsonElement, int, Task>? onPage = null, CancellationToken cancellationToken = default) =>
        GetReportAsync(advertiserId, "report/integrated/get/",
        [
            new("advertiser_id", advertiserId),
            new("report_type", "BASIC"),
            new("service_type", "AUCTION"),
            new("data_level", "AUCTION_CAMPAIGN"),
            new("dimensions", Json(["campaign_id", hourly ? "stat_time_hour" : "stat_time_day"])),
            new("metrics", Json(ClassicMetrics)),
            new("start_date", Day(from)),
            new("end_date", Day(to)),
        ], onPage, cancellationToken);

    /// <summary>Page-numbered reports: pages 1.. until <c>page_info.total_page</c>, each kept before it is used.</summary>
    private async Task<IReadOnlyList<JsonElement>> GetReportAsync(string advertiserId, string path, List<KeyValuePair<string, string>> query, Func<JsonElement, int, Task>? onPage, CancellationToken cancellationToken)
    {
        var rows = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var data = await _client.GetAsync(advertiserId, path,
                [.. query, new("page", page.ToString(CultureInfo.InvariantCulture)), new("page_size", _client.Options.PageSize.ToString(CultureInfo.InvariantCulture))], cancellationToken).ConfigureAwait(false);
            if (onPage is not null)
            {
                await onPage(data, page - 1).ConfigureAwait(false);
            }

            if (data.TryGetProperty("list", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                rows.AddRange(list.EnumerateArray());
            }

            var totalPages = data.TryGetProperty("page_info", out var info) && info.TryGetProperty("total_page", out var t) && t.TryGetInt32(out var n) ? n : 1;
            if (page >= totalPages)
            {
                return rows;
            }

            if (page >= 10_000)
            {
                throw new InvalidDataException($"Advertiser {advertiserId}: {path} kept giving pages ({page}); the paging does not end.");
            }
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static string Json(IEnumerable<string> values) => JsonSerializer.Serialize(values);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>An ad account as advertiser/info/ gives it.</summary>
/// <param name="AdvertiserId">Ad account id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Currency">ISO 4217 currency its reports are in.</param>
/// <param name="TimeZone">The time zone its report days and hours are in (an IANA or Etc/GMT id).</param>
public sealed record AdvertiserInfo(string AdvertiserId, string Name, string Currency, string TimeZone);

/// <summary>A TikTok Shop an advertiser can see, as gmv_max/store/list/ gives it.</summary>
/// <param name="StoreId">TikTok's store id (the Shop API's shop id).</param>
/// <param name="StoreCode">TikTok's store code.</param>
/// <param name="Name">Store name.</param>
/// <param name="GmvMaxAvailable">Whether GMV Max can run for it from this advertiser.</param>
/// <param name="ExclusiveAdvertiserId">The one ad account authorised to run GMV Max for it, or null.</param>
public sealed record GmvMaxStore(string StoreId, string StoreCode, string Name, bool GmvMaxAvailable, string? ExclusiveAdvertiserId);
