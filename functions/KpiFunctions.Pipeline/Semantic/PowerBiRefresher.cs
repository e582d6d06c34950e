using System.Globalization;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KpiFunctions.Pipeline.Semantic;

/// <summary>Options of <see cref="PowerBiRefresher"/>: Azure.Core's retries (a 429's Retry-After is honoured) and transport.</summary>
public sealed class PowerBiRefresherOptions : ClientOptions
{
    /// <summary>The token scope: the public cloud's Power BI API unless set (sovereign clouds have their own).</summary>
    public string Scope { get; set; } = PowerBiRefresher.Scope;

    /// <summary>Creates options with a few exponential retries.</summary>
    public PowerBiRefresherOptions()
    {
        Retry.MaxRetries = 3;
        Retry.Mode = RetryMode.Exponential;
        Retry.Delay = TimeSpan.FromSeconds(2);
    }
}

/// <summary>
/// Asks Power BI to refresh the semantic model once a new semantic version is published: the REST API's
/// "Refresh Dataset In Group" (POST {api}/v1.0/myorg/groups/{workspace}/datasets/{dataset}/refreshes, answered 202),
/// authenticated with a Microsoft Entra ID token for <c>https://analysis.windows.net/powerbi/api/.default</c>. The
/// identity needs to be a member of the workspace (and service principals allowed in the tenant's settings).
/// </summary>
public sealed class PowerBiRefresher
{
    /// <summary>The token scope of the public cloud's Power BI REST API.</summary>
    public const string Scope = "https://analysis.windows.net/powerbi/api/.default";

    private readonly Uri _refreshes;
    private readonly HttpPipeline _pipeline;

    /// <summary>Creates the refresher for a dataset (semantic model) in a workspace.</summary>
    public PowerBiRefresher(Uri apiBase, string workspaceId, string datasetId, TokenCredential credential, PowerBiRefresherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(apiBase);
        ArgumentNullException.ThrowIfNull(credential);
        if (!Guid.TryParse(workspaceId, out var workspace) || !Guid.TryParse(datasetId, out var dataset))
        {
            throw new ArgumentException($"Power BI workspace '{workspaceId}' and dataset '{datasetId}' must be GUIDs (from the model's URL in the Power BI service: /groups/<workspace>/datasets/<dataset>).");
        }

        if (apiBase.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Power BI API '{apiBase}' is not https.", nameof(apiBase));
        }

        _refreshes = new Uri(apiBase, string.Create(CultureInfo.InvariantCulture, $"/v1.0/myorg/groups/{workspace:D}/datasets/{dataset:D}/refreshes"));
        options ??= new PowerBiRefresherOptions();
        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, options.Scope));
    }

    /// <summary>Requests a refresh; returns the request id Power BI gives (its RequestId header), or null.</summary>
    public async Task<string?> RequestRefreshAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(_refreshes);
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes("""{"notifyOption":"NoNotification"}"""));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status == 202)
        {
            return response.Headers.TryGetValue("RequestId", out var id) ? id : null;
        }

        var advice = response.Status switch
        {
            401 or 403 => " Add the app's identity to the workspace (Member or Contributor) and allow service principals to use Power BI APIs in the tenant settings.",
            404 => " Check KPI_POWERBI_WORKSPACE_ID and KPI_POWERBI_DATASET_ID against the model's URL.",
            429 => " Power BI kept throttling (a Pro workspace allows 8 refreshes a day); the next publish asks again.",
            _ => "",
        };
        throw new RequestFailedException(response.Status, string.Create(CultureInfo.InvariantCulture,
            $"Power BI refused the refresh of dataset {_refreshes.Segments[^2].TrimEnd('/')}: {response.Status} {Body(response)}.{advice}"));
    }

    private static string Body(Response response)
    {
        var text = response.Content.ToString();
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
