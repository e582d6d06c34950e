using System.Globalization;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace KpiFunctions.Bench.Retired;

/// <summary>
/// Signs Table requests with SharedKeyLite ("Authorize with Shared Key", Table service, Shared Key Lite):
/// string-to-sign = x-ms-date + "\n" + "/" + account + path (+ "?comp=…" when present).
/// </summary>
internal sealed class SharedKeyLiteTablePolicy(string accountName, byte[] accountKey, TimeProvider time) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var date = time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        request.Headers.SetValue("x-ms-date", date);
        var uri = request.Uri.ToUri();
        var resource = "/" + accountName + uri.AbsolutePath;
        var comp = uri.Query.TrimStart('?').Split('&').FirstOrDefault(p => p.StartsWith("comp=", StringComparison.Ordinal));
        if (comp is not null)
        {
            resource += "?" + comp;
        }

        var signature = SharedKeyPolicy.Sign(accountKey, date + "\n" + resource);
        request.Headers.SetValue("Authorization", $"SharedKeyLite {accountName}:{signature}");
    }
}
