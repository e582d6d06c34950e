using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KpiFunctions.Core.Retry;
using KpiFunctions.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KpiFunctions.TikTok;

/// <summary>
/// Calls to the TikTok Business (Marketing) API v1.3 for one app: the advertiser's access token in the
/// <c>Access-Token</c> header (kept in the secret store like the shops' tokens, refreshed ahead of expiry and once when
/// TikTok calls it expired), one <see cref="RequestPacer"/> for the app, and retries with the Shop client's backoff on
/// 429, rate-limit codes, "app temporarily restricted" answers (which also wait <see cref="TikTokBusinessOptions.RestrictedWait"/>),
/// 5xx, timeouts and malformed answers. An authorisation that cannot work stops with
/// <see cref="TikTokApiException"/> naming the advertiser and what to do; no token or secret reaches a log or a message.
/// </summary>
public sealed class TikTokBusinessClient
{
    // Business API codes (docs/tiktok-shop-api-notes.md, "TikTok Business API"; the numbers are not all confirmed).
    private const long RateLimited = 40100;
    private const long AccessTokenExpired = 40102;
    private static readonly Dictionary<long, string> AuthorizationCodes = new()
    {
        [40001] = "the authorisation does not cover this advertiser",
        [40104] = "no access token was accepted",
        [40105] = "the access token is invalid or was revoked",
    };

    private readonly HttpClient _http;
    private readonly TikTokBusinessOptions _options;
    private readonly ISecretStore _secrets;
    private readonly ILogger _logger;
    private readonly RequestPacer _pacer;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _tokenGates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TikTokToken> _tokens = new(StringComparer.Ordinal);
    private long _requestsSent;

    /// <summary>Creates a client; <paramref name="http"/> is used as given (its own timeout should exceed the options').</summary>
    public TikTokBusinessClient(HttpClient http, TikTokBusinessOptions options, ISecretStore secrets, ILogger<TikTokBusinessClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        options.Validate();
        _http = http;
        _options = options;
        _secrets = secrets;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _pacer = new RequestPacer(options.RequestsPerSecond, options.Time);
    }

    /// <summary>The settings.</summary>
    public TikTokBusinessOptions Options => _options;

