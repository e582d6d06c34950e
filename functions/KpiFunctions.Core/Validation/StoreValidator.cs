using System.Globalization;
using System.Text.RegularExpressions;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Core.Validation;

/// <summary>Checks store definitions before they enter the registry.</summary>
public static partial class StoreValidator
{
    private static readonly Lazy<HashSet<string>> KnownCurrencies = new(() =>
        CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(c => { try { return new RegionInfo(c.Name).ISOCurrencySymbol; } catch (ArgumentException) { return null; } })
            .Where(c => c is { Length: 3 })
            .Select(c => c!)
            .ToHashSet(StringComparer.Ordinal));

    private static readonly Lazy<HashSet<string>> KnownCountries = new(() =>
        CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(c => { try { return new RegionInfo(c.Name).TwoLetterISORegionName; } catch (ArgumentException) { return null; } })
            .Where(c => c is { Length: 2 } && c.All(char.IsAsciiLetterUpper))
            .Select(c => c!)
            .ToHashSet(StringComparer.Ordinal));

    /// <summary>Codes people write for a country that ISO 3166-1 spells otherwise.</summary>
    private static readonly Dictionary<string, string> CountryAliases = new(StringComparer.OrdinalIgnoreCase) { ["UK"] = "GB", ["EL"] = "GR" };

    /// <summary>Every problem with the store, each naming the field and what is expected.</summary>
    public static IReadOnlyList<string> Validate(Store store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var problems = new List<string>();
        if (!IsValidId(store.Id))
        {
            // Ids name Key Vault secrets (tiktok-token-<id>), whose names are letters, digits and '-' and ignore case.
            problems.Add($"id '{store.Id}' must be 1-64 characters of lower-case letters, digits and '-'");
        }

        if (string.IsNullOrWhiteSpace(store.Name))
        {
            problems.Add("name is required");
        }

        if (store.Country is not null && CountryAliases.TryGetValue(store.Country, out var iso))
        {
            problems.Add($"country '{store.Country}' must be an ISO 3166-1 alpha-2 code: say {iso}");
        }
        else if (store.Country is null || !CountryPattern().IsMatch(store.Country) || !IsKnownCountry(store.Country))
        {
            problems.Add($"country '{store.Country}' must be an ISO 3166-1 alpha-2 code of a country, such as GB or TH");
        }

        if (store.Currency is null || !CurrencyPattern().IsMatch(store.Currency) || !IsKnownCurrency(store.Currency))
        {
            problems.Add($"currency '{store.Currency}' must be an ISO 4217 code such as GBP or THB");
        }

        if (!string.IsNullOrWhiteSpace(store.TimeZone) && TimeZoneInfo.TryConvertWindowsIdToIanaId(store.TimeZone, out var ianaId))
        {
            // Windows names resolve on this machine too, but the registry keeps one kind of name.
            problems.Add($"time zone '{store.TimeZone}' is a Windows name; use the IANA zone, e.g. {ianaId}");
        }
        else if (string.IsNullOrWhiteSpace(store.TimeZone) || !StoreCalendar.TryResolveZone(store.TimeZone, out _))
        {
            problems.Add($"time zone '{store.TimeZone}' must be an IANA zone such as Europe/London");
        }

        if (KpiCatalog.Default.Stage(store.Stage) is null)
        {
            problems.Add($"stage '{store.Stage}' must be one of {string.Join(", ", KpiCatalog.Default.Stages.Select(s => s.Id))} (omit it for {StageDefinition.DefaultId})");
        }

        foreach (var (kpiId, t) in store.Thresholds ?? new Dictionary<string, RagThresholds>())
        {
            if (KpiCatalog.Default.Kpis.FirstOrDefault(k => k.Id == kpiId) is not { } kpi)
            {
                problems.Add($"thresholds: '{kpiId}' is not a KPI of the catalog (kpi catalog lists them)");
            }
            else if (kpi.Direction == KpiDirection.HigherIsBetter ? t.Green < t.Amber : t.Green > t.Amber)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"thresholds: {kpiId} is {(kpi.Direction == KpiDirection.HigherIsBetter ? "higher" : "lower")}-is-better, so green ({t.Green}) must be {(kpi.Direction == KpiDirection.HigherIsBetter ? "at or above" : "at or below")} amber ({t.Amber})"));
            }
        }

        return problems;
    }

    /// <summary>True for a usable store id: 1-64 lower-case letters, digits and '-'.</summary>
    public static bool IsValidId(string? id) => !string.IsNullOrEmpty(id) && IdPattern().IsMatch(id);

    /// <summary>True for ISO 3166-1 alpha-2 codes of a region this machine's culture data knows (not ZZ or XX).</summary>
    public static bool IsKnownCountry(string code) => KnownCountries.Value.Contains(code);

    /// <summary>True for ISO 4217 codes this machine's culture data knows.</summary>
    public static bool IsKnownCurrency(string code) => KnownCurrencies.Value.Contains(code);

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
