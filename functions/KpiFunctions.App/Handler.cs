using System.Globalization;
using System.Text.Json.Nodes;
using KpiFunctions.Pipeline.Orchestration;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.App;

/// <summary>
/// The functions, one route each (the host posts to /&lt;FunctionName&gt;). Binding names match the function.json
/// files under app/: queue triggers read <c>message</c>, HTTP triggers <c>req</c> and answer in <c>res</c>; queue
/// outputs are <c>fetch</c>, <c>compute</c> and <c>publish</c>.
/// </summary>
public static class Handler
{
    /// <summary>The functions this handler serves, by name.</summary>
    public static IReadOnlyList<string> Functions { get; } = ["DailyRun", "FetchStore", "FetchStorePoison", "ComputeKpis", "PublishSemantic", "Runs", "Kpis", "Health"];

    /// <summary>Maps the routes: GET / for the host's readiness probe, POST /&lt;function&gt; for invocations.</summary>
    public static void Map(WebApplication app, AppServices services)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(services);
        app.MapGet("/", () => Results.Text("KpiFunctions custom handler"));
        foreach (var name in Functions)
        {
            app.MapPost("/" + name, async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
                InvocationResult result;
                var status = 200;
                try
                {
                    var invocation = Invocation.Parse(body.ToArray());
                    await services.EnsureReadyAsync(context.RequestAborted).ConfigureAwait(false);
                    result = await InvokeAsync(name, invocation, services, context.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
                {
                    // A non-2xx answer fails the invocation (a timeout too: it surfaces as a cancellation nobody asked for): the host retries a queue message (then poisons it).
                    status = 500;
                    result = new InvocationResult().Log($"{name} failed: {ex.Message}");
                }

                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(result.ToJson(), context.RequestAborted).ConfigureAwait(false);
            });
        }
    }

    private static async Task<InvocationResult> InvokeAsync(string name, Invocation invocation, AppServices services, CancellationToken ct)
    {
        var result = new InvocationResult();
        switch (name)
        {
            case "DailyRun":
                {
                    var steps = await services.StepsAsync(ct).ConfigureAwait(false);
                    var stores = await new StoreRegistry(services.Storage.Tables).ListAsync(true, ct).ConfigureAwait(false);
                    if (stores.Count == 0)
                    {
                        return result.Queue("fetch", []).Log("No enabled stores are registered: nothing to run.");
                    }

                    var (from, to) = StartRunStep.NightlyWindow(services.Time.GetUtcNow(), stores, services.Options.LookbackDays);
                    var started = await steps.StartAsync(new RunRequest(from, to), ct).ConfigureAwait(false);
                    return result.Queue("fetch", started.Messages.Select(StepMessages.Write))
                        .Log(string.Create(CultureInfo.InvariantCulture, $"Run {started.Header.RunId} started: {started.Messages.Count} stores, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}."));
                }

            case "FetchStore":
                {
                    var message = StepMessages.ReadFetch(invocation.QueueText("message"));
                    var outcome = await (await services.StepsAsync(ct).ConfigureAwait(false)).FetchAsync(message, null, ct).ConfigureAwait(false);
                    result.Queue("compute", outcome.Next is { } next ? [StepMessages.Write(next)] : []);
                    return outcome switch
                    {
                        { Duplicate: true } => result.Log($"Store {message.StoreId} of run {message.RunId} was finished already (a duplicate delivery)."),
                        { Result: { } r } => result.Log(string.Create(CultureInfo.InvariantCulture, $"Store {message.StoreId} of run {message.RunId}: {r.Days} days, {r.Rows} rows, {r.Quarantined} quarantined.")),
                        _ => result.Log($"Store {message.StoreId} of run {message.RunId} failed for good: {outcome.Error}"),
                    };
                }

            case "FetchStorePoison":
                {
                    var message = StepMessages.ReadFetch(invocation.QueueText("message"));
                    var next = await (await services.StepsAsync(ct).ConfigureAwait(false)).FailStoreAsync(message, ct).ConfigureAwait(false);
                    return result.Queue("compute", next is null ? [] : [StepMessages.Write(next)])
                        .Log($"Store {message.StoreId} of run {message.RunId} is marked failed (its fetch message was poisoned).");
                }

            case "ComputeKpis":
                {
                    var message = StepMessages.ReadCompute(invocation.QueueText("message"));
                    (Pipeline.Steps.ComputeResult? Result, PublishMessage Next) computedRun;
                    try
                    {
                        computedRun = await (await services.StepsAsync(ct).ConfigureAwait(false)).ComputeAsync(message, null, ct).ConfigureAwait(false);
                    }
                    catch (ComputeBusyException busy)
                    {
                        // Sent again straight to the queue with a delay (an output binding cannot delay), so it uses no retries.
                        await services.Storage.Queues!.SendAsync(QueueNames.Compute, StepMessages.Write(busy.Compute), busy.RetryAfter, ct).ConfigureAwait(false);
                        return result.Queue("publish", []).Log(busy.Message);
                    }

                    var (computed, publish) = computedRun;
                    return result.Queue("publish", [StepMessages.Write(publish)])
                        .Log(computed is null ? $"Run {message.RunId} was computed already." : string.Create(CultureInfo.InvariantCulture, $"Run {message.RunId}: {computed.KpiRows} KPI rows."));
                }

            case "PublishSemantic":
                {
                    var message = StepMessages.ReadPublish(invocation.QueueText("message"));
                    await (await services.StepsAsync(ct).ConfigureAwait(false)).PublishAsync(message, ct).ConfigureAwait(false);
                    return result.Log($"Run {message.RunId} published.");
                }

            case "Runs":
                {
                    var (status, body, fetch) = await RunsApi.RunsAsync(invocation.Http("req"), services, ct).ConfigureAwait(false);
                    return result.Http("res", status, body).Queue("fetch", fetch);
                }

            case "Kpis":
                {
                    var (status, body) = await RunsApi.KpisAsync(invocation.Http("req"), services, ct).ConfigureAwait(false);
                    return result.Http("res", status, body);
                }

            case "Health":
                {
                    invocation.Http("req");
                    var stores = await new StoreRegistry(services.Storage.Tables).ListAsync(false, ct).ConfigureAwait(false);
                    return result.Http("res", 200, new JsonObject
                    {
                        ["status"] = "healthy",
                        ["source"] = services.SourceName,
                        ["stores"] = stores.Count,
                        ["storage"] = services.Storage.Location,
                    });
                }

            default:
                throw new InvalidOperationException($"No function named {name}.");
        }
    }
}
