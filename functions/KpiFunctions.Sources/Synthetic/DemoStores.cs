using System.Globalization;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Sources.Synthetic;

/// <summary>
/// The demo's stores: twelve in eleven countries, from a few dozen to a few thousand orders a day, in a mix of stages
/// (the smallest in cold start, mid-sized ones growing, the large established ones stable).
/// </summary>
public static class DemoStores
{
    private static readonly (string Id, string Name, string Country, string Currency, string Zone, int Tier, string Stage)[] Base =
    [
        ("uk-main", "UK Flagship", "GB", "GBP", "Europe/London", 3, "stable"),
        ("us-west", "US West", "US", "USD", "America/Los_Angeles", 5, "stable"),
        ("us-east", "US East", "US", "USD", "America/New_York", 4, "growth"),
        ("my-kl", "Malaysia", "MY", "MYR", "Asia/Kuala_Lumpur", 2, "growth"),
        ("th-bkk", "Thailand", "TH", "THB", "Asia/Bangkok", 3, "stable"),
        ("vn-hcm", "Vietnam", "VN", "VND", "Asia/Ho_Chi_Minh", 1, "cold_start"),
        ("id-jkt", "Indonesia", "ID", "IDR", "Asia/Jakarta", 4, "growth"),
        ("ph-mnl", "Philippines", "PH", "PHP", "Asia/Manila", 1, "cold_start"),
        ("sg-main", "Singapore", "SG", "SGD", "Asia/Singapore", 0, "cold_start"),
        ("mx-cdmx", "Mexico", "MX", "MXN", "America/Mexico_City", 2, "growth"),
        ("br-sp", "Brazil", "BR", "BRL", "America/Sao_Paulo", 2, "growth"),
        ("de-main", "Germany", "DE", "EUR", "Europe/Berlin", 0, "cold_start"),
    ];

    /// <summary>Most demo stores <see cref="Create"/> makes.</summary>
    public const int MaxCount = 120;

    /// <summary>How many stores the base list has.</summary>
    public static int BaseCount => Base.Length;

    /// <summary>The first <paramref name="count"/> demo stores; past twelve the list repeats with numbered ids.</summary>
    public static IReadOnlyList<Store> Create(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        var stores = new List<Store>(count);
        for (var i = 0; i < count; i++)
        {
            var b = Base[i % Base.Length];
            var round = i / Base.Length;
            var id = round == 0 ? b.Id : string.Create(CultureInfo.InvariantCulture, $"{b.Id}-{round + 1}");
            var name = round == 0 ? b.Name : string.Create(CultureInfo.InvariantCulture, $"{b.Name} {round + 1}");
            stores.Add(new Store(id, name, b.Country, b.Currency, b.Zone, true, ["demo", "tier-" + b.Tier.ToString(CultureInfo.InvariantCulture)], Stage: b.Stage));
        }

        return stores;
    }

    /// <summary>Response windows the demo configures: 12 h in Southeast Asia, 24 h elsewhere (an example setting, not a platform rule).</summary>
    public static IReadOnlyDictionary<string, int> ResponseWindows { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["MY"] = 12,
        ["TH"] = 12,
        ["VN"] = 12,
        ["ID"] = 12,
        ["PH"] = 12,
        ["SG"] = 12,
    };
}
