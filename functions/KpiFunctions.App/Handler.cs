using System.Globalization;
using System.Text.Json.Nodes;
using KpiFunctions.Pipeline.Orchestration;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.App;

/// <summary>
/// The functions, one route each (the host posts to /&lt;FunctionName&gt;). Binding names match the function.json
/// files under app/: queue triggers read <c>message</c>, HTTP triggers <c>req</c> and answer in <c>res</c>; queue
/// outputs are <c>compute</c> and <c>publish</c>. A run's fetch messages are sent by the handler itself, after the
/// ledger write, so the ledger can record that they went (a start that dies in between is repaired by RepairRuns).
/// </summary>
public static class Handler
{
    /// <summary>The functions this handler serves, by name.</summary>
    public static IReadOnlyList<string> Functions { get; } =
        ["DailyRun", "RepairRuns", "FetchStore", "FetchStorePoison", "ComputeKpis", "ComputeKpisPoison", "PublishSemantic", "PublishSemanticPoison", "Runs", "Kpis", "Health"];

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
                catch (StepBusyException busy)
                {
                    // Sent again straight to the queue with a delay (an output binding cannot delay), so it spends none of
                    // the host's retries; this delivery succeeds with no outputs.
                    await services.Storage.Queues!.SendAsync(busy.Queue, busy.Text, busy.RetryAfter, context.RequestAborted).ConfigureAwait(false);
                    result = new InvocationResult().Log(busy.Message);
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
                        return result.Log("No enabled stores are registered: nothing to run.");
                    }

                    // One nightly run per UTC day: the timer's retry (or a second firing that day) finds the run it began
                    // and sends only what that start may not have sent.
                    var now = services.Time.GetUtcNow();
                    var (from, to) = StartRunStep.NightlyWindow(now, stores, services.Options.LookbackDays);
                    var started = await steps.StartAsync(new RunRequest(from, to) { RunId = StartRunStep.NightlyRunId(now) }, ct).ConfigureAwait(false);
                    var sent = await steps.DispatchAsync(started, ct).ConfigureAwait(false);
                    return result.Log(started.Existing
                        ? string.Create(CultureInfo.InvariantCulture, $"Run {started.Header.RunId} was started earlier today; {sent} fetch messages sent now.")
                        : string.Create(CultureInfo.InvariantCulture, $"Run {started.Header.RunId} started: {sent} stores, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}."));
                }

            case "RepairRuns":
                {
                    var repairs = await (await services.StepsAsync(ct).ConfigureAwait(false)).RepairAsync(ct).ConfigureAwait(false);
                    foreach (var line in repairs)
                    {
                        result.Log(line);
                    }

                    return repairs.Count > 0 ? result : result.Log("No run needed repair.");
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
                    var (computed, publish) = await (await services.StepsAsync(ct).ConfigureAwait(false)).ComputeAsync(message, null, ct).ConfigureAwait(false);
                    return result.Queue("publish", publish is null ? [] : [StepMessages.Write(publish)])
                        .Log((computed, publish) switch
                        {
                            (null, null) => $"Run {message.RunId} has failed for good; this compute message changes nothing.",
                            (null, _) => $"Run {message.RunId} was computed already.",
                            _ => string.Create(CultureInfo.InvariantCulture, $"Run {message.RunId}: {computed.KpiRows} KPI rows."),
                        });
                }

            case "ComputeKpisPoison":
                {
                    var message = StepMessages.ReadCompute(invocation.QueueText("message"));
                    var header = await (await services.StepsAsync(ct).ConfigureAwait(false)).FailComputeAsync(message, ct).ConfigureAwait(false);
                    return result.Log(header is null
                        ? $"Run {message.RunId} is not in the ledger; its poisoned compute message is dropped."
                        : $"Run {message.RunId} ({header.Status}) after its compute message was poisoned: {header.Output}");
                }

            case "PublishSemantic":
                {
                    var message = StepMessages.ReadPublish(invocation.QueueText("message"));
                    var manifest = await (await services.StepsAsync(ct).ConfigureAwait(false)).PublishAsync(message, ct).ConfigureAwait(false);
                    return result.Log(string.Create(CultureInfo.InvariantCulture, $"Run {message.RunId} published semantic version {manifest.Version}: {manifest.Watermark.StoreDays} store-days up to {manifest.Watermark.LastDate:yyyy-MM-dd}."));
                }

            case "PublishSemanticPoison":
                {
                    var message = StepMessages.ReadPublish(invocation.QueueText("message"));
                    await (await services.StepsAsync(ct).ConfigureAwait(false)).FailPublishAsync(message, ct).ConfigureAwait(false);
                    return result.Log($"Run {message.RunId}: its publish step gave up; the run's output says so.");
                }

            case "Runs":
                {
                    var (status, body, headers) = await RunsApi.RunsAsync(invocation.Http("req"), services, ct).ConfigureAwait(false);
                    return result.Http("res", status, body, headers);
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
