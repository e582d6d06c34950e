using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>The signatures of the bots' "signature" security settings (the signing secret never leaves this process).</summary>
public static class WebhookSigning
{
    /// <summary>
    /// Feishu custom bot, signature verification (签名校验): HMAC-SHA256 keyed with "timestamp\nsecret" over an empty
    /// message, Base64; the timestamp in seconds, within an hour of Feishu's clock. Both go in the body as
    /// <c>timestamp</c> (a string) and <c>sign</c>.
    /// </summary>
    public static string Feishu(string secret, long unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "\n" + secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Array.Empty<byte>()));
    }

    /// <summary>
    /// DingTalk custom robot, additional signature (加签): HMAC-SHA256 keyed with the secret over "timestamp\nsecret",
    /// Base64; the timestamp in milliseconds, within an hour of DingTalk's clock. Both go in the query as
    /// <c>timestamp</c> and <c>sign</c> (URL-encoded), see <see cref="DingTalkUrl"/>.
    /// </summary>
    public static string DingTalk(string secret, long unixMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var text = Encoding.UTF8.GetBytes(unixMilliseconds.ToString(CultureInfo.InvariantCulture) + "\n" + secret);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), text));
    }

    /// <summary>The robot's URL (with its access_token) and <c>&amp;timestamp=…&amp;sign=…</c> appended.</summary>
    public static Uri DingTalkUrl(Uri webhook, string secret, long unixMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var query = string.Create(CultureInfo.InvariantCulture, $"timestamp={unixMilliseconds}&sign={Uri.EscapeDataString(DingTalk(secret, unixMilliseconds))}");
        return new UriBuilder(webhook) { Query = webhook.Query.Length > 1 ? webhook.Query[1..] + "&" + query : query }.Uri;
    }
}
