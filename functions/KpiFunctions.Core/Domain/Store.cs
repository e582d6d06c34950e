namespace KpiFunctions.Core.Domain;

/// <summary>A TikTok Shop store, with the currency and IANA time zone its figures are kept in.</summary>
/// <param name="Id">Stable id used in blob paths, table keys and Key Vault secret names (lower-case letters, digits and '-').</param>
/// <param name="Name">Display name.</param>
/// <param name="Country">ISO 3166-1 alpha-2 country code of the store's market.</param>
/// <param name="Currency">ISO 4217 code of the store's settlement currency.</param>
/// <param name="TimeZone">IANA time zone that defines the store's calendar days.</param>
/// <param name="Enabled">Disabled stores stay registered but are not fetched.</param>
/// <param name="Tags">Team tags, for grouping in reports.</param>
public sealed record Store(
    string Id,
    string Name,
    string Country,
    string Currency,
    string TimeZone,
    bool Enabled = true,
    IReadOnlyList<string>? Tags = null);
