using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace KpiFunctions.Bench.Retired;

/// <summary>
/// Signs Blob requests with SharedKey ("Authorize with Shared Key", Blob/Queue string-to-sign for versions
/// 2009-09-19 and later): x-ms-date is set on every attempt, so it sits after the retry policy.
/// </summary>
internal sealed class SharedKeyPolicy(string accountName, byte[] accountKey, TimeProvider time) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
        var signature = Sign(accountKey, StringToSign(request));
        request.Headers.SetValue("Authorization", $"SharedKey {accountName}:{signature}");
    }

    /// <summary>The signature both Shared Key schemes use: base64 of HMAC-SHA256 over the UTF-8 string-to-sign.</summary>
    internal static string Sign(byte[] accountKey, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(stringToSign)));

    internal string StringToSign(Request request)
    {
        string Header(string name) => request.Headers.TryGetValue(name, out var v) ? v : "";
        var length = request.Content is { } content && content.TryComputeLength(out var l) && l > 0 ? l.ToString(CultureInfo.InvariantCulture) : "";
        var sb = new StringBuilder();
        sb.Append(request.Method.Method).Append('\n')
            .Append(Header("Content-Encoding")).Append('\n')
            .Append(Header("Content-Language")).Append('\n')
            .Append(length).Append('\n')
            .Append(Header("Content-MD5")).Append('\n')
            .Append(Header("Content-Type")).Append('\n')
            .Append('\n') // Date: empty, x-ms-date is used
            .Append(Header("If-Modified-Since")).Append('\n')
            .Append(Header("If-Match")).Append('\n')
            .Append(Header("If-None-Match")).Append('\n')
            .Append(Header("If-Unmodified-Since")).Append('\n')
            .Append(Header("Range")).Append('\n');

        // CanonicalizedHeaders: x-ms-* lower-cased and sorted, "name:value\n".
        foreach (var header in request.Headers
            .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Name.ToLowerInvariant(), h.Value))
            .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            sb.Append(header.Name).Append(':').Append(header.Value.Trim()).Append('\n');
        }

        // CanonicalizedResource: /account + the path as sent, then sorted query parameters as "\nname:value".
        var uri = request.Uri.ToUri();
        sb.Append('/').Append(accountName).Append(uri.AbsolutePath);
        var query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            foreach (var group in query.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .GroupBy(p => Uri.UnescapeDataString(p[0]).ToLowerInvariant(), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var values = group.Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "").Order(StringComparer.Ordinal);
                sb.Append('\n').Append(group.Key).Append(':').Append(string.Join(',', values));
            }
        }

        return sb.ToString();
    }
}
