using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Alerts;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>
/// A digest as each platform's message body (pure: no clock, no I/O). Each lists up to a number of alerts and says how
/// many more there are; where a platform caps a message's size, fewer are listed until the message fits.
/// </summary>
public static class WebhookMessages
{
    /// <summary>WeCom group robot: a markdown message's content is at most 4096 bytes (UTF-8).</summary>
    public const int WeComMarkdownBytes = 4096;

    /// <summary>DingTalk custom robot: a message body of at most 20000 bytes.</summary>
    public const int DingTalkBodyBytes = 20_000;

    /// <summary>Feishu custom bot: a request body of at most 20 KB.</summary>
    public const int FeishuBodyBytes = 20 * 1024;

    /// <summary>Microsoft Teams: a message (card included) of at most 28 KB.</summary>
    public const int TeamsBodyBytes = 28 * 1024;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The body for <paramref name="format"/>, listing at most <paramref name="maxListed"/> alerts; with
    /// <paramref name="feishuSignature"/> (Feishu only) its <c>timestamp</c> and <c>sign</c> are added.
    /// </summary>
    public static string Body(WebhookFormat format, AlertDigest digest, int maxListed, (long Timestamp, string Sign)? feishuSignature = null)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentOutOfRangeException.ThrowIfNegative(maxListed);
        for (var listed = Math.Min(maxListed, digest.Items.Count); ; listed--)
        {
            var (body, size) = Render(format, digest, listed, feishuSignature);
            if (size <= Limit(format) || listed == 0)
            {
                return body;
            }
        }
    }

    /// <summary>The size cap the body (or, for WeCom, its markdown content) is held to, in UTF-8 bytes.</summary>
    public static int Limit(WebhookFormat format) => format switch
    {
        WebhookFormat.WeCom => WeComMarkdownBytes,
        WebhookFormat.DingTalk => DingTalkBodyBytes,
        WebhookFormat.Feishu => FeishuBodyBytes,
        WebhookFormat.Teams => TeamsBodyBytes,
        _ => int.MaxValue,
    };

    /// <summary>The title line, bilingual: "KPI alerts 指标告警: 3 critical 严重, 2 warnings 警告 (run …)".</summary>
    public static string Title(AlertDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return $"KPI alerts 指标告警: {Counts(digest)} (run {digest.RunId})";
    }

    /// <summary>The summary as markdown (the subset Feishu cards, DingTalk and WeCom share: bold, links, lists).</summary>
    public static string Markdown(AlertDigest digest, int listed)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var text = new StringBuilder();
        text.Append("**").Append(Title(digest)).Append("**\n\n");
        foreach (var line in Header(digest))
        {
            text.Append(line).Append("  \n");
        }

        text.Append('\n');
        for (var i = 0; i < listed; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {Line(digest.Items[i], bold: true)}\n");
        }

        if (More(digest, listed) is { } more)
        {
            text.Append(more).Append('\n');
        }

        if (digest.Report is { } report)
        {
            text.Append('\n').Append(digest.ReportIsLink ? $"Weekly report 周报: [{report}]({report})" : $"Weekly report 周报: {report}");
        }

        return text.ToString().TrimEnd();
    }

    private static (string Body, int Size) Render(WebhookFormat format, AlertDigest digest, int listed, (long Timestamp, string Sign)? feishuSignature)
    {
        JsonObject body;
        switch (format)
        {
            case WebhookFormat.WeCom:
                // WeCom caps the markdown content, not the body.
                var content = Markdown(digest, listed);
                body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = content } };
                return (body.ToJsonString(Json), Encoding.UTF8.GetByteCount(content));
            case WebhookFormat.DingTalk:
                body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["title"] = Title(digest), ["text"] = Markdown(digest, listed) } };
                break;
            case WebhookFormat.Feishu:
                body = Feishu(digest, listed, feishuSignature);
                break;
            case WebhookFormat.Teams:
                body = Teams(digest, listed);
                break;
            default:
                body = Plain(digest, listed);
                break;
        }

        var json = body.ToJsonString(Json);
        return (json, Encoding.UTF8.GetByteCount(json));
    }

    /// <summary>An interactive card: a red (critical) or orange header, and the summary as the card's markdown.</summary>
    private static JsonObject Feishu(AlertDigest digest, int listed, (long Timestamp, string Sign)? signature)
    {
        var body = new JsonObject();
        if (signature is { } s)
        {
            body["timestamp"] = s.Timestamp.ToString(CultureInfo.InvariantCulture);
            body["sign"] = s.Sign;
        }

        body["msg_type"] = "interactive";
        body["card"] = new JsonObject
        {
            ["config"] = new JsonObject { ["wide_screen_mode"] = true },
            ["header"] = new JsonObject
            {
                ["template"] = digest.Critical > 0 ? "red" : "orange",
                ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = Title(digest) },
            },
            ["elements"] = new JsonArray(new JsonObject { ["tag"] = "markdown", ["content"] = Markdown(digest, listed) }),
        };
        return body;
    }

    /// <summary>A message with one Adaptive Card (1.4): title, counts as facts, a line per alert, the report as an action when it is a link.</summary>
    private static JsonObject Teams(AlertDigest digest, int listed)
    {
        JsonObject Text(string text, bool bold = false, bool subtle = false)
        {
            var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
            if (bold)
            {
                block["weight"] = "Bolder";
                block["size"] = "Medium";
            }

            if (subtle)
            {
                block["isSubtle"] = true;
            }

            return block;
        }

        var facts = new JsonArray(
            Fact("Window 区间", Window(digest)),
            Fact("Alerts 告警", Counts(digest)));
        if (digest.TopStores.Count > 0)
        {
            facts.Add(Fact("Stores 店铺", Tallies(digest.TopStores)));
            facts.Add(Fact("KPIs 指标", Tallies(digest.TopKpis)));
        }

        var card = new JsonArray(Text(Title(digest), bold: true), new JsonObject { ["type"] = "FactSet", ["facts"] = facts });
        for (var i = 0; i < listed; i++)
        {
            card.Add(Text(string.Create(CultureInfo.InvariantCulture, $"{i + 1}. {Line(digest.Items[i], bold: true)}")));
        }

        if (More(digest, listed) is { } more)
        {
            card.Add(Text(more, subtle: true));
        }

        var content = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = card,
        };
        if (digest.Report is { } report)
        {
            if (digest.ReportIsLink)
            {
                content["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Weekly report 周报", ["url"] = report });
            }
            else
            {
                card.Add(Text("Weekly report 周报: " + report, subtle: true));
            }
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = content }),
        };
    }

    /// <summary>The digest's fields as they are, for a receiver of one's own.</summary>
    private static JsonObject Plain(AlertDigest digest, int listed)
    {
        JsonArray Tallies(IEnumerable<AlertTally> tallies) => [.. tallies.Select(t => (JsonNode)new JsonObject { ["id"] = t.Key, ["label"] = t.Label, ["critical"] = t.Critical, ["warning"] = t.Warning })];
        return new JsonObject
        {
            ["runId"] = digest.RunId,
            ["from"] = digest.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = digest.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["level"] = digest.MinSeverity == AlertSeverity.Critical ? "critical" : "warning",
            ["critical"] = digest.Critical,
            ["warning"] = digest.Warning,
            ["topStores"] = Tallies(digest.TopStores),
            ["topKpis"] = Tallies(digest.TopKpis),
            ["alerts"] = new JsonArray([.. digest.Items.Take(listed).Select(a => (JsonNode)new JsonObject
            {
                ["date"] = a.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["store"] = a.StoreId,
                ["kpi"] = a.KpiId,
                ["label"] = a.LabelEn,
                ["labelZh"] = a.LabelZh,
                ["value"] = a.Value,
                ["threshold"] = a.Threshold,
                ["severity"] = a.Severity == AlertSeverity.Critical ? "critical" : "warning",
                ["reason"] = a.Reason,
            })]),
            ["more"] = digest.Items.Count - listed,
            ["report"] = digest.Report,
        };
    }

    private static IEnumerable<string> Header(AlertDigest digest)
    {
        yield return "Window 区间: " + Window(digest);
        yield return "Alerts 告警: " + Counts(digest);
        if (digest.TopStores.Count > 0)
        {
            yield return "Stores 店铺: " + Tallies(digest.TopStores);
            yield return "KPIs 指标: " + Tallies(digest.TopKpis);
        }
    }

    private static string Line(AlertDigestItem a, bool bold)
    {
        var severity = a.Severity == AlertSeverity.Critical ? "critical 严重" : "warning 警告";
        var label = a.LabelZh.Length > 0 ? $"{a.LabelEn} {a.LabelZh}" : a.LabelEn;
        return string.Create(CultureInfo.InvariantCulture,
            $"{(bold ? $"**{severity}**" : severity)} {a.Date:yyyy-MM-dd} {a.StoreId} · {label}: {a.Value}{(a.Threshold is null ? "" : $" (against 对比 {a.Threshold})")}");
    }

    private static string? More(AlertDigest digest, int listed) => digest.Items.Count > listed
        ? string.Create(CultureInfo.InvariantCulture, $"…and {digest.Items.Count - listed} more 另有 {digest.Items.Count - listed} 条")
        : null;

    private static string Window(AlertDigest digest) => digest.From == digest.To
        ? digest.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{digest.From:yyyy-MM-dd} – {digest.To:yyyy-MM-dd}");

    private static string Counts(AlertDigest digest) => digest.MinSeverity == AlertSeverity.Critical
        ? string.Create(CultureInfo.InvariantCulture, $"{digest.Critical} critical 严重")
        : string.Create(CultureInfo.InvariantCulture, $"{digest.Critical} critical 严重, {digest.Warning} warning 警告");

    private static string Tallies(IEnumerable<AlertTally> tallies) =>
        string.Join(", ", tallies.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Label} ({t.Critical + t.Warning})")));

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
}
