namespace KpiFunctions.Pipeline.Notify;

/// <summary>What became of a run's message to one webhook, as recorded in KpiAlertDeliveries.</summary>
/// <param name="Channel">The channel's name.</param>
/// <param name="Format">Its message shape.</param>
/// <param name="Host">The webhook's host (never its path or query: they carry the token); null when the URL was not read.</param>
/// <param name="Status">Delivered, failed or skipped.</param>
/// <param name="Attempts">Requests sent, the first included (0 when nothing was sent).</param>
/// <param name="LastHttpStatus">The last reply's HTTP status; null when no reply came (or nothing was sent).</param>
/// <param name="Error">Why it failed or was skipped, without the URL, token or signing secret; null when delivered.</param>
/// <param name="Alerts">Alerts the message summarised.</param>
/// <param name="AtUtc">When the outcome was decided.</param>
public sealed record WebhookDelivery(
    string Channel,
    WebhookFormat Format,
    string? Host,
    DeliveryStatus Status,
    int Attempts,
    int? LastHttpStatus,
    string? Error,
    int Alerts,
    DateTimeOffset AtUtc)
{
    /// <summary>One line for a console or a run's output: "teams: delivered", "feishu: failed after 4 attempts (…)".</summary>
    public string Describe() => Status switch
    {
        DeliveryStatus.Delivered => FormattableString.Invariant($"{Channel}: delivered ({Alerts} alerts{(Attempts > 1 ? $", {Attempts} attempts" : "")})"),
        DeliveryStatus.Skipped => FormattableString.Invariant($"{Channel}: nothing sent ({Error ?? "no alerts at the configured level"})"),
        _ => FormattableString.Invariant($"{Channel}: failed after {Attempts} attempt{(Attempts == 1 ? "" : "s")} ({Error})"),
    };
}
