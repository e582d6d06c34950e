using KpiFunctions.Secrets;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>What sending alert messages needs: the settings, the secret store holding the URLs, and the HTTP client.</summary>
/// <param name="Options">Channels, level, retries.</param>
/// <param name="Secrets">Where <c>alert-webhook-&lt;channel&gt;</c> (and <c>-sign</c>) are kept.</param>
/// <param name="Http">The shared client (its own timeout is not relied on: each attempt has <see cref="AlertWebhookOptions.AttemptTimeout"/>).</param>
public sealed record AlertWebhooks(AlertWebhookOptions Options, ISecretStore Secrets, HttpClient Http);
