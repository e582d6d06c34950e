using System.Globalization;
using System.Text.Json;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Fx;
using KpiFunctions.Sources;

namespace KpiFunctions.TikTok;

/// <summary>
/// A store's ad spend for one store-local day from the Business API: GMV Max (one report per store, from the ad
/// account TikTok names as the store's exclusive GMV Max advertiser) and classic campaigns (from the ad accounts that
/// serve the store alone, or those <see cref="TikTokBusinessOptions.StoreAdvertisers"/> names for it). An advertiser
/// whose days are the store's reads by day; one in another time zone reads by hour and each hour goes to the store day
/// it falls in. Figures in the advertiser's currency are converted into the store's with the day's rate. Anything that
/// cannot be placed, read or converted leaves the day unknown with the reason, never short.
/// </summary>
/// <remarks>
/// The advertisers' time zones, currencies and store lists are read once per reader (a run): an advertiser that
/// cannot be read leaves the days of the stores it might serve unknown for that run.
/// </remarks>
public sealed class TikTokAdsReader
{
    private readonly TikTokBusinessApi _api;
    private readonly IFxRateSource? _fx;
    private readonly Lazy<Task<AdvertiserMap>> _map;

    /// <summary>Creates the reader; <paramref name="fx"/> converts advertisers' currencies (the run's own rate source).</summary>
    public TikTokAdsReader(TikTokBusinessApi api, IFxRateSource? fx)
    {
        ArgumentNullException.ThrowIfNull(api);
        _api = api;
        _fx = fx;
        _map = new Lazy<Task<AdvertiserMap>>(() => ReadMapAsync(CancellationToken.None));
    }

    /// <summary>Requests sent to the Business API so far.</summary>
    public long RequestsSent => _api.RequestsSent;

