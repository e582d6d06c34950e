using System.Security.Cryptography;
using System.Text;

namespace KpiFunctions.TikTok;

/// <summary>
/// Request signing of the TikTok Shop Open API (202309 and later; "Sign your API request" in the Partner Center
/// guides): every query parameter except <c>sign</c> and <c>access_token</c>, sorted by ordinal key, joined as
/// <c>{key}{value}</c> with decoded values, prefixed by the path and followed by the body exactly as sent (not for
/// multipart uploads), wrapped in the app secret on both sides; HMAC-SHA256 keyed with the app secret, lowercase hex.
/// </summary>
public static class TikTokSigner
{
    /// <summary>The text that is signed, before the secret is wrapped around it.</summary>
    public static string StringToSign(string path, IEnumerable<KeyValuePair<string, string>> query, ReadOnlySpan<byte> body, bool multipart = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(query);
        var text = new StringBuilder(path);
        foreach (var (key, value) in query.Where(p => p.Key is not ("sign" or "access_token")).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append(value);
        }

        if (!multipart && !body.IsEmpty)
        {
            text.Append(Encoding.UTF8.GetString(body));
        }

        return text.ToString();
    }

    /// <summary>The <c>sign</c> query parameter: lowercase hex HMAC-SHA256 of secret + string to sign + secret.</summary>
    public static string Sign(string appSecret, string path, IEnumerable<KeyValuePair<string, string>> query, ReadOnlySpan<byte> body, bool multipart = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(appSecret);
        var wrapped = appSecret + StringToSign(path, query, body, multipart) + appSecret;
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(wrapped));
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>True when <paramref name="sign"/> is the signature of the request (compared in constant time).</summary>
    public static bool Verify(string appSecret, string sign, string path, IEnumerable<KeyValuePair<string, string>> query, ReadOnlySpan<byte> body, bool multipart = false)
    {
        ArgumentNullException.ThrowIfNull(sign);
        var expected = Encoding.ASCII.GetBytes(Sign(appSecret, path, query, body, multipart));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(sign));
    }
}
