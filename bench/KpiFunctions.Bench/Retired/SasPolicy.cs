using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace KpiFunctions.Bench.Retired;

/// <summary>
/// Authorizes requests with a shared access signature ("Grant limited access with SAS"): the token's query
/// parameters, already URL-encoded by whoever issued it, are appended to every request as they are.
/// Azure.Core's logging redacts query values it does not know, so "sig" never reaches a log.
/// </summary>
internal sealed class SasPolicy : HttpPipelineSynchronousPolicy
{
    private readonly (string Name, string Value)[] _parameters;

    public SasPolicy(string token) =>
        _parameters = [.. token.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? (p, "") : (p[..eq], p[(eq + 1)..]);
        })];

    public override void OnSendingRequest(HttpMessage message)
    {
        // The policy runs on every retry of a message; the token is added to its URI once.
        if (message.TryGetProperty(typeof(SasPolicy), out _))
        {
            return;
        }

        message.SetProperty(typeof(SasPolicy), true);
        foreach (var (name, value) in _parameters)
        {
            message.Request.Uri.AppendQuery(name, value, escapeValue: false);
        }
    }
}
