using System.Security.Cryptography;
using System.Text;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.TikTok.Fake;

/// <summary>
/// An ad account of the fake's Business API: its currency and time zone, the stores whose GMV Max it runs (it is their
/// exclusive GMV Max advertiser) and those whose classic campaigns it runs. A world campaign with an even number
/// (<c>store-cmp0</c>, <c>cmp2</c>, ...) is GMV Max, an odd one classic.
/// </summary>
/// <param name="Id">Ad account id (digits).</param>
/// <param name="Name">Its name.</param>
/// <param name="Currency">The currency its reports are in.</param>
/// <param name="TimeZone">The time zone of its report days and hours.</param>
/// <param name="GmvMaxStores">Our store ids whose GMV Max it runs.</param>
/// <param name="ClassicStores">Our store ids whose classic campaigns it runs.</param>
public sealed record FakeAdvertiser(string Id, string Name, string Currency, string TimeZone, IReadOnlyList<string> GmvMaxStores, IReadOnlyList<string> ClassicStores)
{
    /// <summary>Whether the world's campaign is GMV Max (else classic).</summary>
    public static bool IsGmvMax(string campaignId)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        var at = campaignId.LastIndexOf("-cmp", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(campaignId.AsSpan(at + 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n % 2 == 0;
    }

    /// <summary>The Business API's campaign id of a world campaign.</summary>
    public static string CampaignIdFor(string worldCampaignId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("campaign:" + worldCampaignId));
        return "18" + string.Concat(hash.Take(16).Select(b => (char)('0' + (b % 10))));
    }

    /// <summary>A digits-only advertiser id made from a name.</summary>
    public static string IdFor(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("advertiser:" + name));
        return "7" + string.Concat(hash.Take(18).Select(b => (char)('0' + (b % 10))));
    }

    /// <summary>
    /// The default plan: stores of one currency go in pairs whose GMV Max runs from one ad account in the first store's
    /// zone (an advertiser serving two stores; the second store reads hours when its zone differs), each with its own
    /// classic ad account in its own zone (a store served by two advertisers); a store left alone has one ad account for both.
    /// </summary>
    public static IReadOnlyList<FakeAdvertiser> DefaultPlan(IReadOnlyList<Store> stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var plan = new List<FakeAdvertiser>();
        foreach (var group in stores.GroupBy(s => s.Currency, StringComparer.Ordinal))
        {
            var members = group.ToList();
            for (var i = 0; i < members.Count; i += 2)
            {
                if (i + 1 == members.Count)
                {
                    var alone = members[i];
                    plan.Add(new FakeAdvertiser(IdFor("ads " + alone.Id), "Ads " + alone.Name, alone.Currency, alone.TimeZone, [alone.Id], [alone.Id]));
                    continue;
                }

                var (first, second) = (members[i], members[i + 1]);
                plan.Add(new FakeAdvertiser(IdFor("gmv max " + first.Id + "+" + second.Id), "GMV Max " + first.Name + " + " + second.Name, first.Currency, first.TimeZone, [first.Id, second.Id], []));
                plan.Add(new FakeAdvertiser(IdFor("classic " + first.Id), "Classic " + first.Name, first.Currency, first.TimeZone, [], [first.Id]));
                plan.Add(new FakeAdvertiser(IdFor("classic " + second.Id), "Classic " + second.Name, second.Currency, second.TimeZone, [], [second.Id]));
            }
        }

        return plan;
    }
}
