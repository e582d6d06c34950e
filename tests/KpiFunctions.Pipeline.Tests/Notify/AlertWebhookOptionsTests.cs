using KpiFunctions.Core.Alerts;
using KpiFunctions.Pipeline.Notify;

namespace KpiFunctions.Pipeline.Tests.Notify;

public sealed class AlertWebhookOptionsTests
{
    [Fact]
    public void Channels_levels_and_the_report_base_are_read_from_the_settings()
    {
        var settings = new Dictionary<string, string>
        {
            ["KPI_ALERT_WEBHOOKS"] = "ops:teams, cn-ops:Feishu,dt:dingtalk,wx:wecom,mine:json",
            ["KPI_ALERT_WEBHOOK_LEVEL"] = "Warning",
            ["KPI_REPORT_BASE_URL"] = "https://reports.example.com/kpi",
        };

        var options = AlertWebhookOptions.FromSettings(name => settings.GetValueOrDefault(name));

        Assert.Equal(
            [new("ops", WebhookFormat.Teams), new("cn-ops", WebhookFormat.Feishu), new("dt", WebhookFormat.DingTalk), new("wx", WebhookFormat.WeCom), new WebhookChannel("mine", WebhookFormat.Json)],
            options.Channels);
        Assert.Equal(AlertSeverity.Warning, options.MinSeverity);
        Assert.Equal("https://reports.example.com/kpi/", options.ReportBaseUrl!.AbsoluteUri);
        Assert.Equal(("alert-webhook-cn-ops", "alert-webhook-cn-ops-sign"), (options.Channels[1].SecretName, options.Channels[1].SignSecretName));
    }

    [Fact]
    public void Unset_settings_mean_no_channels_and_critical_alerts_only()
    {
        var options = AlertWebhookOptions.FromSettings(_ => null);

        Assert.Empty(options.Channels);
        Assert.Equal(AlertSeverity.Critical, options.MinSeverity);
        Assert.Null(options.ReportBaseUrl);
    }

    [Theory]
    [InlineData("KPI_ALERT_WEBHOOKS", "ops:teams,ops-feishu", "KPI_ALERT_WEBHOOKS entry 'ops-feishu' is not <channel>:<format>")]
    [InlineData("KPI_ALERT_WEBHOOKS", "ops:slack", "KPI_ALERT_WEBHOOKS entry 'ops:slack' has format 'slack'; use teams, feishu, dingtalk, wecom or json.")]
    [InlineData("KPI_ALERT_WEBHOOKS", "Ops_Team:teams", "KPI_ALERT_WEBHOOKS entry 'Ops_Team:teams' is not <channel>:<format>")]
    [InlineData("KPI_ALERT_WEBHOOKS", "ops:teams,ops:wecom", "KPI_ALERT_WEBHOOKS names channel 'ops' twice")]
    [InlineData("KPI_ALERT_WEBHOOK_LEVEL", "info", "KPI_ALERT_WEBHOOK_LEVEL='info' is not a level; use critical")]
    [InlineData("KPI_REPORT_BASE_URL", "reports/kpi", "KPI_REPORT_BASE_URL='reports/kpi' is not an http(s) URL")]
    public void A_bad_setting_is_refused_naming_the_setting_and_the_entry(string name, string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => AlertWebhookOptions.FromSettings(n => n == name ? value : null));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
