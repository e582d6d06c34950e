using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using KpiFunctions.Core.Retry;
using KpiFunctions.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KpiFunctions.TikTok;

/// <summary>
/// Signed calls to the TikTok Shop Open API for one app: common parameters and signature (<see cref="TikTokSigner"/>),
/// the store's access token (refreshed ahead of expiry and once on 105002, new tokens saved to the secret store),
/// pacing per app and per shop, and retries with jittered exponential backoff on 429, 5xx, timeouts and malformed
/// answers. An authorisation that cannot work stops with <see cref="TikTokAuthorizationException"/>; other refusals
/// with <see cref="TikTokApiException"/>. Neither the app secret nor a token reaches a log line or a message.
/// </summary>
public sealed class TikTokApiClient
{
    // Reference digest §4: codes that mean "slow down / try again" and codes that mean the authorisation is unusable.
    private const long TooManyRequests = 36009002;
    private const long RequestTimedOut = 36009007;
    private const long AccessTokenExpired = 105002;
    private static readonly Dictionary<long, string> AuthorizationCodes = new()
    {
        [105001] = "the access token is invalid",
        [105005] = "the app lacks a scope this call needs (enable it in Partner Center; the seller must then authorise again)",
        [101000] = "the access token does not belong to this shop",
        [36009004] = "the platform refused the credentials",
    };

    private readonly HttpClient _http;
    private readonly TikTokOptions _options;
    private readonly ISecretStore _secrets;
    private readonly ILogger _logger;
    private readonly RequestPacer _appPacer;
    private readonly ConcurrentDictionary<string, RequestPacer> _shopPacers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _tokenGates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TikTokToken> _tokens = new(StringComparer.Ordinal);

    /// <summary>Creates a client; <paramref name="http"/> is used as given (its own timeout should exceed the options').</summary>
    public TikTokApiClient(HttpClient http, TikTokOptions options, ISecretStore secrets, ILogger<TikTokApiClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        options.Validate();
        _http = http;
        _options = options;
        _secrets = secrets;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _appPacer = new RequestPacer(options.AppRequestsPerSecond, options.Time);
    }

    /// <summary>Requests sent, retries included (for progress and the benchmark).</summary>
    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    private long _requestsSent;

    /// <summary>GET: returns the envelope's <c>data</c>.</summary>
    public Task<JsonElement> GetAsync(string storeId, string? shopCipher, string path, IEnumerable<KeyValuePair<string, string>>? query = null, CancellationToken cancellationToken = default) =>
        SendAsync(storeId, shopCipher, HttpMethod.Get, path, query, null, cancellationToken);

    /// <summary>POST with a JSON body (signed as sent): returns the envelope's <c>data</c>.</summary>
    public Task<JsonElement> PostAsync(string storeId, string? shopCipher, string path, IEnumerable<KeyValuePair<string, string>>? query, object body, CancellationToken cancellationToken = default) =>
        SendAsync(storeId, shopCipher, HttpMethod.Post, path, query, JsonSerializer.SerializeToUtf8Bytes(body), cancellationToken);