    /// <summary>Requests sent, retries and refreshes included.</summary>
    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    /// <summary>GET <paramref name="path"/> (relative to the API root, e.g. <c>advertiser/info/</c>) with the advertiser's token: returns the envelope's <c>data</c>.</summary>
    public async Task<JsonElement> GetAsync(string advertiserId, string path, IEnumerable<KeyValuePair<string, string>> query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(advertiserId);
        ArgumentNullException.ThrowIfNull(query);
        var uri = new Uri(_options.ApiBaseUri, path + "?" + Encode(query));
        var refreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            var token = await AccessTokenAsync(advertiserId, expired: null, cancellationToken).ConfigureAwait(false);
            await _pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
            var outcome = await TryOnceAsync(uri, token, cancellationToken).ConfigureAwait(false);
            if (outcome.Data is { } data)
            {
                _pacer.Succeeded();
                return data;
            }

            if (outcome.Code == AccessTokenExpired && !refreshed)
            {
                refreshed = true;
                _logger.LogInformation("Advertiser {AdvertiserId}: access token expired ({Path}); refreshing it", advertiserId, path);
                await AccessTokenAsync(advertiserId, expired: token, cancellationToken).ConfigureAwait(false);
                attempt--;
                continue;
            }

            if (outcome.Code == AccessTokenExpired || AuthorizationCodes.ContainsKey(outcome.Code))
            {
                var why = outcome.Code == AccessTokenExpired ? "the access token is still refused as expired after a refresh" : AuthorizationCodes[outcome.Code];
                throw new TikTokApiException($"Advertiser {advertiserId}: {why} ({path}, code {outcome.Code}); authorise the Marketing API app for this ad account again and save its tokens as secret '{TikTokToken.AdsSecretName(advertiserId)}'.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            if (!outcome.Transient)
            {
                throw new TikTokApiException($"GET {path} for advertiser {advertiserId} failed: {outcome.Describe()}.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            var wait = Throttle(outcome);
            if (attempt >= _options.MaxAttempts)
            {
                throw new TikTokApiException($"GET {path} for advertiser {advertiserId} failed {attempt} times; last: {outcome.Describe()}.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            var delay = RetryDelay.Next(attempt, _options.BaseRetryDelay, _options.MaxRetryDelay, wait);
            _logger.LogWarning("Advertiser {AdvertiserId}: GET {Path} attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms", advertiserId, path, attempt, outcome.Describe(), (int)delay.TotalMilliseconds);
            await Task.Delay(delay, _options.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a transient failure: the wait TikTok asks for (a restricted app at least <see cref="TikTokBusinessOptions.RestrictedWait"/>),
    /// and the app's pacer slowed by it when the answer was a rate limit.
    /// </summary>
    private TimeSpan? Throttle(Outcome outcome)
    {
        TimeSpan? wait = outcome.Restricted ? (outcome.RetryAfter is { } after && after > _options.RestrictedWait ? after : _options.RestrictedWait) : outcome.RetryAfter;
        if (outcome.Status == 429 || outcome.Code == RateLimited || outcome.Restricted)
        {
            _pacer.SlowDown(wait);
        }

        return wait;
    }

    private async Task<Outcome> TryOnceAsync(Uri uri, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Access-Token", token);
        return await SendAsync(request, "request", cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        Interlocked.Increment(ref _requestsSent);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return Outcome.From(response, bytes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(null, 0, 0, null, null, true, false, $"{what}: no answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(null, 0, 0, null, null, true, false, $"{what}: connection failed: " + ex.HttpRequestError);
        }
    }

    /// <summary>The advertiser's access token, refreshed when about to expire or when <paramref name="expired"/> was refused as expired.</summary>
    private async Task<string> AccessTokenAsync(string advertiserId, string? expired, CancellationToken cancellationToken)
    {
        var gate = _tokenGates.GetOrAdd(advertiserId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var name = TikTokToken.AdsSecretName(advertiserId);
            if (!_tokens.TryGetValue(advertiserId, out var token))
            {
                var stored = await _secrets.GetAsync(name, cancellationToken).ConfigureAwait(false)
                    ?? throw new TikTokApiException($"Advertiser {advertiserId} has no TikTok Business API authorisation: authorise the Marketing API app for this ad account, then save its tokens as secret '{name}' in {_secrets} (JSON with access_token, access_expires_utc, refresh_token, refresh_expires_utc).");
                try
                {
                    token = TikTokToken.Parse(stored);
                }
                catch (JsonException)
                {
                    throw new TikTokApiException($"Advertiser {advertiserId}: secret '{name}' in {_secrets} is not a token record (JSON with access_token, access_expires_utc, refresh_token, refresh_expires_utc); save the ad account's tokens again.");
                }

                _tokens[advertiserId] = token;
            }

            var now = _options.Time.GetUtcNow();
            var forceRefresh = expired is not null && token.AccessToken == expired;
            if (!forceRefresh && token.AccessExpiresUtc - _options.RefreshAhead > now)
            {
                return token.AccessToken;
            }

            if (token.RefreshExpiresUtc <= now || string.IsNullOrEmpty(token.RefreshToken))
            {
                throw new TikTokApiException($"Advertiser {advertiserId}: the TikTok Business API authorisation expired on {token.RefreshExpiresUtc:yyyy-MM-dd}; authorise the Marketing API app for this ad account again and save its tokens as secret '{name}'.");
            }

            var fresh = await RefreshAsync(advertiserId, token, cancellationToken).ConfigureAwait(false);
            await _secrets.SetAsync(name, fresh.ToJson(), cancellationToken).ConfigureAwait(false);
            _tokens[advertiserId] = fresh;
            _logger.LogInformation("Advertiser {AdvertiserId}: access token refreshed, valid until {Expires:O}", advertiserId, fresh.AccessExpiresUtc);
            return fresh.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>POST oauth2/refresh_token/ (the secret travels in the body, which is never logged).</summary>
    private async Task<TikTokToken> RefreshAsync(string advertiserId, TikTokToken token, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["app_id"] = _options.AppId,
            ["secret"] = _options.AppSecret,
            ["refresh_token"] = token.RefreshToken,
            ["grant_type"] = "refresh_token",
        });
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.ApiBaseUri, "oauth2/refresh_token/")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            await _pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
            var outcome = await SendAsync(request, "token refresh", cancellationToken).ConfigureAwait(false);
            if (outcome.Data is { } data)
            {
                // The expiries come as seconds from now (not as instants, unlike the Shop API's).
                var now = _options.Time.GetUtcNow();
                var access = data.TryGetProperty("access_token", out var a) && a.GetString() is { Length: > 0 } at ? at : throw new InvalidDataException($"Advertiser {advertiserId}: the token refresh returned no access_token.");
                return new TikTokToken(
                    access,
                    data.TryGetProperty("access_token_expire_in", out var ae) && ae.TryGetInt64(out var accessSeconds) ? now.AddSeconds(accessSeconds) : DateTimeOffset.MaxValue,
                    data.TryGetProperty("refresh_token", out var r) && r.GetString() is { Length: > 0 } refresh ? refresh : token.RefreshToken,
                    data.TryGetProperty("refresh_token_expire_in", out var re) && re.TryGetInt64(out var refreshSeconds) ? now.AddSeconds(refreshSeconds) : token.RefreshExpiresUtc);
            }

            if (!outcome.Transient)
            {
                throw new TikTokApiException($"Advertiser {advertiserId}: TikTok refused to refresh the Business API access token ({outcome.Describe()}); authorise the Marketing API app for this ad account again and save its tokens as secret '{TikTokToken.AdsSecretName(advertiserId)}'.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            var wait = Throttle(outcome);
            if (attempt >= _options.MaxAttempts)
            {
                throw new TikTokApiException($"Advertiser {advertiserId}: the token refresh failed {attempt} times; last: {outcome.Describe()}.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            await Task.Delay(RetryDelay.Next(attempt, _options.BaseRetryDelay, _options.MaxRetryDelay, wait), _options.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Encode(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>One answer, classified. <see cref="Data"/> is set on success.</summary>
    private sealed record Outcome(JsonElement? Data, int Status, long Code, string? Message, string? RequestId, bool Transient, bool Restricted, string? Problem, TimeSpan? RetryAfter = null)
    {
        public static Outcome From(HttpResponseMessage response, byte[] bytes)
        {
            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter?.Delta;
            var transientStatus = status is 429 or 408 || status >= 500;
            JsonElement root;
            try
            {
                using var doc = JsonDocument.Parse(bytes);
                root = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                return new Outcome(null, status, 0, null, null, transientStatus || status is >= 200 and < 300, false,
                    $"HTTP {status} with a body that is not JSON ({bytes.Length} bytes){(status is >= 400 and < 500 and not 408 and not 429 ? "; check that KPI_TIKTOK_ADS_API_URL points at the TikTok Business API" : "")}", retryAfter);
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("code", out var codeElement) || !codeElement.TryGetInt64(out var code))
            {
                return new Outcome(null, status, 0, null, null, transientStatus || status is >= 200 and < 300, false, $"HTTP {status} with JSON that is not the API envelope", retryAfter);
            }

            var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
            var requestId = root.TryGetProperty("request_id", out var id) ? id.GetString() : null;
            if (code == 0 && status is >= 200 and < 300)
            {
                return root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
                    ? new Outcome(d, status, 0, message, requestId, false, false, null)
                    : new Outcome(null, status, 0, message, requestId, true, false, $"HTTP {status}, code 0 but no data object in the answer (request id {requestId ?? "none"})");
            }

            // "App temporarily restricted" comes even within the QPS tier; TikTok gives no code for it we could confirm.
            var restricted = message?.Contains("temporarily restricted", StringComparison.OrdinalIgnoreCase) == true;
            var transient = transientStatus || restricted || code == RateLimited || code is >= 50000 and < 60000;
            return new Outcome(null, status, code, message, requestId, transient, restricted, null, retryAfter);
        }

        public string Describe()
        {
            if (Problem is not null)
            {
                return Problem;
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"HTTP {Status}, code {Code}");
            if (!string.IsNullOrEmpty(Message))
            {
                text.Append(": ").Append(Message);
            }

            if (RequestId is not null)
            {
                text.Append(" (request id ").Append(RequestId).Append(')');
            }

            return text.ToString();
        }
    }
}
