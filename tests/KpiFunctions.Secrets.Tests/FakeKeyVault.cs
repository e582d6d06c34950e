using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using KpiFunctions.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KpiFunctions.Secrets.Tests;

/// <summary>
/// A local fake of Key Vault's secrets endpoints (API 7.5) over https on 127.0.0.1: Get Secret (latest or a version),
/// Set Secret, Get Secret Versions (paged by nextLink), with the service's error shape (404 SecretNotFound, 401 without
/// the expected bearer token, 400 without api-version) and fault switches: throttling with Retry-After, Forbidden, a
/// nextLink pointing elsewhere.
/// </summary>
internal sealed class FakeKeyVault : IAsyncDisposable
{
    public const string Token = "fake-vault-token";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<(string Version, string Value, long Created)>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private int _throttle;

    private FakeKeyVault(WebApplication app, X509Certificate2 certificate, Uri uri)
    {
        _app = app;
        Certificate = certificate;
        Uri = uri;
    }

    public Uri Uri { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>Every request: method, path and query, Authorization header, arrival time.</summary>
    public ConcurrentQueue<(string Method, string PathAndQuery, string? Authorization, DateTimeOffset At)> Requests { get; } = new();

    /// <summary>Versions per page of Get Secret Versions.</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>Retry-After of throttled answers, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Answer 403 Forbidden to everything.</summary>
    public bool Forbidden { get; set; }

    /// <summary>Secrets that are disabled: reading them is 403 SecretDisabled.</summary>
    public ConcurrentDictionary<string, bool> Disabled { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The resource the 401 challenge names (the SDK derives the token's scope from it).</summary>
    public string ChallengeResource { get; set; } = "https://vault.azure.net";

    /// <summary>When set, version pages link their next page to this host instead.</summary>
    public Uri? NextLinkHost { get; set; }

    /// <summary>The next <paramref name="requests"/> requests are answered 429 with Retry-After.</summary>
    public void Throttle(int requests) => Interlocked.Exchange(ref _throttle, requests);

    public static async Task<FakeKeyVault> StartAsync()
    {
        var certificate = LoopbackCertificate.Create();
        FakeKeyVault? vault = null;
        var (app, uri) = await LoopbackHttps.StartAsync(certificate, app =>
        {
            app.Use(async (context, next) =>
            {
                vault!.Requests.Enqueue((context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.FirstOrDefault(), DateTimeOffset.UtcNow));
                if (await vault.RefuseAsync(context))
                {
                    return;
                }

                await next(context);
            });
            app.MapGet("/secrets/{name}", (string name) => vault!.Get(name, null));
            app.MapGet("/secrets/{name}/versions", (string name, HttpContext context) => vault!.Versions(name, context));
            app.MapGet("/secrets/{name}/{version}", (string name, string version) => vault!.Get(name, version));
            app.MapPut("/secrets/{name}", async (string name, HttpContext context) =>
            {
                var body = await JsonNode.ParseAsync(context.Request.Body);
                return body?["value"]?.GetValue<string>() is { } value
                    ? vault!.Set(name, value)
                    : Error(400, "BadParameter", "The request body must hold 'value'.");
            });
        });
        vault = new FakeKeyVault(app, certificate, uri);
        return vault;
    }

    /// <summary>A transport that trusts this fake's certificate (and no other).</summary>
    public HttpClientHandler Handler() => LoopbackCertificate.Trusting(Certificate);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private async Task<bool> RefuseAsync(HttpContext context)
    {
        IResult? refusal = null;
        if (context.Request.Headers.Authorization.FirstOrDefault() != "Bearer " + Token)
        {
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"{ChallengeResource}\"";
            refusal = Error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
        }
        else if (context.Request.Query["api-version"] != "7.5")
        {
            refusal = Error(400, "BadParameter", "The api-version query parameter is missing or not supported.");
        }
        else if (Interlocked.Decrement(ref _throttle) >= 0)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            refusal = Error(429, "Throttled", "Request was not processed because too many requests were received.");
        }
        else if (Forbidden)
        {
            refusal = Error(403, "Forbidden", "Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'.");
        }

        if (refusal is null)
        {
            return false;
        }

        await refusal.ExecuteAsync(context);
        return true;
    }

    private IResult Get(string name, string? version)
    {
        if (Disabled.ContainsKey(name))
        {
            return Error(403, "SecretDisabled", $"Operation get is not allowed on a disabled secret.");
        }

        if (!_secrets.TryGetValue(name, out var versions))
        {
            return Error(404, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault.");
        }

        lock (versions)
        {
            var found = version is null ? versions[^1] : versions.FirstOrDefault(v => v.Version == version);
            return found.Version is null
                ? Error(404, "SecretNotFound", $"A secret with (name/id) {name}/{version} was not found in this key vault.")
                : Results.Json(Bundle(name, found));
        }
    }

    private IResult Set(string name, string value)
    {
        var versions = _secrets.GetOrAdd(name, _ => []);
        var entry = (Guid.NewGuid().ToString("N"), value, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        lock (versions)
        {
            versions.Add(entry);
        }

        return Results.Json(Bundle(name, entry));
    }

    private IResult Versions(string name, HttpContext context)
    {
        var skip = int.TryParse(context.Request.Query["$skiptoken"], out var s) ? s : 0;
        if (!_secrets.TryGetValue(name, out var versions))
        {
            return Results.Json(new JsonObject { ["value"] = new JsonArray(), ["nextLink"] = null });
        }

        List<(string Version, string Value, long Created)> page;
        bool more;
        lock (versions)
        {
            page = [.. versions.Skip(skip).Take(PageSize)];
            more = versions.Count > skip + PageSize;
        }

        var host = NextLinkHost ?? Uri;
        return Results.Json(new JsonObject
        {
            ["value"] = new JsonArray([.. page.Select(v => (JsonNode)new JsonObject
            {
                ["id"] = $"{Uri}secrets/{name}/{v.Version}",
                ["attributes"] = new JsonObject { ["enabled"] = true, ["created"] = v.Created, ["updated"] = v.Created },
            })]),
            ["nextLink"] = more ? $"{host}secrets/{name}/versions?api-version=7.5&$skiptoken={skip + PageSize}" : null,
        });
    }

    private JsonObject Bundle(string name, (string Version, string Value, long Created) v) => new()
    {
        ["value"] = v.Value,
        ["id"] = $"{Uri}secrets/{name}/{v.Version}",
        ["attributes"] = new JsonObject { ["enabled"] = true, ["created"] = v.Created, ["updated"] = v.Created, ["recoveryLevel"] = "Recoverable+Purgeable" },
    };

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, statusCode: status);
}
