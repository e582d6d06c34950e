using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Orchestration;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.App;

/// <summary>
/// The HTTP API: POST /api/runs starts a run (the nightly window, or a backfill of a date range and stores), GET
/// /api/runs/{id} answers with the run's status in Durable Functions' shape (reference digest C), GET /api/runs lists
/// recent runs, GET /api/kpis reads KPI rows. Bad input is a 400 whose message says what to fix.
/// </summary>
internal static class RunsApi
{
    /// <summary>
    /// Handles the Runs function: a started run's fetch messages are sent before the answer; the answer is the status
    /// code, body and headers (202 with Location for a started run, as Durable's start answer).
    /// </summary>
    public static async Task<(int Status, JsonNode Body, IReadOnlyDictionary<string, string>? Headers)> RunsAsync(HttpInvocation request, AppServices services, CancellationToken ct)
    {
        var ledger = new RunLedger(services.Storage.Tables, services.Time);
        if (request.Method == "POST")
        {
            RunRequest run;
            try
            {
                run = await ParseRunAsync(request.Body, services, ct).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                return (400, Error(ex.Message), null);
            }

            var steps = await services.StepsAsync(ct).ConfigureAwait(false);
            RunStarted started;
            try
            {
                started = await steps.StartAsync(run, ct).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                return (400, Error(ex.Message), null);
            }

            var id = started.Header.RunId;
            string? note = null;
            try
            {
                await steps.DispatchAsync(started, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // The run exists: a retried POST would start a second one. Its messages go out with the repair timer.
                note = $"The run is started, but its fetch messages could not be sent now ({ex.Message}); RepairRuns sends them within {(RunSteps.RepairAfter + TimeSpan.FromMinutes(15)).TotalMinutes:0} minutes.";
            }

            var statusUri = StatusUri(request, id);
            return (202, new JsonObject
            {
                ["id"] = id,
                ["statusQueryGetUri"] = statusUri,
                ["runtimeStatus"] = "Pending",
                ["note"] = note,
            }, new Dictionary<string, string> { ["Location"] = statusUri, ["Retry-After"] = "30" });
        }

        if (request.Params.TryGetValue("id", out var runId) && runId.Length > 0)
        {
            var header = await ledger.GetAsync(runId, ct).ConfigureAwait(false);
            if (header is null)
            {
                return (404, Error($"No run '{runId}'; GET /api/runs lists the recent ones."), null);
            }

            var tasks = await ledger.GetTasksAsync(runId, ct).ConfigureAwait(false);
            var document = Status(header, tasks, services.Time.GetUtcNow(), services.StallAfter);
            var status = header.Status switch
            {
                RunStatus.Completed or RunStatus.CompletedWithErrors => 200,
                RunStatus.Failed => 400,
                _ => 202,
            };
            return (status, document, status == 202 ? new Dictionary<string, string> { ["Location"] = StatusUri(request, runId), ["Retry-After"] = "30" } : null);
        }

        var recent = await ledger.ListAsync(20, ct).ConfigureAwait(false);
        return (200, new JsonArray([.. recent.Select(h => (JsonNode)new JsonObject
        {
            ["instanceId"] = h.RunId,
            ["runtimeStatus"] = RuntimeStatus(h.Status),
            ["status"] = h.Status.ToString(),
            ["from"] = StoreCalendar.Format(h.From),
            ["to"] = StoreCalendar.Format(h.To),
            ["createdTime"] = h.CreatedUtc,
        })]), null);
    }

    /// <summary>
    /// The run's status URL: absolute from the request's own URL (the host's public address, with its code= key kept
    /// so the link works for the caller), or relative when the host sent no URL.
    /// </summary>
    internal static string StatusUri(HttpInvocation request, string runId)
    {
        var path = "/api/runs/" + Uri.EscapeDataString(runId);
        if (request.Url is not { } url)
        {
            return path;
        }

        var code = request.Query.TryGetValue("code", out var key) && key.Length > 0 ? "?code=" + Uri.EscapeDataString(key) : "";
        return url.GetLeftPart(UriPartial.Authority) + path + code;
    }

    /// <summary>GET /api/kpis?from=&amp;to=&amp;store=: the KPI rows of a range (at most 400 days).</summary>
    public static async Task<(int Status, JsonNode Body)> KpisAsync(HttpInvocation request, AppServices services, CancellationToken ct)
    {
        DateOnly from, to;
        try
        {
            from = Date(request.Query, "from") ?? throw new ArgumentException("Query parameter 'from' is missing; give a yyyy-MM-dd date.");
            to = Date(request.Query, "to") ?? from;
            Window(from, to, services);
        }
        catch (ArgumentException ex)
        {
            return (400, Error(ex.Message));
        }

        var store = request.Query.TryGetValue("store", out var s) && s.Length > 0 ? s : null;
        var rows = await new KpiDailyRepository(services.Storage.Tables, KpiCatalog.Default).QueryAsync(from, to, store, ct).ConfigureAwait(false);
        return (200, new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
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
        })]));
    }

    /// <summary>The run's status in Durable's shape, with per-store progress and stalled stores in customStatus.</summary>
    internal static JsonObject Status(RunHeader header, IReadOnlyList<StoreTask> tasks, DateTimeOffset now, TimeSpan stallAfter)
    {
        var finished = tasks.Count(t => t.Status is StoreTaskStatus.Succeeded or StoreTaskStatus.Failed);
        var running = header.Status is RunStatus.Running or RunStatus.Computing;
        var stalled = running && now - header.CreatedUtc > stallAfter
            ? tasks.Where(t => t.Status is StoreTaskStatus.Pending or StoreTaskStatus.Running).Select(t => t.StoreId).ToArray()
            : [];
        var computeStalled = header.Status == RunStatus.Computing && now - header.UpdatedUtc > stallAfter;
        return new JsonObject
        {
            ["name"] = "KpiRun",
            ["instanceId"] = header.RunId,
            ["runtimeStatus"] = RuntimeStatus(header.Status),
            ["input"] = new JsonObject
            {
                ["from"] = StoreCalendar.Format(header.From),
                ["to"] = StoreCalendar.Format(header.To),
                ["fetchFrom"] = StoreCalendar.Format(header.FetchFrom),
                ["source"] = header.Source,
                ["stores"] = new JsonArray([.. header.StoreIds.Select(s => (JsonNode)s)]),
            },
            ["output"] = header.Output,
            ["customStatus"] = new JsonObject
            {
                ["status"] = header.Status.ToString(),
                ["progress"] = string.Create(CultureInfo.InvariantCulture, $"{finished}/{tasks.Count} stores finished"),
                ["stalled"] = stalled.Length > 0 || computeStalled,
                ["stalledStores"] = new JsonArray([.. stalled.Select(s => (JsonNode)s)]),
                ["computations"] = header.Computations,
                ["computeAttempts"] = header.ComputeAttempts,
                ["computeError"] = header.ComputeError,
                ["published"] = header.PublishedUtc is not null,
                ["dispatched"] = header.Dispatched,
                ["stores"] = new JsonArray([.. tasks.Select(t => (JsonNode)new JsonObject
                {
                    ["storeId"] = t.StoreId,
                    ["status"] = t.Status.ToString(),
                    ["attempts"] = t.Attempts,
                    ["rows"] = t.Rows,
                    ["quarantined"] = t.Quarantined,
                    ["durationMs"] = t.DurationMs,
                    ["lastError"] = t.LastError,
                    ["notes"] = t.Notes,
                })]),
            },
            ["createdTime"] = header.CreatedUtc,
            ["lastUpdatedTime"] = header.UpdatedUtc,
        };
    }

    private static string RuntimeStatus(RunStatus status) => status switch
    {
        RunStatus.Running or RunStatus.Computing => "Running",
        RunStatus.Completed or RunStatus.CompletedWithErrors => "Completed",
        _ => "Failed",
    };

    /// <summary>
    /// A POST body: none or <c>{}</c> for the nightly window; else <c>{"from": "yyyy-MM-dd", "to": "yyyy-MM-dd",
    /// "stores": ["id", ...]}</c> (a backfill; stores optional). Dates must parse, from &lt;= to, none in the future, at
    /// most 400 days; unknown store ids are refused by the start step.
    /// </summary>
    private static async Task<RunRequest> ParseRunAsync(string? body, AppServices services, CancellationToken ct)
    {
        JsonElement root = default;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                root = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException)
            {
                throw new ArgumentException("The body is not JSON; send {\"from\": \"yyyy-MM-dd\", \"to\": \"yyyy-MM-dd\", \"stores\": [\"id\"]}, or nothing for the nightly window.");
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("The body must be a JSON object with from, to and stores.");
            }

            // A misspelt field must not quietly turn a backfill into a full nightly run.
            foreach (var field in root.EnumerateObject())
            {
                if (field.Name is not ("from" or "to" or "stores"))
                {
                    throw new ArgumentException($"Unknown field '{field.Name}'; a run request has from, to (yyyy-MM-dd) and stores (lower case).");
                }
            }
        }

        string? Text(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ArgumentException($"'{name}' must be a string (yyyy-MM-dd).")
            : null;
        var fromText = Text("from");
        var toText = Text("to");
        string[]? stores = null;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("stores", out var list))
        {
            stores = list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0 && list.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                ? [.. list.EnumerateArray().Select(e => e.GetString()!)]
                : throw new ArgumentException("'stores' must be a non-empty array of store ids (leave it out for every enabled store).");
        }

        var registered = await new Pipeline.Registry.StoreRegistry(services.Storage.Tables).ListAsync(true, ct).ConfigureAwait(false);
        if (registered.Count == 0)
        {
            throw new ArgumentException("No enabled stores are registered; import stores before starting a run.");
        }

        if (fromText is null && toText is null)
        {

            var (from, to) = StartRunStep.NightlyWindow(services.Time.GetUtcNow(), registered, services.Options.LookbackDays);
            return new RunRequest(from, to, stores);
        }

        var start = ParseDate(fromText ?? toText!, "from");
        var end = ParseDate(toText ?? fromText!, "to");
        Window(start, end, services);
        return new RunRequest(start, end, stores);
    }

    private static void Window(DateOnly from, DateOnly to, AppServices services)
    {
        if (from > to)
        {
            throw new ArgumentException($"'from' {from:yyyy-MM-dd} is after 'to' {to:yyyy-MM-dd}; swap them.");
        }

        var today = DateOnly.FromDateTime(services.Time.GetUtcNow().UtcDateTime);
        if (to > today)
        {
            throw new ArgumentException($"'to' {to:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd} UTC).");
        }

        if (to.DayNumber - from.DayNumber + 1 > StartRunStep.MaxDays)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The range covers {to.DayNumber - from.DayNumber + 1} days; at most {StartRunStep.MaxDays} are allowed. Split it."));
        }
    }

    private static DateOnly? Date(IReadOnlyDictionary<string, string> query, string name) =>
        query.TryGetValue(name, out var text) && text.Length > 0 ? ParseDate(text, name) : null;

    private static DateOnly ParseDate(string text, string name) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ArgumentException($"'{name}' is '{text}', not a date; use yyyy-MM-dd.");

    private static JsonObject Error(string message) => new() { ["error"] = message };
}
