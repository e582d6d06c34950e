using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KpiFunctions.Core.Alerts;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Notify;
using KpiFunctions.Secrets;
using KpiFunctions.Storage.Tables;
using KpiFunctions.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KpiFunctions.Pipeline.Tests.Notify;

/// <summary>The run's alert messages against a local https server standing in for Teams, Feishu, DingTalk, WeCom and a JSON receiver.</summary>
public sealed partial class NotifyStepTests : IAsyncLifetime
{
    private const string Token = "tok5e3d587ed78e4a07bd07265f269f86fd";
    private const string FeishuSecret = "SECfeishu-test-secret-42";
    private const string DingTalkSecret = "SECdingtalk-test-secret-42";
    private const string Report = "reports/weekly/2026-W47/group.en.html";
    private static readonly DateOnly Day = new(2026, 11, 16);
    private readonly Harness _h = new(2);
    private readonly X509Certificate2 _certificate = LoopbackCertificate.Create();
    private readonly ConcurrentQueue<Received> _requests = new();
    private readonly ConcurrentQueue<Reply> _replies = new();
    private readonly WaitRecordingTime _time = new(Harness.Now);
    private readonly List<string> _stores = [];
    private WebApplication _app = null!;
    private Uri _server = null!;
    private HttpClient _http = null!;
    private FileSecretStore _secrets = null!;