    /// <summary>
    /// The store's campaigns on <paramref name="date"/> (store-local), in store currency; or why the day's ad figures
    /// are unknown. <paramref name="shopId"/> is TikTok's id of the store's shop. Raw pages go to <paramref name="keep"/>
    /// by stream (<c>ads_gmv_max</c>, <c>ads_classic</c>).
    /// </summary>
    public async Task<AdsReading> ReadDayAsync(Store store, string shopId, DateOnly date, Func<string, Func<JsonElement, int, Task>> keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(shopId);
        ArgumentNullException.ThrowIfNull(keep);
        var map = await _map.Value.ConfigureAwait(false);
        var day = StoreCalendar.Format(date);
        var unknown = new List<string>();
        var rejected = new List<RejectedRecord>();
        var ads = new List<AdsDaily>();

        // GMV Max: the exclusive advertiser named in any configured advertiser's store list.
        var gmvMax = map.Stores.Where(s => s.Store.StoreId == shopId && s.Store.ExclusiveAdvertiserId is not null)
            .Select(s => s.Store.ExclusiveAdvertiserId!).Distinct(StringComparer.Ordinal).ToList();
        foreach (var advertiser in gmvMax)
        {
            if (!map.Info.ContainsKey(advertiser))
            {
                unknown.Add(map.Failed.TryGetValue(advertiser, out var failure)
                    ? failure
                    : $"GMV Max for store {store.Id} runs from ad account {advertiser}, which KPI_TIKTOK_ADS_ADVERTISERS does not list; add it and save its tokens");
            }
        }

        // Classic: the store's named advertisers, else those whose store list is this store alone.
        var named = _api.Options.StoreAdvertisers.TryGetValue(store.Id, out var listed) ? listed : null;
        var namedElsewhere = _api.Options.StoreAdvertisers.Where(p => p.Key != store.Id).SelectMany(p => p.Value).ToHashSet(StringComparer.Ordinal);
        var classic = new List<string>();
        var shared = new List<(string Advertiser, IReadOnlyList<string> Shops)>();
        if (named is not null)
        {
            classic.AddRange(named);
        }
        else
        {
            foreach (var (advertiser, shops) in map.ShopsOf)
            {
                if (!shops.Contains(shopId) || namedElsewhere.Contains(advertiser))
                {
                    continue;
                }

                if (shops.Count == 1)
                {
                    classic.Add(advertiser);
                }
                else
                {
                    shared.Add((advertiser, shops));
                }
            }
        }

        foreach (var advertiser in classic.Where(a => !map.Info.ContainsKey(a)))
        {
            unknown.Add(map.Failed.TryGetValue(advertiser, out var failure) ? failure : $"ad account {advertiser} could not be read");
        }

        // Store-level failures of advertisers that might serve the store (their store list is unknown).
        foreach (var (advertiser, failure) in map.Failed)
        {
            if (!gmvMax.Contains(advertiser) && !classic.Contains(advertiser) && named is null)
            {
                unknown.Add(failure);
            }
        }

        var zone = StoreCalendar.ResolveZone(store.TimeZone);
        var bounds = StoreCalendar.DayBounds(date, zone);
        try
        {
            foreach (var advertiser in gmvMax.Where(map.Info.ContainsKey))
            {
                var info = map.Info[advertiser];
                await ReadAsync(info, store, date, bounds, "GMV Max", (from, to, hourly) =>
                    _api.GetGmvMaxReportAsync(advertiser, shopId, from, to, hourly, keep("ads_gmv_max"), cancellationToken), "cost", "gross_revenue", ads, unknown, rejected, cancellationToken).ConfigureAwait(false);
            }

            foreach (var advertiser in classic.Where(map.Info.ContainsKey).Distinct(StringComparer.Ordinal))
            {
                var info = map.Info[advertiser];
                await ReadAsync(info, store, date, bounds, "classic", (from, to, hourly) =>
                    _api.GetClassicReportAsync(advertiser, from, to, hourly, keep("ads_classic"), cancellationToken), "spend", "total_onsite_shopping_value", ads, unknown, rejected, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (advertiser, shops) in shared.Where(s => map.Info.ContainsKey(s.Advertiser)))
            {
                // Its classic campaigns could be any of its stores': a day with spend cannot be split between them.
                var spent = new List<AdsDaily>();
                await ReadAsync(map.Info[advertiser], store, date, bounds, "classic", (from, to, hourly) =>
                    _api.GetClassicReportAsync(advertiser, from, to, hourly, keep("ads_classic"), cancellationToken), "spend", "total_onsite_shopping_value", spent, unknown, rejected, cancellationToken).ConfigureAwait(false);
                if (spent.Any(a => a.Spend != 0 || a.AttributedGmv != 0))
                {
                    unknown.Add($"ad account {advertiser} runs classic campaigns and serves {shops.Count} stores ({string.Join(", ", shops)}); its campaign report cannot say which store each campaign served, so name it for one store in KPI_TIKTOK_ADS_STORE_ADVERTISERS");
                }
            }
        }
        catch (TikTokApiException ex)
        {
            unknown.Add(ex.Message);
        }

        if (rejected.Count > 0)
        {
            unknown.Add($"{rejected.Count} report row{(rejected.Count > 1 ? "s" : "")} could not be read (quarantined), so the day's spend would be short");
        }

        return new AdsReading(ads, unknown.Count == 0 ? null : $"TikTok's ad figures for {store.Id} on {day} are unknown: {string.Join("; ", unknown.Distinct(StringComparer.Ordinal))}", rejected);
    }

    private async Task ReadAsync(AdvertiserInfo info, Store store, DateOnly date, (DateTimeOffset StartUtc, DateTimeOffset EndUtc) bounds, string kind,
        Func<DateOnly, DateOnly, bool, Task<IReadOnlyList<JsonElement>>> report, string spendField, string gmvField,
        List<AdsDaily> ads, List<string> unknown, List<RejectedRecord> rejected, CancellationToken cancellationToken)
    {
        TimeZoneInfo zone;
        try
        {
            zone = StoreCalendar.ResolveZone(info.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            unknown.Add($"ad account {info.AdvertiserId} reports in time zone '{info.TimeZone}', which this machine does not know");
            return;
        }

        var localStart = TimeZoneInfo.ConvertTime(bounds.StartUtc, zone);
        var localEnd = TimeZoneInfo.ConvertTime(bounds.EndUtc, zone);
        var firstDay = DateOnly.FromDateTime(localStart.DateTime);
        var sameDays = localStart.TimeOfDay == TimeSpan.Zero && localEnd.TimeOfDay == TimeSpan.Zero && DateOnly.FromDateTime(localEnd.DateTime) == firstDay.AddDays(1);
        var sums = new Dictionary<string, Sum>(StringComparer.Ordinal);
        var unplaced = new List<string>();
        if (sameDays)
        {
            foreach (var row in await report(firstDay, firstDay, false).ConfigureAwait(false))
            {
                if (Read(row, info, "stat_time_day", spendField, gmvField, rejected) is { } r && r.Time.StartsWith(StoreCalendar.Format(firstDay), StringComparison.Ordinal))
                {
                    Add(sums, r);
                }
            }
        }
        else
        {
            // Hourly figures come one advertiser-local day a request (TikTok's limit for hourly reports).
            var lastDay = DateOnly.FromDateTime(localEnd.AddTicks(-1).DateTime);
            for (var d = firstDay; d <= lastDay; d = d.AddDays(1))
            {
                foreach (var row in await report(d, d, true).ConfigureAwait(false))
                {
                    if (Read(row, info, "stat_time_hour", spendField, gmvField, rejected) is not { } r)
                    {
                        continue;
                    }

                    switch (Place(r.Time, zone, bounds))
                    {
                        case Placement.Inside:
                            Add(sums, r);
                            break;
                        case Placement.Unplaceable when r.Spend != 0 || r.Gmv != 0:
                            unplaced.Add(r.Time);
                            break;
                    }
                }
            }
        }

        if (unplaced.Count > 0)
        {
            unknown.Add($"ad account {info.AdvertiserId} reports in time zone {info.TimeZone}; its hour{(unplaced.Count > 1 ? "s" : "")} starting {string.Join(", ", unplaced.Distinct(StringComparer.Ordinal))} cross{(unplaced.Count > 1 ? "" : "es")} the store's midnight ({store.TimeZone}) and cannot be placed in one day");
            return;
        }

        var rate = 1m;
        if (info.Currency != store.Currency)
        {
            if (await RateAsync(info.Currency, store.Currency, date, cancellationToken).ConfigureAwait(false) is not { } r)
            {
                unknown.Add($"ad account {info.AdvertiserId} reports in {info.Currency}, and no {info.Currency}-{store.Currency} rate for {StoreCalendar.Format(date)} was found to convert its {kind} spend");
                return;
            }

            rate = r;
        }

        foreach (var (campaign, sum) in sums)
        {
            // Converted once per campaign-day (not per hour), rounded to the cent: the rounding bound is half a cent a campaign.
            ads.Add(new AdsDaily(store.Id, campaign, date, decimal.Round(sum.Spend * rate, 2, MidpointRounding.ToEven), decimal.Round(sum.Gmv * rate, 2, MidpointRounding.ToEven), store.Currency, sum.Impressions, sum.Clicks));
        }
    }

    private async Task<decimal?> RateAsync(string from, string to, DateOnly date, CancellationToken cancellationToken)
    {
        if (_fx is null)
        {
            return null;
        }

        // The run's rates: units of the store's currency per unit of the advertiser's, carried over a weekend as the pipeline does.
        try
        {
            var rates = await _fx.GetRatesAsync(to, [from], date.AddDays(-7), date, cancellationToken).ConfigureAwait(false);
            return new FxRateBook(to, rates).Lookup(from, date).Rate;
        }
        catch (NotSupportedException)
        {
            return null; // the rate source has no rates into the store's currency: the day says no rate was found
        }
    }

    private enum Placement
    {
        Inside,
        Outside,
        Unplaceable,
    }

    /// <summary>Where an advertiser-local hour falls against the store's day (an hour that does not exist or exists twice cannot be placed).</summary>
    private static Placement Place(string hour, TimeZoneInfo zone, (DateTimeOffset StartUtc, DateTimeOffset EndUtc) bounds)
    {
        if (!DateTime.TryParseExact(hour, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            || zone.IsInvalidTime(local) || zone.IsAmbiguousTime(local) || zone.IsAmbiguousTime(local.AddHours(1).AddTicks(-1)))
        {
            return Placement.Unplaceable;
        }

        var start = new DateTimeOffset(local, zone.GetUtcOffset(local));
        var end = start.AddHours(1);
        return start >= bounds.StartUtc && end <= bounds.EndUtc ? Placement.Inside
            : end <= bounds.StartUtc || start >= bounds.EndUtc ? Placement.Outside
            : Placement.Unplaceable;
    }

    private static void Add(Dictionary<string, Sum> sums, Row r)
    {
        var sum = sums.TryGetValue(r.Campaign, out var s) ? s : new Sum();
        sum.Spend += r.Spend;
        sum.Gmv += r.Gmv;
        sum.Impressions += r.Impressions;
        sum.Clicks += r.Clicks;
        sums[r.Campaign] = sum;
    }

    /// <summary>One report row, or null (and a rejected record naming it) when it cannot be read.</summary>
    private static Row? Read(JsonElement row, AdvertiserInfo info, string timeField, string spendField, string gmvField, List<RejectedRecord> rejected)
    {
        string? Text(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

        row.TryGetProperty("dimensions", out var dims);
        row.TryGetProperty("metrics", out var metrics);
        var campaign = Text(dims, "campaign_id");
        var time = Text(dims, timeField);
        var key = $"{info.AdvertiserId}/{campaign ?? "?"}/{time ?? "?"}";
        string? problem = null;
        decimal spend = 0, gmv = 0;
        long impressions = 0, clicks = 0;
        if (campaign is null || time is null)
        {
            problem = $"the row has no campaign_id or {timeField}";
        }
        else if (!decimal.TryParse(Text(metrics, spendField) ?? "", NumberStyles.Number, CultureInfo.InvariantCulture, out spend))
        {
            problem = $"{spendField} '{Text(metrics, spendField)}' is not an amount";
        }
        else if (Text(metrics, gmvField) is { } g && !decimal.TryParse(g, NumberStyles.Number, CultureInfo.InvariantCulture, out gmv))
        {
            problem = $"{gmvField} '{g}' is not an amount";
        }
        else
        {
            _ = long.TryParse(Text(metrics, "impressions"), NumberStyles.None, CultureInfo.InvariantCulture, out impressions);
            _ = long.TryParse(Text(metrics, "clicks"), NumberStyles.None, CultureInfo.InvariantCulture, out clicks);
        }

        if (problem is not null)
        {
            rejected.Add(new RejectedRecord("ads_daily", key, $"Ad account {info.AdvertiserId}: a report row cannot be read: {problem}.", row.GetRawText()));
            return null;
        }

        return new Row(campaign!, time!, spend, gmv, impressions, clicks);
    }

    private async Task<AdvertiserMap> ReadMapAsync(CancellationToken cancellationToken)
    {
        var info = new Dictionary<string, AdvertiserInfo>(StringComparer.Ordinal);
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        var stores = new List<(string Advertiser, GmvMaxStore Store)>();
        var shopsOf = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var advertiser in _api.Options.AdvertiserIds.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var account = await _api.GetAdvertiserAsync(advertiser, cancellationToken: cancellationToken).ConfigureAwait(false);
                var list = await _api.GetGmvMaxStoresAsync(advertiser, cancellationToken: cancellationToken).ConfigureAwait(false);
                info[advertiser] = account;
                stores.AddRange(list.Select(s => (advertiser, s)));
                shopsOf[advertiser] = [.. list.Select(s => s.StoreId).Distinct(StringComparer.Ordinal)];
            }
            catch (Exception ex) when (ex is TikTokApiException or InvalidDataException)
            {
                failed[advertiser] = ex.Message;
            }
        }

        return new AdvertiserMap(info, failed, stores, shopsOf);
    }

    private sealed record AdvertiserMap(
        IReadOnlyDictionary<string, AdvertiserInfo> Info,
        IReadOnlyDictionary<string, string> Failed,
        IReadOnlyList<(string Advertiser, GmvMaxStore Store)> Stores,
        IReadOnlyDictionary<string, IReadOnlyList<string>> ShopsOf);

    private sealed record Row(string Campaign, string Time, decimal Spend, decimal Gmv, long Impressions, long Clicks);

    private sealed class Sum
    {
        public decimal Spend { get; set; }

        public decimal Gmv { get; set; }

        public long Impressions { get; set; }

        public long Clicks { get; set; }
    }
}

/// <summary>A store-day's ad figures, or why they are unknown.</summary>
/// <param name="Ads">The campaigns' figures, in store currency (empty: no spend).</param>
/// <param name="Unknown">Why the day's ad figures are unknown, or null.</param>
/// <param name="Rejected">Report rows that could not be read.</param>
public sealed record AdsReading(IReadOnlyList<AdsDaily> Ads, string? Unknown, IReadOnlyList<RejectedRecord> Rejected);
