using System.Text.RegularExpressions;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>
/// One configured webhook: a name of our choosing and the shape its messages take. The URL is a secret (it carries
/// the platform's token) and lives in the secret store as <see cref="SecretName"/>, never in settings.
/// </summary>
/// <param name="Name">Lower-case letters, digits and dashes (a Key Vault secret name is built from it).</param>
/// <param name="Format">The message shape.</param>
public sealed partial record WebhookChannel(string Name, WebhookFormat Format)
{
    /// <summary>The secret holding the webhook URL: <c>alert-webhook-&lt;name&gt;</c>.</summary>
    public string SecretName => "alert-webhook-" + Name;

    /// <summary>The secret holding the optional signing secret (Feishu, DingTalk): <c>alert-webhook-&lt;name&gt;-sign</c>.</summary>
    public string SignSecretName => SecretName + "-sign";

    /// <summary>True when <paramref name="name"/> can name a channel.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
