using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Fx;
using Microsoft.AspNetCore.Http;

namespace KpiFunctions.TikTok.Fake;

/// <summary>
/// The Business (Marketing) API v1.3 under <c>/open_api/v1.3/</c> on the same host: advertiser info, the GMV Max store
/// list, the GMV Max report (one store a request) and the classic integrated report by campaign and day or hour, and
/// the token refresh, with the <c>Access-Token</c> header per advertiser. Figures are the world's campaigns: each
/// campaign-day is split into the store's hours (fixed weights, to the cent, the last hour taking the remainder), each
/// hour goes to the advertiser-local hour its start falls in, and amounts are converted into the advertiser's currency
/// hour by hour (to the cent) with the world's rate of the store's day.
/// </summary>
public sealed partial class FakeTikTokServer
{
    private const string BusinessPrefix = "/open_api/v1.3/";
    private readonly ConcurrentDictionary<string, AdvertiserState> _advertisers = new(StringComparer.Ordinal);

    /// <summary>The Business API root the fake serves (for KPI_TIKTOK_ADS_API_URL).</summary>
    public Uri BusinessBaseUri => new(BaseUri, BusinessPrefix);

    /// <summary>The fake's ad accounts.</summary>
    public IReadOnlyList<FakeAdvertiser> Advertisers => [.. AdvertiserStates().Select(a => a.Plan)];

    /// <summary>Issues a fresh Business API authorisation for an ad account: access for a day, refresh for a year.</summary>
    public TikTokToken AuthorizeAdvertiser(string advertiserId)
    {
        var state = Advertiser(advertiserId);
        lock (state)
        {
            if (state.AccessToken is not null)
            {
                state.ExpiredTokens.Add(state.AccessToken);
            }

            state.PreviousRefreshToken = state.RefreshToken;
            state.AccessToken = "TTA_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            state.RefreshToken = "TTAR_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            state.Revoked = false;
            state.Uses = 0;
            var now = _setup.Time.GetUtcNow();
            state.Current = new TikTokToken(state.AccessToken, now.AddDays(1), state.RefreshToken, now.AddDays(365));
            return state.Current;
        }
    }

    /// <summary>The advertiser withdrew the app's authorisation: its tokens are refused from now on.</summary>
    public void RevokeAdvertiser(string advertiserId)
    {
        var state = Advertiser(advertiserId);
        lock (state)
        {
            state.Revoked = true;
        }
    }

    private IEnumerable<AdvertiserState> AdvertiserStates()
    {
        if (_advertisers.IsEmpty)
        {
            foreach (var plan in _setup.Advertisers ?? FakeAdvertiser.DefaultPlan(_world.Stores))
            {
                _advertisers.TryAdd(plan.Id, new AdvertiserState(plan));
            }
        }

        return _advertisers.Values.OrderBy(a => a.Plan.Id, StringComparer.Ordinal);
    }

    private AdvertiserState Advertiser(string advertiserId) =>
        AdvertiserStates().FirstOrDefault(a => a.Plan.Id == advertiserId) ?? throw new ArgumentException($"The fake has no advertiser '{advertiserId}'.", nameof(advertiserId));

