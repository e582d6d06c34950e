using System.Text.Json;
using System.Text.Json.Serialization;

namespace KpiFunctions.TikTok;

/// <summary>
/// A seller authorisation's tokens. The platform's <c>*_expire_in</c> fields are absolute Unix times in seconds
/// (reference digest 6.2), kept here as instants.
/// </summary>
/// <param name="AccessToken">Sent as x-tts-access-token.</param>
/// <param name="AccessExpiresUtc">When the access token stops working.</param>
/// <param name="RefreshToken">Exchanged for a new access token.</param>
/// <param name="RefreshExpiresUtc">When the refresh token stops working (then the seller must authorise again).</param>
public sealed record TikTokToken(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("access_expires_utc")] DateTimeOffset AccessExpiresUtc,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("refresh_expires_utc")] DateTimeOffset RefreshExpiresUtc)
{
    /// <summary>The secret-store name of a store's tokens.</summary>
    public static string SecretName(string storeId) => "tiktok-token-" + storeId;

    /// <summary>The secret-store name of an advertiser's Business API tokens (the same record; see README, TikTok Business API).</summary>
    public static string AdsSecretName(string advertiserId) => "tiktok-ads-token-" + advertiserId;

    /// <summary>Reads the stored form.</summary>
    public static TikTokToken Parse(string json) => JsonSerializer.Deserialize<TikTokToken>(json)
        ?? throw new InvalidDataException("The stored TikTok token is empty.");

    /// <summary>The stored form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Tokens are secrets: only their expiry is shown.</summary>
    public override string ToString() => $"TikTokToken(access until {AccessExpiresUtc:O}, refresh until {RefreshExpiresUtc:O})";
}
