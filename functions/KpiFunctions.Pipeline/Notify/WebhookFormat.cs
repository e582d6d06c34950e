namespace KpiFunctions.Pipeline.Notify;

/// <summary>The message shape a webhook takes.</summary>
public enum WebhookFormat
{
    /// <summary>Microsoft Teams: an Adaptive Card in a message (Workflows "post to a channel when a webhook request is received", or an incoming webhook).</summary>
    Teams,

    /// <summary>Feishu (Lark) custom bot: an interactive card, signed when the bot has a signing secret.</summary>
    Feishu,

    /// <summary>DingTalk custom robot: a markdown message, signed (加签) when the robot has a signing secret.</summary>
    DingTalk,

    /// <summary>WeCom (企业微信) group robot: a markdown message of at most 4096 bytes.</summary>
    WeCom,

    /// <summary>Plain JSON: the summary's fields, for any receiver of your own.</summary>
    Json,
}
