namespace KpiFunctions.Core.Domain;

/// <summary>One ad campaign's figures for one store-local day.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="CampaignId">Campaign id.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="Spend">Ad spend.</param>
/// <param name="AttributedGmv">GMV the ad platform attributes to the campaign.</param>
/// <param name="Currency">ISO 4217 currency of the amounts.</param>
/// <param name="Impressions">Ad impressions.</param>
/// <param name="Clicks">Ad clicks.</param>
public sealed record AdsDaily(
    string StoreId,
    string CampaignId,
    DateOnly Date,
    decimal Spend,
    decimal AttributedGmv,
    string Currency,
    long Impressions,
    long Clicks);
