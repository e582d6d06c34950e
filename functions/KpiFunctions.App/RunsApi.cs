using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Orchestration;
using KpiFunctions.Pipeline.Activities;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Pipeline.Runs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;

namespace KpiFunctions.App;

/// <summary>
/// The HTTP API, behind function keys: POST /api/runs starts a backfill (or the nightly window) and answers 202 with
/// Durable's own status and management URLs; GET /api/runs/{id} is the run's Durable status; GET /api/runs lists recent
/// runs; GET /api/kpis reads KPI rows; GET /api/health says what the app runs on. Bad input is a 400 saying what to fix.
/// </summary>
public sealed class RunsApi(AppServices services)
{
    /// <summary>POST /api/runs.</summary>
    [Function("StartRun")]
    public async Task<HttpResponseData> StartRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        RunInput input;
        try
        {
            input = RunRequests.Parse(await request.ReadAsStringAsync().ConfigureAwait(false));
            await services.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
            var (_, from, to, _) = await RunPlanner.ResolveAsync(services.Storage, input, services.Time.GetUtcNow(), services.Options.LookbackDays, cancellationToken).ConfigureAwait(false);
            input = input with { From = from, To = to };
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return await JsonAsync(request, HttpStatusCode.BadRequest, new JsonObject { ["error"] = ex.Message }, cancellationToken).ConfigureAwait(false);
        }

        var id = await RunStarter.StartAsync(client, RunPlanner.NewRunId(services.Time.GetUtcNow()), input, cancellationToken).ConfigureAwait(false);
        return await client.CreateCheckStatusResponseAsync(request, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /api/runs/{id}: the orchestration's status in Durable's shape (200 done, 202 running, 400 failed, 404 unknown).</summary>
    [Function("GetRun")]
    public static async Task<HttpResponseData> GetRun(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id}")] HttpRequestData request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return await JsonAsync(request, HttpStatusCode.NotFound, new JsonObject { ["error"] = $"No run '{id}'; GET /api/runs lists the recent ones." }, cancellationToken).ConfigureAwait(false);
        }

        var status = instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => HttpStatusCode.OK,
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => HttpStatusCode.BadRequest,
            _ => HttpStatusCode.Accepted,
        };
        return await JsonAsync(request, status, new JsonObject
        {
            ["name"] = instance.Name,
            ["instanceId"] = instance.InstanceId,
            ["runtimeStatus"] = instance.RuntimeStatus.ToString(),
            ["input"] = Parse(instance.SerializedInput),
            ["output"] = Parse(instance.SerializedOutput) ?? (instance.FailureDetails is { } failure ? JsonValue.Create(failure.ErrorMessage) : null),
            ["customStatus"] = Parse(instance.SerializedCustomStatus),
            ["createdTime"] = instance.CreatedAt,
            ["lastUpdatedTime"] = instance.LastUpdatedAt,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /api/runs: the recent runs from the run summary, newest first.</summary>
    [Function("ListRuns")]
    public async Task<HttpResponseData> ListRuns(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        await services.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var recent = await new RunHistory(services.Storage.Tables).ListAsync(20, cancellationToken).ConfigureAwait(false);
        return await JsonAsync(request, HttpStatusCode.OK, new JsonArray([.. recent.Select(h => (JsonNode)new JsonObject
        {
            ["instanceId"] = h.RunId,
            ["status"] = h.Status.ToString(),
            ["from"] = StoreCalendar.Format(h.From),
            ["to"] = StoreCalendar.Format(h.To),
            ["createdTime"] = h.CreatedUtc,
            ["output"] = h.Output,
        })]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /api/kpis?from=&amp;to=&amp;store=: the KPI rows of a range (at most 400 days).</summary>
    [Function("Kpis")]
    public async Task<HttpResponseData> Kpis(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "kpis")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        DateOnly from, to;
        try
        {
            from = Date(request.Query["from"], "from") ?? throw new ArgumentException("Query parameter 'from' is missing; give a yyyy-MM-dd date.");
            to = Date(request.Query["to"], "to") ?? from;
            if (from > to)
            {
                throw new ArgumentException($"'from' {from:yyyy-MM-dd} is after 'to' {to:yyyy-MM-dd}; swap them.");
            }

            if (to.DayNumber - from.DayNumber + 1 > RunPlanner.MaxDays)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The range covers {to.DayNumber - from.DayNumber + 1} days; at most {RunPlanner.MaxDays} are allowed. Split it."));
            }
        }
        catch (ArgumentException ex)
        {
            return await JsonAsync(request, HttpStatusCode.BadRequest, new JsonObject { ["error"] = ex.Message }, cancellationToken).ConfigureAwait(false);
        }

        await services.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var store = request.Query["store"] is { Length: > 0 } s ? s : null;
        var rows = await new KpiDailyRepository(services.Storage.Tables, KpiCatalog.Default).QueryAsync(from, to, store, cancellationToken).ConfigureAwait(false);
        return await JsonAsync(request, HttpStatusCode.OK, new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
        {
            ["storeId"] = r.StoreId,
            ["date"] = StoreCalendar.Format(r.Date),
            ["currency"] = r.Currency,
            ["provisional"] = r.Provisional,
            ["kpis"] = new JsonObject([.. r.Kpis.Select(k => new KeyValuePair<string, JsonNode?>(k.Key, new JsonObject
            {
                ["value"] = k.Value.Value,
                ["reporting"] = k.Value.ReportingValue,
                ["rag"] = k.Value.Status.ToString(),
                ["why"] = k.Value.NullReason,
            }))]),
        })]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /api/health: the source, the stores registered, the storage, and the latest run.</summary>
    [Function("Health")]
    public async Task<HttpResponseData> Health(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "health")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        await services.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var stores = await new StoreRegistry(services.Storage.Tables).ListAsync(false, cancellationToken).ConfigureAwait(false);
        var latest = (await new RunHistory(services.Storage.Tables).ListAsync(1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        return await JsonAsync(request, HttpStatusCode.OK, new JsonObject
        {
            ["status"] = "healthy",
            ["source"] = services.SourceName,
            ["stores"] = stores.Count,
            ["storage"] = services.Storage.Location,
            ["latestRun"] = latest is null ? null : new JsonObject
            {
                ["instanceId"] = latest.RunId,
                ["status"] = latest.Status.ToString(),
                ["createdTime"] = latest.CreatedUtc,
            },
        }, cancellationToken).ConfigureAwait(false);
    }

    private static JsonNode? Parse(string? json) => string.IsNullOrEmpty(json) ? null : JsonNode.Parse(json);

    private static DateOnly? Date(string? text, string name) =>
        string.IsNullOrEmpty(text)
            ? null
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw new ArgumentException($"'{name}' is '{text}', not a date; use yyyy-MM-dd.");

    private static async Task<HttpResponseData> JsonAsync(HttpRequestData request, HttpStatusCode status, JsonNode body, CancellationToken cancellationToken)
    {
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await response.WriteStringAsync(body.ToJsonString(), cancellationToken).ConfigureAwait(false);
        return response;
    }
}