    public async Task InitializeAsync()
    {
        (_app, _server) = await LoopbackHttps.StartAsync(_certificate, app => app.MapPost("/{**rest}", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            _requests.Enqueue(new Received(context.Request.Path, context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal), await reader.ReadToEndAsync()));
            var reply = _replies.TryDequeue(out var next) ? next : new Reply(200, """{"code":0,"errcode":0,"msg":"success","errmsg":"ok"}""");
            if (reply.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = reply.RetryAfter;
            }

            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.Body);
        }));
        _http = new HttpClient(LoopbackCertificate.Trusting(_certificate));
        _secrets = new FileSecretStore(Path.Combine(_h.DataDirectory, "secrets"));
        await _h.Storage.EnsureTablesAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _http.Dispose();
        _certificate.Dispose();
        _h.Dispose();
    }

    [Fact]
    public async Task Teams_gets_one_adaptive_card_with_the_counts_the_worst_alert_first_and_the_report_link()
    {
        await SeedAsync(critical: 3, warnings: 1);
        await _secrets.SetAsync("alert-webhook-ops", $"{_server}webhook/teams/{Token}");

        var delivery = Assert.Single(await Step("ops:teams", reportBase: new Uri("https://reports.example.com/kpi/")).NotifyAsync(Request(Report)));

        var request = Assert.Single(_requests);
        Assert.Equal("/webhook/teams/" + Token, request.Path);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("message", (string?)body["type"]);
        var attachment = body["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!;
        Assert.Equal(("AdaptiveCard", "1.4"), ((string?)card["type"], (string?)card["version"]));
        var blocks = card["body"]!.AsArray();
        Assert.Equal("KPI alerts 指标告警: 3 critical 严重 (run run-1)", (string?)blocks[0]!["text"]);
        Assert.Equal("FactSet", (string?)blocks[1]!["type"]);
        Assert.Equal(5, blocks.Count); // title, facts, the three critical alerts (the warning is below the level)
        // store-02 is furthest from its usual GMV (robust z −8), so it comes first.
        Assert.Equal("1. **critical 严重** 2026-11-16 store-02 · GMV 成交总额: 60.00 (against 对比 100.00)", (string?)blocks[2]!["text"]);
        Assert.Equal("https://reports.example.com/kpi/" + Report, (string?)card["actions"]![0]!["url"]);
        Assert.Equal((DeliveryStatus.Delivered, 1, 200, "127.0.0.1", 3), (delivery.Status, delivery.Attempts, delivery.LastHttpStatus, delivery.Host, delivery.Alerts));
        Assert.Equal([delivery], await new AlertDeliveryLog(_h.Storage.Tables).ListAsync("run-1"));
    }

    [Fact]
    public async Task Feishu_gets_an_interactive_card_signed_with_the_bots_secret_and_the_time_in_seconds()
    {
        await SeedAsync(critical: 2, warnings: 0);
        await _secrets.SetAsync("alert-webhook-cn", $"{_server}open-apis/bot/v2/hook/{Token}");
        await _secrets.SetAsync("alert-webhook-cn-sign", FeishuSecret);

        var delivery = Assert.Single(await Step("cn:feishu").NotifyAsync(Request()));

        var request = Assert.Single(_requests);
        var body = JsonNode.Parse(request.Body)!;
        // Hand-computed: Base64(HMAC-SHA256(key "1795176000\nSECfeishu-test-secret-42", message empty)); 1795176000 = 2026-11-20T12:00:00Z.
        Assert.Equal(("1795176000", "VfBKHqLHP7IEC8BSGewKABIuNEu6Wdut8Apt0fAxbvc="), ((string?)body["timestamp"], (string?)body["sign"]));
        Assert.Equal("interactive", (string?)body["msg_type"]);
        Assert.Equal("red", (string?)body["card"]!["header"]!["template"]);
        Assert.Equal("KPI alerts 指标告警: 2 critical 严重 (run run-1)", (string?)body["card"]!["header"]!["title"]!["content"]);
        var element = body["card"]!["elements"]![0]!;
        Assert.Equal("markdown", (string?)element["tag"]);
        Assert.Contains("Stores 店铺: store-00 (1), store-01 (1)", (string?)element["content"], StringComparison.Ordinal);
        Assert.DoesNotContain(FeishuSecret, request.Body, StringComparison.Ordinal);
        Assert.Equal((DeliveryStatus.Delivered, 1), (delivery.Status, delivery.Attempts));
    }

    [Fact]
    public async Task DingTalk_gets_markdown_with_the_signature_and_the_time_in_milliseconds_in_the_query()
    {
        await SeedAsync(critical: 1, warnings: 0);
        await _secrets.SetAsync("alert-webhook-dt", $"{_server}robot/send?access_token={Token}");
        await _secrets.SetAsync("alert-webhook-dt-sign", DingTalkSecret);

        var delivery = Assert.Single(await Step("dt:dingtalk").NotifyAsync(Request(Report)));

        var request = Assert.Single(_requests);
        // Hand-computed: Base64(HMAC-SHA256(key "SECdingtalk-test-secret-42", message "1795176000000\nSECdingtalk-test-secret-42")).
        Assert.Equal(Token, request.Query["access_token"]);
        Assert.Equal("1795176000000", request.Query["timestamp"]);
        Assert.Equal("nQCfS2R0cYuxkku8doSh/KUP7Ea3DQwpDXWOJSGrGcM=", request.Query["sign"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("markdown", (string?)body["msgtype"]);
        Assert.Equal("KPI alerts 指标告警: 1 critical 严重 (run run-1)", (string?)body["markdown"]!["title"]);
        var text = (string)body["markdown"]!["text"]!;
        Assert.Contains("1. **critical 严重** 2026-11-16 store-00 · GMV 成交总额: 60.00 (against 对比 100.00)", text, StringComparison.Ordinal);
        Assert.EndsWith("Weekly report 周报: " + Report, text, StringComparison.Ordinal); // no base URL: the relative path
        Assert.DoesNotContain(DingTalkSecret, request.Body, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
    }

    [Fact]
    public async Task WeCom_gets_markdown_trimmed_to_4096_bytes_with_how_many_more_there_are()
    {
        // Long store names make ten listed alerts (and the "most affected" line) far over WeCom's 4096 bytes.
        await SeedAsync(critical: 60, warnings: 0, storeSuffix: new string('x', 300));
        await _secrets.SetAsync("alert-webhook-wx", $"{_server}cgi-bin/webhook/send?key={Token}");

        var delivery = Assert.Single(await Step("wx:wecom").NotifyAsync(Request()));

        var body = JsonNode.Parse(Assert.Single(_requests).Body)!;
        Assert.Equal("markdown", (string?)body["msgtype"]);
        var content = (string)body["markdown"]!["content"]!;
        Assert.InRange(Encoding.UTF8.GetByteCount(content), 1, WebhookMessages.WeComMarkdownBytes);
        var listed = ListedLine().Matches(content).Count;
        Assert.InRange(listed, 1, 9);
        Assert.Contains($"…and {60 - listed} more 另有 {60 - listed} 条", content, StringComparison.Ordinal);
        Assert.Equal((DeliveryStatus.Delivered, 60), (delivery.Status, delivery.Alerts));
    }

    [Fact]
    public async Task The_json_format_lists_ten_with_the_rest_counted_and_warnings_only_at_level_warning()
    {
        await SeedAsync(critical: 12, warnings: 3);
        await _secrets.SetAsync("alert-webhook-mine", $"{_server}hooks/kpi?secret={Token}");

        await Step("mine:json").NotifyAsync(Request(Report));
        await Step("mine:json", AlertSeverity.Warning).NotifyAsync(Request(Report));

        var bodies = _requests.Select(r => JsonNode.Parse(r.Body)!).ToArray();
        Assert.Equal(2, bodies.Length);
        var critical = bodies[0];
        Assert.Equal(("run-1", "2026-11-16", "critical", 12, 0), ((string?)critical["runId"], (string?)critical["from"], (string?)critical["level"], (int)critical["critical"]!, (int)critical["warning"]!));
        Assert.Equal(10, critical["alerts"]!.AsArray().Count);
        Assert.Equal(2, (int)critical["more"]!);
        Assert.All(critical["alerts"]!.AsArray(), a => Assert.Equal("critical", (string?)a!["severity"]));
        Assert.Equal(Report, (string?)critical["report"]);
        var warning = bodies[1];
        Assert.Equal(("warning", 12, 3, 5), ((string?)warning["level"], (int)warning["critical"]!, (int)warning["warning"]!, (int)warning["more"]!));
        Assert.Equal(("store-11", "gmv", "60.00", "100.00"), ((string?)warning["alerts"]![0]!["store"], (string?)warning["alerts"]![0]!["kpi"], (string?)warning["alerts"]![0]!["value"], (string?)warning["alerts"]![0]!["threshold"]));
    }

    [Fact]
    public async Task A_run_without_alerts_at_the_level_sends_nothing_and_records_each_channel_as_skipped()
    {
        await SeedAsync(critical: 0, warnings: 2);
        await _secrets.SetAsync("alert-webhook-ops", $"{_server}webhook/teams/{Token}");

        var deliveries = await Step("ops:teams,wx:wecom").NotifyAsync(Request());

        Assert.Empty(_requests);
        Assert.Equal(
            [("ops", DeliveryStatus.Skipped, 0, "no critical alerts"), ("wx", DeliveryStatus.Skipped, 0, "no critical alerts")],
            deliveries.Select(d => (d.Channel, d.Status, d.Attempts, d.Error)));
        Assert.Equal(2, (await new AlertDeliveryLog(_h.Storage.Tables).ListAsync("run-1")).Count(d => d.Status == DeliveryStatus.Skipped));
    }

    [Fact]
    public async Task A_429_is_sent_again_after_its_retry_after_and_both_attempts_are_recorded()
    {
        await SeedAsync(critical: 1, warnings: 0);
        await _secrets.SetAsync("alert-webhook-ops", $"{_server}webhook/teams/{Token}");
        _replies.Enqueue(new Reply(429, """{"error":"too many requests"}""", RetryAfter: "3"));

        var delivery = Assert.Single(await Step("ops:teams").NotifyAsync(Request()));

        Assert.Equal(2, _requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(3)], _time.Waits); // the server's hint, not the shorter 100 ms back-off
        Assert.Equal((DeliveryStatus.Delivered, 2, 200), (delivery.Status, delivery.Attempts, delivery.LastHttpStatus));
        Assert.Equal(2, Assert.Single(await new AlertDeliveryLog(_h.Storage.Tables).ListAsync("run-1")).Attempts);
    }

    [Fact]
    public async Task A_500_every_time_is_recorded_failed_after_four_attempts_without_the_url_or_its_token()
    {
        await SeedAsync(critical: 1, warnings: 0);
        var url = $"{_server}cgi-bin/webhook/send?key={Token}";
        await _secrets.SetAsync("alert-webhook-wx", url);
        for (var i = 0; i < 4; i++)
        {
            _replies.Enqueue(new Reply(500, $$"""{"errcode":-1,"errmsg":"upstream failed for {{url}}"}"""));
        }

        var delivery = Assert.Single(await Step("wx:wecom").NotifyAsync(Request()));

        Assert.Equal(4, _requests.Count);
        Assert.Equal(3, _time.Waits.Count);
        Assert.Equal((DeliveryStatus.Failed, 4, 500), (delivery.Status, delivery.Attempts, delivery.LastHttpStatus));
        Assert.StartsWith("HTTP 500 from 127.0.0.1: ", delivery.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, delivery.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("cgi-bin/webhook/send?", delivery.Error, StringComparison.Ordinal);
        Assert.Equal([delivery], await new AlertDeliveryLog(_h.Storage.Tables).ListAsync("run-1"));
        Assert.DoesNotContain(Token, "wx: " + delivery.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_platforms_rate_limit_code_in_a_200_is_retried_and_its_other_codes_fail_at_once()
    {
        await SeedAsync(critical: 1, warnings: 0);
        await _secrets.SetAsync("alert-webhook-wx", $"{_server}cgi-bin/webhook/send?key={Token}");
        await _secrets.SetAsync("alert-webhook-cn", $"{_server}open-apis/bot/v2/hook/{Token}");
        await _secrets.SetAsync("alert-webhook-dt", $"{_server}robot/send?access_token={Token}");
        _replies.Enqueue(new Reply(200, """{"errcode":45009,"errmsg":"api freq out of limit"}"""));
        _replies.Enqueue(new Reply(200, """{"errcode":0,"errmsg":"ok"}"""));
        _replies.Enqueue(new Reply(200, """{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time","data":{}}"""));
        _replies.Enqueue(new Reply(200, """{"errcode":310000,"errmsg":"keywords not in content"}"""));

        var deliveries = await Step("wx:wecom,cn:feishu,dt:dingtalk").NotifyAsync(Request());

        Assert.Equal(4, _requests.Count);
        Assert.Equal((DeliveryStatus.Delivered, 2), (deliveries[0].Status, deliveries[0].Attempts));
        Assert.Equal(
            (DeliveryStatus.Failed, 1, "Feishu code 19021: sign match fail or timestamp is not within one hour from current time"),
            (deliveries[1].Status, deliveries[1].Attempts, deliveries[1].Error));
        Assert.Equal((DeliveryStatus.Failed, 1, "DingTalk errcode 310000: keywords not in content"), (deliveries[2].Status, deliveries[2].Attempts, deliveries[2].Error));
    }

    [Fact]
    public async Task A_missing_or_malformed_url_secret_is_recorded_failed_by_its_name_never_its_value()
    {
        await SeedAsync(critical: 1, warnings: 0);
        await _secrets.SetAsync("alert-webhook-bad", "open.feishu.cn/open-apis/bot/v2/hook/" + Token);

        var deliveries = await Step("gone:teams,bad:feishu").NotifyAsync(Request());

        Assert.Empty(_requests);
        Assert.Equal((DeliveryStatus.Failed, 0, null), (deliveries[0].Status, deliveries[0].Attempts, deliveries[0].Host));
        Assert.StartsWith("secret alert-webhook-gone is not set", deliveries[0].Error, StringComparison.Ordinal);
        Assert.Equal("secret alert-webhook-bad is not an http(s) URL; store the webhook's full address", deliveries[1].Error);
        Assert.All(deliveries, d => Assert.DoesNotContain(Token, d.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_whose_webhook_fails_every_attempt_completes_and_says_so_per_channel()
    {
        await _h.SeedAsync(Day, Day);
        await _h.Runner().RunAsync(new Steps.RunRequest(Day, Day, ["uk-main"]));
        // Six earlier Mondays of GMV far above the day's: the second run raises a critical GMV alert for it.
        var repository = new Kpis.KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default);
        var today = (await repository.QueryAsync(Day, Day, "uk-main")).Single();
        var gmv = today.Kpis["gmv"].Value!.Value;
        await repository.SaveAsync([.. Enumerable.Range(1, 6).Select(k => today with
        {
            Date = Day.AddDays(-7 * k),
            Kpis = today.Kpis.ToDictionary(p => p.Key, p => p.Key == "gmv" ? p.Value with { Value = (gmv * 10) + k } : p.Value, StringComparer.Ordinal),
        })]);
        await _secrets.SetAsync("alert-webhook-ops", $"{_server}webhook/teams/{Token}");
        for (var i = 0; i < 4; i++)
        {
            _replies.Enqueue(new Reply(503, "busy"));
        }

        var runner = new KpiFunctions.Local.LocalPipelineRunner(_h.Storage, new Sources.Synthetic.SyntheticSource(_h.World), new Sources.Synthetic.SyntheticFxSource(_h.World), _h.Options, _h.Time)
        {
            Webhooks = Webhooks("ops:teams", AlertSeverity.Critical, null),
        };
        var summary = await runner.RunAsync(new Steps.RunRequest(Day, Day, ["uk-main"]));

        Assert.Equal(Runs.RunStatus.Completed, summary.Header.Status);
        var delivery = Assert.Single(summary.Deliveries);
        Assert.Equal((DeliveryStatus.Failed, 4, 503), (delivery.Status, delivery.Attempts, delivery.LastHttpStatus));
        Assert.Equal("ops: failed after 4 attempts (HTTP 503 from 127.0.0.1: busy)", delivery.Describe());
        Assert.Contains("; alert messages: ops: failed after 4 attempts", summary.Header.Output, StringComparison.Ordinal);
        var body = JsonNode.Parse(_requests.First().Body)!;
        Assert.Contains("uk-main · GMV 成交总额", (string?)body["attachments"]![0]!["content"]!["body"]![2]!["text"], StringComparison.Ordinal);
    }

    private NotifyStep Step(string channels, AlertSeverity level = AlertSeverity.Critical, Uri? reportBase = null) =>
        new(_h.Storage, KpiCatalog.Default, Webhooks(channels, level, reportBase), _time);

    private AlertWebhooks Webhooks(string channels, AlertSeverity level, Uri? reportBase) => new(
        new AlertWebhookOptions { Channels = AlertWebhookOptions.ParseChannels(channels), MinSeverity = level, ReportBaseUrl = reportBase, BaseRetryDelay = TimeSpan.FromMilliseconds(100) },
        _secrets,
        _http);

    private NotifyRequest Request(string? report = null) => new("run-1", Day, Day, _stores, report);

    /// <summary>
    /// Critical GMV alerts (value 60 against a usual 100, robust z −6, −7, … so the last store is the worst) and
    /// refund-rate warnings on <see cref="Day"/>, one store each.
    /// </summary>
    private async Task SeedAsync(int critical, int warnings, string storeSuffix = "")
    {
        for (var i = 0; i < critical + warnings; i++)
        {
            var store = $"store-{i:00}{storeSuffix}";
            _stores.Add(store);
            await _h.Storage.Tables.UpsertEntityAsync(TableNames.Alerts, i < critical
                ? new TableEntity("2026-11-16", store + "|gmv") { ["Value"] = 60m, ["Baseline"] = 100m, ["Mad"] = 5m, ["Deviation"] = -6m - i, ["Severity"] = "Critical", ["Reason"] = "gmv is 60 against a usual 100" }
                : new TableEntity("2026-11-16", store + "|refund_rate") { ["Value"] = 7.5m, ["Severity"] = "Warning", ["Reason"] = "refund_rate is 7.5: turned red on its thresholds" });
        }
    }

    [GeneratedRegex(@"^\d+\. ", RegexOptions.Multiline)]
    private static partial Regex ListedLine();

    private sealed record Received(string Path, IReadOnlyDictionary<string, string> Query, string Body);

    private sealed record Reply(int Status, string Body, string? RetryAfter = null);
}
