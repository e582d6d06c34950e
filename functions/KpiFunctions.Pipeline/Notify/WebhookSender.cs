using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using KpiFunctions.Core.Retry;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>
/// Posts a message to a webhook with bounded retries (<see cref="AlertWebhookOptions.MaxAttempts"/>, waits from the
/// shared <see cref="RetryDelay"/>): retried are a 429 (after its Retry-After), 408 and 5xx replies, timeouts, a
/// connection that fails, and a 200 whose body carries the platform's own "too many requests" or "busy" code. Other
/// refusals (a wrong signature, a deleted bot) fail at once. It never throws for a delivery that failed: it returns
/// the outcome, and no error it returns holds the URL, its token or the signing secret.
/// </summary>
public sealed class WebhookSender(HttpClient http, AlertWebhookOptions options, TimeProvider time)
{
    private const int MaxErrorChars = 300;

    /// <summary>Sends <paramref name="body"/> to <paramref name="url"/>, for <paramref name="channel"/>; <paramref name="secrets"/> are kept out of any error text.</summary>
    public async Task<WebhookDelivery> SendAsync(WebhookChannel channel, Uri url, string body, int alerts, IReadOnlyCollection<string> secrets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(secrets);
        int? status = null;
        string? error = null;
        var attempt = 0;
        while (++attempt <= options.MaxAttempts)
        {
            TimeSpan? retryAfter = null;
            bool retry;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.AttemptTimeout);
                using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                var reply = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    (error, retry) = PlatformError(channel.Format, reply);
                    if (error is null)
                    {
                        return new WebhookDelivery(channel.Name, channel.Format, url.Host, DeliveryStatus.Delivered, attempt, status, null, alerts, time.GetUtcNow());
                    }
                }
                else
                {
                    retryAfter = RetryAfter(response);
                    retry = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500;
                    error = string.Create(CultureInfo.InvariantCulture, $"HTTP {status} from {url.Host}") + (reply.Length > 0 ? ": " + Cut(reply) : "");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                (status, retry) = (null, true);
                error = string.Create(CultureInfo.InvariantCulture, $"no reply from {url.Host} within {options.AttemptTimeout.TotalSeconds:0.#} s");
            }
            catch (HttpRequestException ex)
            {
                (status, retry) = (null, true);
                error = $"could not reach {url.Host}: {ex.Message}";
            }

            error = Redact(error!, url, secrets);
            if (!retry || attempt == options.MaxAttempts)
            {
                break;
            }

            if (retryAfter > options.MaxRetryAfter)
            {
                error += string.Create(CultureInfo.InvariantCulture, $"; it asked to wait {retryAfter.Value.TotalSeconds:0} s, longer than the {options.MaxRetryAfter.TotalSeconds:0} s a run waits");
                break;
            }

            await Task.Delay(RetryDelay.Next(attempt, options.BaseRetryDelay, options.MaxRetryDelay, retryAfter), time, cancellationToken).ConfigureAwait(false);
        }

        return new WebhookDelivery(channel.Name, channel.Format, url.Host, DeliveryStatus.Failed, Math.Min(attempt, options.MaxAttempts), status, error, alerts, time.GetUtcNow());
    }

    /// <summary>
    /// The platform's verdict inside a 2xx reply: null when it took the message, else the error and whether it is worth
    /// another attempt. Feishu answers <c>{"code":0,"msg":"success"}</c> (older bots: <c>StatusCode</c>), 11232 when
    /// the bot sends too often; DingTalk <c>{"errcode":0}</c>, 130101 when sending too fast (20 a minute); WeCom
    /// <c>{"errcode":0}</c>, 45009 over its rate (20 a minute); either -1 when the system is busy. Teams and plain JSON
    /// receivers accept with any 2xx, except a Teams connector's 200 that reports a throttled request in its text.
    /// </summary>
    public static (string? Error, bool Retry) PlatformError(WebhookFormat format, string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        switch (format)
        {
            case WebhookFormat.Teams:
                return reply.Contains("HTTP error 429", StringComparison.OrdinalIgnoreCase)
                    ? ("Teams throttled the message: " + Cut(reply), true)
                    : (null, false);
            case WebhookFormat.Json:
                return (null, false);
        }

        var (codeName, messageName, name) = format switch
        {
            WebhookFormat.Feishu => ("code", "msg", "Feishu"),
            WebhookFormat.DingTalk => ("errcode", "errmsg", "DingTalk"),
            _ => ("errcode", "errmsg", "WeCom"),
        };
        try
        {
            using var json = JsonDocument.Parse(reply);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ($"{name} replied with something other than its JSON reply: {Cut(reply)}", false);
            }

            var code = Int(root, codeName) ?? (format == WebhookFormat.Feishu ? Int(root, "StatusCode") : null);
            if (code is null)
            {
                return ($"{name}'s reply has no {codeName}: {Cut(reply)}", false);
            }

            if (code == 0)
            {
                return (null, false);
            }

            var message = root.TryGetProperty(messageName, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()
                : root.TryGetProperty("StatusMessage", out var sm) && sm.ValueKind == JsonValueKind.String ? sm.GetString() : null;
            var retry = (format, code) switch
            {
                (WebhookFormat.Feishu, 11232) => true,
                (WebhookFormat.DingTalk, 130101 or -1) => true,
                (WebhookFormat.WeCom, 45009 or -1) => true,
                _ => false,
            };
            return (string.Create(CultureInfo.InvariantCulture, $"{name} {codeName} {code}") + (message is null ? "" : ": " + Cut(message)) + (retry ? " (rate limited or busy)" : ""), retry);
        }
        catch (JsonException)
        {
            return ($"{name} replied with something other than its JSON reply: {Cut(reply)}", false);
        }
    }

    /// <summary>Removes the URL, its path and query parts, and the secrets from a text (a platform may echo them).</summary>
    public static string Redact(string text, Uri url, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(secrets);
        // Tokens are long: a path segment of 16 characters or more (Feishu's hook id, a Teams signature), any query value
        // of 8 or more (DingTalk's access_token, WeCom's key); short words such as "webhook" stay readable.
        var parts = new List<string> { url.OriginalString, url.AbsoluteUri, url.PathAndQuery };
        parts.AddRange(url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)[^1]).Where(v => v.Length >= 8));
        parts.AddRange(url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s.Length >= 16));
        parts.AddRange(secrets.Where(s => s.Length >= 4));
        foreach (var part in parts.Where(p => p.Length > 1).Distinct(StringComparer.Ordinal).OrderByDescending(p => p.Length))
        {
            text = text.Replace(part, "***", StringComparison.Ordinal).Replace(Uri.UnescapeDataString(part), "***", StringComparison.Ordinal);
        }

        return text;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    private static string Cut(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > MaxErrorChars ? text[..MaxErrorChars] + "…" : text;
    }
}
