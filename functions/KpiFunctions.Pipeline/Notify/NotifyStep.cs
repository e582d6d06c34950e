using System.Globalization;
using KpiFunctions.Core.Alerts;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Alerts;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>
/// After a run: one message per configured webhook summarising the run's alerts at the configured level, each
/// outcome recorded in KpiAlertDeliveries. A run without such alerts sends nothing and records each channel as
/// skipped. A delivery that fails (a missing secret, a platform that keeps refusing) is recorded, never thrown: the
/// run's data stands whatever the chat platforms do.
/// </summary>
public sealed class NotifyStep(KpiStorage storage, KpiCatalog catalog, AlertWebhooks webhooks, TimeProvider time)
{
    /// <summary>Sends the run's messages and records how each went; returns the outcomes in the channels' order.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> NotifyAsync(NotifyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = webhooks.Options;
        if (options.Channels.Count == 0)
        {
            return [];
        }

        var stores = request.StoreIds.ToHashSet(StringComparer.Ordinal);
        var alerts = (await AlertsStep.ListAsync(storage.Tables, request.From, request.To, cancellationToken).ConfigureAwait(false))
            .Where(a => stores.Contains(a.StoreId));
        var digest = AlertDigest.Build(request.RunId, request.From, request.To, alerts, options.MinSeverity, catalog, request.ReportPath, options.ReportBaseUrl);
        var deliveries = new List<WebhookDelivery>(options.Channels.Count);
        foreach (var channel in options.Channels)
        {
            deliveries.Add(digest.Total == 0
                ? new WebhookDelivery(channel.Name, channel.Format, null, DeliveryStatus.Skipped, 0, null,
                    options.MinSeverity == AlertSeverity.Critical ? "no critical alerts" : "no alerts", 0, time.GetUtcNow())
                : await DeliverAsync(channel, digest, cancellationToken).ConfigureAwait(false));
        }

        await new AlertDeliveryLog(storage.Tables).SaveAsync(request.RunId, deliveries, cancellationToken).ConfigureAwait(false);
        return deliveries;
    }

    private async Task<WebhookDelivery> DeliverAsync(WebhookChannel channel, AlertDigest digest, CancellationToken cancellationToken)
    {
        WebhookDelivery Failed(string error, string? host = null) =>
            new(channel.Name, channel.Format, host, DeliveryStatus.Failed, 0, null, error, digest.Total, time.GetUtcNow());

        string? address;
        string? signSecret;
        try
        {
            address = (await webhooks.Secrets.GetAsync(channel.SecretName, cancellationToken).ConfigureAwait(false))?.Trim();
            signSecret = (await webhooks.Secrets.GetAsync(channel.SignSecretName, cancellationToken).ConfigureAwait(false))?.Trim();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A secret store's own error names the secret and the vault, never a value.
            return Failed($"could not read secret {channel.SecretName}: {ex.GetType().Name}: {ex.Message}");
        }

        if (string.IsNullOrEmpty(address))
        {
            return Failed($"secret {channel.SecretName} is not set; store the webhook's URL under that name in the secret store (Key Vault or the secrets folder)");
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            // Never echo the value: a mistyped URL still carries the token.
            return Failed($"secret {channel.SecretName} is not an http(s) URL; store the webhook's full address");
        }

        signSecret = string.IsNullOrEmpty(signSecret) ? null : signSecret;
        var now = time.GetUtcNow();
        (long, string)? feishuSignature = channel.Format == WebhookFormat.Feishu && signSecret is not null
            ? (now.ToUnixTimeSeconds(), WebhookSigning.Feishu(signSecret, now.ToUnixTimeSeconds()))
            : null;
        if (channel.Format == WebhookFormat.DingTalk && signSecret is not null)
        {
            url = WebhookSigning.DingTalkUrl(url, signSecret, now.ToUnixTimeMilliseconds());
        }

        var body = WebhookMessages.Body(channel.Format, digest, webhooks.Options.MaxListed, feishuSignature);
        string[] secrets = signSecret is null ? [address] : [address, signSecret];
        try
        {
            return await new WebhookSender(webhooks.Http, webhooks.Options, time).SendAsync(channel, url, body, digest.Total, secrets, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failed(WebhookSender.Redact(string.Create(CultureInfo.InvariantCulture, $"{ex.GetType().Name}: {ex.Message}"), url, secrets), url.Host);
        }
    }
}
