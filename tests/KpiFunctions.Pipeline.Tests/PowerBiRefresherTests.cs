using System.Collections.Concurrent;
using System.Net;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using KpiFunctions.Local;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Semantic;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>The Power BI refresh after a publish, against a local https fake of the REST API's Refresh Dataset In Group.</summary>
public sealed class PowerBiRefresherTests : IAsyncLifetime
{
    private const string Token = "fake-powerbi-token";
    private static readonly Guid Workspace = Guid.Parse("f089354e-8366-4e18-aea3-4cb4a3a50b48");
    private static readonly Guid Dataset = Guid.Parse("cfafbeb1-8037-4d0c-896e-a46fb27ff229");
    private readonly ConcurrentQueue<(string Method, string Path, string? Authorization, string Body)> _requests = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = LoopbackCertificate.Create();
    private WebApplication _app = null!;
    private Uri _api = null!;
    private Queue<(int Status, string? RetryAfter)> _answers = new();

    public async Task InitializeAsync()
    {
        (_app, _api) = await LoopbackHttps.StartAsync(_certificate, app => app.MapPost("/v1.0/myorg/groups/{workspace}/datasets/{dataset}/refreshes", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            _requests.Enqueue((context.Request.Method, context.Request.Path, context.Request.Headers.Authorization.FirstOrDefault(), await reader.ReadToEndAsync()));
            if (context.Request.Headers.Authorization.FirstOrDefault() != "Bearer " + Token)
            {
                return Results.Json(new { error = new { code = "TokenExpired" } }, statusCode: 403);
            }

            var (status, retryAfter) = _answers.Count > 0 ? _answers.Dequeue() : (202, null);
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            context.Response.Headers["RequestId"] = "5b1c3c5e-0001-4f2f-9d6a-2a2f0c6f1e11";
            return status == 202 ? Results.StatusCode(202) : Results.Json(new { error = new { code = status == 404 ? "ItemNotFound" : "TooManyRequests" } }, statusCode: status);
        }));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task A_refresh_is_posted_to_the_models_refreshes_with_a_power_bi_token_and_its_request_id_comes_back()
    {
        var id = await Refresher().RequestRefreshAsync();

        var request = Assert.Single(_requests);
        Assert.Equal("5b1c3c5e-0001-4f2f-9d6a-2a2f0c6f1e11", id);
        Assert.Equal(("POST", $"/v1.0/myorg/groups/{Workspace}/datasets/{Dataset}/refreshes", "Bearer " + Token), (request.Method, request.Path, request.Authorization));
        Assert.Equal("""{"notifyOption":"NoNotification"}""", request.Body);
    }

    [Fact]
    public async Task A_throttled_refresh_is_asked_again_after_the_retry_after()
    {
        _answers = new([(429, "1"), (202, null)]);

        Assert.NotNull(await Refresher().RequestRefreshAsync());
        Assert.Equal(2, _requests.Count);
    }

    [Fact]
    public async Task An_unknown_model_is_refused_with_what_to_check_and_the_token_never_shows()
    {
        _answers = new([(404, null)]);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Refresher().RequestRefreshAsync());

        Assert.Equal(404, error.Status);
        Assert.Contains("Check KPI_POWERBI_WORKSPACE_ID and KPI_POWERBI_DATASET_ID", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_asks_for_a_refresh_after_its_publish_and_a_refused_one_is_noted_in_its_output_without_failing_it()
    {
        using var h = new Harness(2);
        var from = new DateOnly(2026, 11, 16);
        await h.SeedAsync(from, from);
        var runner = new LocalPipelineRunner(h.Storage, new SyntheticSource(h.World), new SyntheticFxSource(h.World), h.Options, h.Time) { Refresher = Refresher() };
        _answers = new([(404, null)]);

        var refused = await runner.RunAsync(new RunRequest(from, from));
        var requested = await runner.RunAsync(new RunRequest(from, from));

        Assert.Equal(RunStatus.Completed, refused.Header.Status);
        Assert.Contains("Power BI refresh failed: Power BI refused the refresh", refused.Header.Output, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, requested.Header.Status);
        Assert.Contains("Power BI refresh requested (request 5b1c3c5e-0001-4f2f-9d6a-2a2f0c6f1e11)", requested.Header.Output, StringComparison.Ordinal);
        Assert.Equal(2, _requests.Count);
    }

    private PowerBiRefresher Refresher() => new(_api, Workspace.ToString(), Dataset.ToString(), new StaticToken(Token, PowerBiRefresher.Scope),
        new PowerBiRefresherOptions { Transport = new HttpClientTransport(LoopbackCertificate.Trusting(_certificate)), Retry = { Delay = TimeSpan.FromMilliseconds(50) } });
}