    private Answer Business(HttpContext context, string path, Dictionary<string, string> query, byte[] body, long n, FakeFaults faults)
    {
        var endpoint = path[BusinessPrefix.Length..];
        if (faults.AdsRestrictedEvery > 0 && n % faults.AdsRestrictedEvery == 0)
        {
            Interlocked.Increment(ref Stats.FaultsField);
            return Error(429, 40100, "App temporarily restricted due to too many requests. Please try again later.");
        }

        if (faults.AdsRateLimitedEvery > 0 && n % faults.AdsRateLimitedEvery == 0)
        {
            Interlocked.Increment(ref Stats.FaultsField);
            return Error(200, 40100, "Too many requests. Please retry in some time.");
        }

        if (faults.IsDown(path))
        {
            Interlocked.Increment(ref Stats.FaultsField);
            return Error(500, 50000, "System error.");
        }

        if (endpoint == "oauth2/refresh_token/")
        {
            return context.Request.Method == "POST" ? BusinessRefresh(body) : Error(405, 40002, "Invalid method.");
        }

        if (context.Request.Method != "GET")
        {
            return Error(405, 40002, "Invalid method.");
        }

        var token = context.Request.Headers["Access-Token"].ToString();
        if (token.Length == 0)
        {
            return Error(200, 40104, "Access token is empty.");
        }

        var states = AdvertiserStates().ToList();
        var state = states.FirstOrDefault(a => a.AccessToken is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a.AccessToken), Encoding.UTF8.GetBytes(token)));
        var expired = state is null ? states.FirstOrDefault(a => { lock (a) { return a.ExpiredTokens.Contains(token); } }) : null;
        if ((state ?? expired) is null or { Revoked: true })
        {
            return Error(200, 40105, "Access token is invalid or has been revoked.");
        }

        if (state is null)
        {
            return Error(200, 40102, "Access token has expired.");
        }

        lock (state)
        {
            state.Uses++;
            if (faults.AdsExpireTokenAfter > 0 && state.Uses > faults.AdsExpireTokenAfter)
            {
                state.ExpiredTokens.Add(state.AccessToken!);
                state.AccessToken = null;
                return Error(200, 40102, "Access token has expired.");
            }
        }

        var asked = endpoint == "advertiser/info/"
            ? JsonList(query.GetValueOrDefault("advertiser_ids"))?.SingleOrDefault()
            : query.GetValueOrDefault("advertiser_id");
        if (asked != state.Plan.Id)
        {
            return Error(200, 40001, "No permission to operate this advertiser.");
        }

        return endpoint switch
        {
            "advertiser/info/" => Ok(new JsonObject
            {
                ["list"] = new JsonArray(new JsonObject
                {
                    ["advertiser_id"] = state.Plan.Id,
                    ["name"] = state.Plan.Name,
                    ["currency"] = state.Plan.Currency,
                    ["timezone"] = state.Plan.TimeZone,
                    ["display_timezone"] = state.Plan.TimeZone,
                }),
            }),
            "gmv_max/store/list/" => Ok(new JsonObject { ["store_list"] = new JsonArray([.. StoreList(state.Plan, states)]) }),
            "gmv_max/report/get/" => Report(state.Plan, query, gmvMax: true),
            "report/integrated/get/" => Report(state.Plan, query, gmvMax: false),
            _ => Error(404, 40002, "Invalid path."),
        };
    }

    private IEnumerable<JsonNode> StoreList(FakeAdvertiser plan, List<AdvertiserState> states)
    {
        foreach (var storeId in plan.GmvMaxStores.Concat(plan.ClassicStores).Distinct(StringComparer.Ordinal))
        {
            var shop = Shop(storeId);
            var holder = states.FirstOrDefault(a => a.Plan.GmvMaxStores.Contains(storeId, StringComparer.Ordinal))?.Plan;
            var entry = new JsonObject
            {
                ["store_id"] = shop.ShopId,
                ["store_code"] = shop.Store.Country + Digits("code:" + storeId, 8),
                ["store_name"] = shop.Store.Name,
                ["store_status"] = "ACTIVE",
                ["store_role"] = "AD_PROMOTION",
                ["is_gmv_max_available"] = holder?.Id == plan.Id,
            };
            if (holder is not null)
            {
                entry["exclusive_authorized_advertiser_info"] = new JsonObject { ["advertiser_id"] = holder.Id, ["advertiser_name"] = holder.Name, ["advertiser_status"] = "STATUS_ENABLE" };
            }

            yield return entry;
        }
    }

    private Answer Report(FakeAdvertiser plan, Dictionary<string, string> query, bool gmvMax)
    {
        var dimensions = JsonList(query.GetValueOrDefault("dimensions"));
        var metrics = JsonList(query.GetValueOrDefault("metrics"));
        if (dimensions is null || dimensions.Count != 2 || dimensions[0] != "campaign_id" || dimensions[1] is not ("stat_time_day" or "stat_time_hour") || metrics is null || metrics.Count == 0)
        {
            return Error(200, 40002, "dimensions must be [\"campaign_id\", \"stat_time_day\" or \"stat_time_hour\"] here, with metrics.");
        }

        if (!DateOnly.TryParseExact(query.GetValueOrDefault("start_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !DateOnly.TryParseExact(query.GetValueOrDefault("end_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to) || to < from)
        {
            return Error(200, 40002, "start_date and end_date must be dates (yyyy-MM-dd), the end not before the start.");
        }

        var hourly = dimensions[1] == "stat_time_hour";
        if (hourly && to != from)
        {
            return Error(200, 40002, "An hourly report covers one day at most.");
        }

        if (!int.TryParse(query.GetValueOrDefault("page", "1"), NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page < 1
            || !int.TryParse(query.GetValueOrDefault("page_size", "10"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > 1000)
        {
            return Error(200, 40002, "page must be 1 or more and page_size 1-1000.");
        }

        IReadOnlyList<string> stores;
        if (gmvMax)
        {
            var ids = JsonList(query.GetValueOrDefault("store_ids"));
            if (ids is not { Count: 1 })
            {
                return Error(200, 40002, "store_ids must name exactly one store.");
            }

            var shop = _shops.Values.FirstOrDefault(s => s.ShopId == ids[0]);
            if (shop is null)
            {
                return Error(200, 40002, "The store is not available to this advertiser.");
            }

            stores = plan.GmvMaxStores.Contains(shop.Store.Id, StringComparer.Ordinal) ? [shop.Store.Id] : [];
        }
        else
        {
            stores = plan.ClassicStores;
        }

        var zone = StoreCalendar.ResolveZone(plan.TimeZone);
        var buckets = new SortedDictionary<(string Campaign, string Time), (decimal Spend, decimal Gmv, long Impressions, long Clicks, bool Unreadable)>();
        foreach (var storeId in stores)
        {
            var shop = Shop(storeId);
            var storeZone = StoreCalendar.ResolveZone(shop.Store.TimeZone);
            var latest = Yesterday(shop);
            for (var date = from.AddDays(-1); date <= to.AddDays(1) && date <= latest; date = date.AddDays(1))
            {
                var rate = plan.Currency == shop.Store.Currency ? 1m
                    : new FxRateBook(plan.Currency, _world.FxRates(plan.Currency, date.AddDays(-7), date)).Lookup(shop.Store.Currency, date).Rate
                        ?? throw new InvalidOperationException($"The world has no {shop.Store.Currency}-{plan.Currency} rate for {date}.");
                var unreadable = Faults.UnreadableAdCost.Contains((storeId, date));
                foreach (var ad in _world.Day(storeId, date).Ads.Where(a => FakeAdvertiser.IsGmvMax(a.CampaignId) == gmvMax))
                {
                    foreach (var hour in Hours(ad, storeZone))
                    {
                        var local = TimeZoneInfo.ConvertTime(hour.StartUtc, zone).DateTime;
                        var localHour = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified);
                        var localDay = DateOnly.FromDateTime(localHour);
                        if (localDay < from || localDay > to)
                        {
                            continue;
                        }

                        var key = (FakeAdvertiser.CampaignIdFor(ad.CampaignId), hourly
                            ? localHour.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                            : localDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00");
                        var sum = buckets.GetValueOrDefault(key);
                        buckets[key] = (sum.Spend + decimal.Round(hour.Spend * rate, 2), sum.Gmv + decimal.Round(hour.Gmv * rate, 2),
                            sum.Impressions + hour.Impressions, sum.Clicks + hour.Clicks, sum.Unreadable || unreadable);
                    }
                }
            }
        }

        var rows = buckets.ToList();
        var list = new JsonArray();
        foreach (var ((campaign, time), sum) in rows.Skip((page - 1) * size).Take(size))
        {
            var figures = new JsonObject();
            foreach (var metric in metrics)
            {
                figures[metric] = metric switch
                {
                    "cost" or "spend" => sum.Unreadable ? "n/a" : FakeTikTokJson.MoneyText(sum.Spend),
                    "gross_revenue" or "total_onsite_shopping_value" => FakeTikTokJson.MoneyText(sum.Gmv),
                    "impressions" => sum.Impressions.ToString(CultureInfo.InvariantCulture),
                    "clicks" => sum.Clicks.ToString(CultureInfo.InvariantCulture),

                    // Not in the world: a rough count (an average order of 25), and TikTok's own ratio.
                    "orders" => ((long)Math.Round(sum.Gmv / 25m)).ToString(CultureInfo.InvariantCulture),
                    "roi" => sum.Spend == 0 ? "0" : decimal.Round(sum.Gmv / sum.Spend, 2).ToString(CultureInfo.InvariantCulture),
                    _ => "0",
                };
            }

            list.Add(new JsonObject
            {
                ["dimensions"] = new JsonObject { ["campaign_id"] = campaign, [dimensions[1]] = time },
                ["metrics"] = figures,
            });
        }

        Interlocked.Increment(ref Stats.PagesField);
        return Ok(new JsonObject
        {
            ["list"] = list,
            ["page_info"] = new JsonObject { ["page"] = page, ["page_size"] = size, ["total_number"] = rows.Count, ["total_page"] = (rows.Count + size - 1) / size },
        });
    }

    /// <summary>A campaign-day split into the store's hours by fixed weights; the last hour takes what rounding left.</summary>
    private static IEnumerable<(DateTimeOffset StartUtc, decimal Spend, decimal Gmv, long Impressions, long Clicks)> Hours(AdsDaily ad, TimeZoneInfo storeZone)
    {
        var (start, end) = StoreCalendar.DayBounds(ad.Date, storeZone);
        var count = (int)Math.Round((end - start).TotalHours);
        var weights = Enumerable.Range(0, count).Select(h => 1 + ((h * 7) % 5)).ToArray();
        var total = weights.Sum();
        decimal spent = 0, sold = 0;
        long seen = 0, clicked = 0;
        for (var h = 0; h < count; h++)
        {
            var last = h == count - 1;
            var spend = last ? ad.Spend - spent : decimal.Round(ad.Spend * weights[h] / total, 2);
            var gmv = last ? ad.AttributedGmv - sold : decimal.Round(ad.AttributedGmv * weights[h] / total, 2);
            var impressions = last ? ad.Impressions - seen : ad.Impressions * weights[h] / total;
            var clicks = last ? ad.Clicks - clicked : ad.Clicks * weights[h] / total;
            spent += spend;
            sold += gmv;
            seen += impressions;
            clicked += clicks;
            yield return (start.AddHours(h), spend, gmv, impressions, clicks);
        }
    }

    private Answer BusinessRefresh(byte[] body)
    {
        Dictionary<string, string>? request;
        try
        {
            request = JsonSerializer.Deserialize<Dictionary<string, string>>(body);
        }
        catch (JsonException)
        {
            return Error(200, 40002, "The request body is not JSON.");
        }

        if (request is null || request.GetValueOrDefault("app_id") != _setup.AdsAppId || request.GetValueOrDefault("secret") != _setup.AdsAppSecret)
        {
            return Error(200, 40101, "The app id or secret is invalid.");
        }

        var given = request.GetValueOrDefault("refresh_token");
        var states = AdvertiserStates().ToList();
        var state = states.FirstOrDefault(a => a.RefreshToken is not null && a.RefreshToken == given);
        var repeated = state is null ? states.FirstOrDefault(a => a.PreviousRefreshToken is not null && a.PreviousRefreshToken == given) : null;
        if ((state ?? repeated) is null or { Revoked: true })
        {
            return Error(200, 40105, "The refresh token is invalid or has been revoked.");
        }

        var token = repeated is not null ? repeated.Current! : AuthorizeAdvertiser(state!.Plan.Id);
        Interlocked.Increment(ref Stats.RefreshesField);
        var now = _setup.Time.GetUtcNow();
        return Ok(new JsonObject
        {
            ["access_token"] = token.AccessToken,
            ["access_token_expire_in"] = (long)(token.AccessExpiresUtc - now).TotalSeconds,
            ["refresh_token"] = token.RefreshToken,
            ["refresh_token_expire_in"] = (long)(token.RefreshExpiresUtc - now).TotalSeconds,
        });
    }

    private static List<string>? JsonList(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class AdvertiserState(FakeAdvertiser plan)
    {
        public FakeAdvertiser Plan { get; } = plan;

        public string? AccessToken { get; set; }

        public string? RefreshToken { get; set; }

        public string? PreviousRefreshToken { get; set; }

        public bool Revoked { get; set; }

        public int Uses { get; set; }

        public TikTokToken? Current { get; set; }

        public HashSet<string> ExpiredTokens { get; } = new(StringComparer.Ordinal);
    }
}