    private async Task<JsonElement> SendAsync(string storeId, string? shopCipher, HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>>? query, byte[]? body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeId);
        var extra = query?.ToArray() ?? [];
        var refreshed = false;
        var shopPacer = _shopPacers.GetOrAdd(storeId, _ => new RequestPacer(_options.ShopRequestsPerSecond, _options.Time));
        for (var attempt = 1; ; attempt++)
        {
            var token = await AccessTokenAsync(storeId, expired: null, cancellationToken).ConfigureAwait(false);
            // The shop's pace first, the app's last: a slot of the app's pace is taken only when the request can go at
            // once, so no app slot is wasted on a request still waiting for its shop and none are bunched after such waits.
            await shopPacer.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _appPacer.WaitAsync(cancellationToken).ConfigureAwait(false);
            var outcome = await TryOnceAsync(storeId, shopCipher, method, path, extra, body, token, cancellationToken).ConfigureAwait(false);
            if (outcome.Data is { } data)
            {
                _appPacer.Succeeded();
                shopPacer.Succeeded();
                return data;
            }

            if (outcome.Code == AccessTokenExpired && !refreshed)
            {
                // The token expired under us (or earlier than it said): one refresh, then the same request again.
                refreshed = true;
                _logger.LogInformation("Store {StoreId}: access token expired ({Path}); refreshing it", storeId, path);
                await AccessTokenAsync(storeId, expired: token, cancellationToken).ConfigureAwait(false);
                attempt--;
                continue;
            }

            if (outcome.Code == AccessTokenExpired || AuthorizationCodes.ContainsKey(outcome.Code))
            {
                throw new TikTokAuthorizationException(storeId, AuthorizationMessage(storeId, outcome.Code, path), outcome.Code, outcome.RequestId, outcome.Status);
            }

            if (!outcome.Transient)
            {
                throw new TikTokApiException($"{method} {path} for store {storeId} failed: {outcome.Describe()}.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            if (outcome.Status == 429 || outcome.Code == TooManyRequests)
            {
                _appPacer.SlowDown(null);
                shopPacer.SlowDown(outcome.RetryAfter);
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw new TikTokApiException($"{method} {path} for store {storeId} failed {attempt} times; last: {outcome.Describe()}.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            var delay = Backoff(attempt, outcome.RetryAfter);
            _logger.LogWarning("Store {StoreId}: {Method} {Path} attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms", storeId, method, path, attempt, outcome.Describe(), (int)delay.TotalMilliseconds);
            await Task.Delay(delay, _options.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Outcome> TryOnceAsync(string storeId, string? shopCipher, HttpMethod method, string path, KeyValuePair<string, string>[] extra, byte[]? body, string token, CancellationToken cancellationToken)
    {
        var query = new List<KeyValuePair<string, string>>(extra)
        {
            new("app_key", _options.AppKey),
            new("timestamp", _options.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (shopCipher is not null)
        {
            query.Add(new("shop_cipher", shopCipher));
        }

        query.Add(new("sign", TikTokSigner.Sign(_options.AppSecret, path, query, body)));
        using var request = new HttpRequestMessage(method, new Uri(_options.ApiBaseUri, path + "?" + Encode(query)));
        request.Headers.TryAddWithoutValidation("x-tts-access-token", token);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/json");
        }

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
            return new Outcome(null, 0, 0, null, null, true, $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(null, 0, 0, null, null, true, "connection failed: " + ex.HttpRequestError);
        }
    }

    /// <summary>
    /// The store's access token, refreshed when it is about to expire or when the service called <paramref name="expired"/>
    /// expired (unless another request refreshed it meanwhile); one refresh at a time per store.
    /// </summary>
    private async Task<string> AccessTokenAsync(string storeId, string? expired, CancellationToken cancellationToken)
    {
        var gate = _tokenGates.GetOrAdd(storeId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Kept in memory between requests; the secret store is read once per store and written on each refresh.
            if (!_tokens.TryGetValue(storeId, out var token))
            {
                var stored = await _secrets.GetAsync(TikTokToken.SecretName(storeId), cancellationToken).ConfigureAwait(false)
                    ?? throw new TikTokAuthorizationException(storeId, $"Store {storeId} has no TikTok authorisation: have the seller authorise the app, then save its tokens as secret '{TikTokToken.SecretName(storeId)}' in {_secrets} (JSON with access_token, access_expires_utc, refresh_token, refresh_expires_utc).");
                try
                {
                    token = TikTokToken.Parse(stored);
                }
                catch (JsonException)
                {
                    throw new TikTokAuthorizationException(storeId, $"Store {storeId}: secret '{TikTokToken.SecretName(storeId)}' in {_secrets} is not a token record (JSON with access_token, access_expires_utc, refresh_token, refresh_expires_utc); save the seller's tokens again.");
                }

                _tokens[storeId] = token;
            }

            var now = _options.Time.GetUtcNow();
            var forceRefresh = expired is not null && token.AccessToken == expired;
            if (!forceRefresh && token.AccessExpiresUtc - _options.RefreshAhead > now)
            {
                return token.AccessToken;
            }

            if (token.RefreshExpiresUtc <= now)
            {
                throw new TikTokAuthorizationException(storeId, $"Store {storeId}: the TikTok authorisation expired on {token.RefreshExpiresUtc:yyyy-MM-dd}; the seller must authorise the app again in Seller Center.");
            }

            var fresh = await RefreshAsync(storeId, token, cancellationToken).ConfigureAwait(false);
            await _secrets.SetAsync(TikTokToken.SecretName(storeId), fresh.ToJson(), cancellationToken).ConfigureAwait(false);
            _tokens[storeId] = fresh;
            _logger.LogInformation("Store {StoreId}: access token refreshed, valid until {Expires:O}", storeId, fresh.AccessExpiresUtc);
            return fresh.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>GET /api/v2/token/refresh (not signed; the secret travels in the query, so this URL is never logged).</summary>
    private async Task<TikTokToken> RefreshAsync(string storeId, TikTokToken token, CancellationToken cancellationToken)
    {
        var query = Encode(
        [
            new("app_key", _options.AppKey), new("app_secret", _options.AppSecret),
            new("refresh_token", token.RefreshToken), new("grant_type", "refresh_token"),
        ]);
        for (var attempt = 1; ; attempt++)
        {
            Outcome outcome;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.RequestTimeout);
                try
                {
                    Interlocked.Increment(ref _requestsSent);
                    using var response = await _http.GetAsync(new Uri(_options.AuthBaseUri, "/api/v2/token/refresh?" + query), timeout.Token).ConfigureAwait(false);
                    outcome = Outcome.From(response, await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    outcome = new Outcome(null, 0, 0, null, null, true, "token refresh timed out");
                }
                catch (HttpRequestException ex)
                {
                    outcome = new Outcome(null, 0, 0, null, null, true, "token refresh connection failed: " + ex.HttpRequestError);
                }
            }

            if (outcome.Data is { } data)
            {
                return new TikTokToken(
                    data.GetProperty("access_token").GetString() ?? throw new InvalidDataException("Token refresh returned no access_token."),
                    DateTimeOffset.FromUnixTimeSeconds(data.GetProperty("access_token_expire_in").GetInt64()),
                    data.TryGetProperty("refresh_token", out var r) && r.GetString() is { Length: > 0 } refresh ? refresh : token.RefreshToken,
                    data.TryGetProperty("refresh_token_expire_in", out var re) ? DateTimeOffset.FromUnixTimeSeconds(re.GetInt64()) : token.RefreshExpiresUtc);
            }

            if (!outcome.Transient)
            {
                throw new TikTokAuthorizationException(storeId, $"Store {storeId}: TikTok refused to refresh the access token ({outcome.Describe()}); the seller must authorise the app again in Seller Center.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw new TikTokApiException($"Store {storeId}: the token refresh failed {attempt} times; last: {outcome.Describe()}.", outcome.Code, outcome.RequestId, outcome.Status);
            }

            await Task.Delay(Backoff(attempt, outcome.RetryAfter), _options.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string AuthorizationMessage(string storeId, long code, string path) => code switch
    {
        105005 => $"Store {storeId}: {AuthorizationCodes[code]} ({path}, code {code}).",
        AccessTokenExpired => $"Store {storeId}: the access token is still refused as expired after a refresh ({path}); the seller must authorise the app again in Seller Center.",
        _ => $"Store {storeId}: {AuthorizationCodes[code]} ({path}, code {code}); check that the store's shop and tokens belong together, or have the seller authorise the app again.",
    };

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter) => RetryDelay.Next(attempt, _options.BaseRetryDelay, _options.MaxRetryDelay, retryAfter);

    private static string Encode(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>One answer, classified. <see cref="Data"/> is set on success.</summary>
    private sealed record Outcome(JsonElement? Data, int Status, long Code, string? Message, string? RequestId, bool Transient, string? Problem, TimeSpan? RetryAfter = null)
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
                // A cut or garbled body on a success or a server-side failure is asked again; a 4xx that is not the
                // API's JSON envelope means the URL does not lead to the TikTok API at all.
                return new Outcome(null, status, 0, null, null, transientStatus || status is >= 200 and < 300,
                    $"HTTP {status} with a body that is not JSON ({bytes.Length} bytes){(status is >= 400 and < 500 and not 408 and not 429 ? "; check that KPI_TIKTOK_API_URL points at the TikTok Shop API" : "")}", retryAfter);
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("code", out var codeElement) || !codeElement.TryGetInt64(out var code))
            {
                return new Outcome(null, status, 0, null, null, transientStatus || status is >= 200 and < 300, $"HTTP {status} with JSON that is not the API envelope", retryAfter);
            }

            var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
            var requestId = root.TryGetProperty("request_id", out var id) ? id.GetString() : null;
            if (code == 0 && status is >= 200 and < 300)
            {
                var data = root.TryGetProperty("data", out var d) ? d : default;
                return new Outcome(data, status, 0, message, requestId, false, null);
            }

            var transient = transientStatus || code is TooManyRequests or RequestTimedOut;
            return new Outcome(null, status, code, message, requestId, transient, null, retryAfter);
        }

        public string Describe()
        {
            var text = new StringBuilder();
            if (Problem is not null)
            {
                return Problem;
            }

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
