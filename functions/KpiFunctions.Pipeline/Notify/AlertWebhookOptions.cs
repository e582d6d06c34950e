using KpiFunctions.Core.Alerts;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>
/// Which webhooks hear of a run's alerts, from which severity, and how hard a delivery is tried: KPI_ALERT_WEBHOOKS,
/// KPI_ALERT_WEBHOOK_LEVEL and KPI_REPORT_BASE_URL. No URL here: each channel's URL is a secret.
/// </summary>
public sealed class AlertWebhookOptions
{
    /// <summary>The channels, in the order configured; empty: no messages.</summary>
    public IReadOnlyList<WebhookChannel> Channels { get; init; } = [];

    /// <summary>The least severe alert a message includes: <see cref="AlertSeverity.Critical"/> unless warnings are asked for.</summary>
    public AlertSeverity MinSeverity { get; init; } = AlertSeverity.Critical;

    /// <summary>Prefixed to the weekly report's relative path to make its link; null: the message names the relative path.</summary>
    public Uri? ReportBaseUrl { get; init; }

    /// <summary>Requests per message, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first retry's wait; later ones double, with jitter, up to <see cref="MaxRetryDelay"/> (a Retry-After longer than that is still honoured).</summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest computed wait between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest Retry-After honoured; a platform asking for more is given up on (the run should not wait for it).</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one request may take before it counts as failed (and is retried).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Alerts listed one by one in a message before "and N more"; fewer when a platform's size limit needs it.</summary>
    public int MaxListed { get; init; } = 10;

    /// <summary>Reads and checks the settings; a bad value throws <see cref="ArgumentException"/> naming the setting and the entry.</summary>
    public static AlertWebhookOptions FromSettings(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        string? Get(string name) => setting(name) is { Length: > 0 } v && v.Trim() is { Length: > 0 } t ? t : null;
        return new AlertWebhookOptions
        {
            Channels = ParseChannels(Get("KPI_ALERT_WEBHOOKS")),
            MinSeverity = Get("KPI_ALERT_WEBHOOK_LEVEL")?.ToLowerInvariant() switch
            {
                null or "critical" => AlertSeverity.Critical,
                "warning" => AlertSeverity.Warning,
                var other => throw new ArgumentException($"KPI_ALERT_WEBHOOK_LEVEL='{other}' is not a level; use critical (the default: critical alerts only) or warning (warnings too)."),
            },
            ReportBaseUrl = Get("KPI_REPORT_BASE_URL") is { } url
                ? Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Query.Length == 0
                    ? uri
                    : throw new ArgumentException($"KPI_REPORT_BASE_URL='{url}' is not an http(s) URL without a query; set the address the reports folder is served from, e.g. https://reports.example.com/kpi/.")
                : null,
        };
    }

    /// <summary>Parses <c>name:format,name:format</c>; null or empty: no channels.</summary>
    public static IReadOnlyList<WebhookChannel> ParseChannels(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var channels = new List<WebhookChannel>();
        foreach (var raw in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = raw.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !WebhookChannel.IsValidName(parts[0]))
            {
                throw new ArgumentException($"KPI_ALERT_WEBHOOKS entry '{raw}' is not <channel>:<format>, the channel of lower-case letters, digits and dashes (at most 40), e.g. ops:teams,cn-ops:feishu.");
            }

            var format = parts[1].ToLowerInvariant() switch
            {
                "teams" => WebhookFormat.Teams,
                "feishu" or "lark" => WebhookFormat.Feishu,
                "dingtalk" => WebhookFormat.DingTalk,
                "wecom" => WebhookFormat.WeCom,
                "json" => WebhookFormat.Json,
                _ => throw new ArgumentException($"KPI_ALERT_WEBHOOKS entry '{raw}' has format '{parts[1]}'; use teams, feishu, dingtalk, wecom or json."),
            };
            if (channels.Any(c => c.Name == parts[0]))
            {
                throw new ArgumentException($"KPI_ALERT_WEBHOOKS names channel '{parts[0]}' twice; each channel has one URL secret (alert-webhook-{parts[0]}), so give each its own name.");
            }

            channels.Add(new WebhookChannel(parts[0], format));
        }

        return channels;
    }
}
