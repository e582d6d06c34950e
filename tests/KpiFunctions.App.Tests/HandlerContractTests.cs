using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Demo;
using KpiFunctions.Pipeline.Orchestration;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.App.Tests;

/// <summary>
/// The host's documented payloads (timer, queue, HTTP; reference digest A4-A5) posted to the handler over HTTP: the
/// answers, their output bindings, and the bindings declared in host.json and app/*/function.json agree.
/// </summary>
public sealed class HandlerContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FixedTimeProvider _time = new(Now);
    private HandlerServer _server = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["KPI_DATA_DIR"] = _dir.Path,
            ["KPI_SOURCE"] = "synthetic",
            ["KPI_BUYER_HASH_SALT"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("handler-contract-salt-0123")),
            ["KPI_LOOKBACK_DAYS"] = "1",
        };
        _server = await HandlerServer.StartAsync(settings, _time);
        var world = new SyntheticWorld(42, DemoStores.Create(3), Now, new BuyerIdHasher(Encoding.UTF8.GetBytes("handler-contract-salt-0123")));
        await DemoSetup.SeedAsync(_server.Services.Storage, world, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 19));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_host_readiness_probe_gets_an_answer()
    {
        var answer = await _server.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task A_night_through_timer_and_queue_payloads_fans_out_fans_in_once_computes_and_publishes()
    {
        var timer = await InvokeAsync("DailyRun", new JsonObject
        {
            ["Data"] = new JsonObject { ["timer"] = new JsonObject { ["Schedule"] = new JsonObject { ["AdjustForDST"] = true }, ["ScheduleStatus"] = null, ["IsPastDue"] = false } },
            ["Metadata"] = Sys("DailyRun"),
        });

        // The start sends its fetch messages itself (so the ledger can record that they went); a retry finds the run.
        Assert.Empty(timer["Outputs"]!.AsObject());
        var fetches = await DrainAsync(QueueNames.Fetch);
        Assert.Equal(3, fetches.Count);
        var runId = JsonNode.Parse(fetches[0])!["runId"]!.GetValue<string>();
        Assert.Equal("nightly-20261120", runId);
        Assert.All(fetches, f => Assert.Equal(runId, JsonNode.Parse(f)!["runId"]!.GetValue<string>()));
        var retried = await InvokeAsync("DailyRun", new JsonObject
        {
            ["Data"] = new JsonObject { ["timer"] = new JsonObject { ["Schedule"] = new JsonObject { ["AdjustForDST"] = true }, ["ScheduleStatus"] = null, ["IsPastDue"] = false } },
            ["Metadata"] = Sys("DailyRun"),
        });
        Assert.Equal("Run nightly-20261120 was started earlier today; 0 fetch messages sent now.", retried["Logs"]![0]!.GetValue<string>());
        Assert.Empty(await DrainAsync(QueueNames.Fetch));

        // Each queue message arrives JSON-encoded once more, as the host sends strings (digest 0.1).
        var computes = new List<string>();
        foreach (var fetch in fetches)
        {
            var answer = await InvokeAsync("FetchStore", QueuePayload(JsonValue.Create(JsonSerializer.Serialize(fetch)), dequeueCount: "1"));
            computes.AddRange(Messages(answer, "compute"));
        }

        // A duplicate before the run is computed sends the compute message again (its sender may have died before
        // sending it); the message is handed over as a JSON object this time, which the host may also do.
        var compute = Assert.Single(computes);
        var duplicate = await InvokeAsync("FetchStore", QueuePayload(JsonNode.Parse(fetches[0])!, dequeueCount: "2"));
        Assert.Equal([compute], Messages(duplicate, "compute"));
        Assert.Contains("finished already", duplicate["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var computed = await InvokeAsync("ComputeKpis", QueuePayload(JsonValue.Create(JsonSerializer.Serialize(compute)), dequeueCount: "1"));
        var publish = Assert.Single(Messages(computed, "publish"));
        await InvokeAsync("PublishSemantic", QueuePayload(JsonValue.Create(JsonSerializer.Serialize(publish)), dequeueCount: "1"));

        var again = await InvokeAsync("ComputeKpis", QueuePayload(JsonValue.Create(JsonSerializer.Serialize(compute)), dequeueCount: "1"));
        var late = await InvokeAsync("FetchStore", QueuePayload(JsonValue.Create(JsonSerializer.Serialize(fetches[1])), dequeueCount: "3"));
        Assert.Equal([publish], Messages(again, "publish"));
        Assert.Contains("computed already", again["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(Messages(late, "compute"));

        var header = (await new RunLedger(_server.Services.Storage.Tables).GetAsync(runId))!;
        Assert.Equal(RunStatus.Completed, header.Status);
        Assert.Equal(1, header.Computations);
        Assert.NotNull(header.PublishedUtc);
        Assert.Equal((new DateOnly(2026, 11, 18), new DateOnly(2026, 11, 19)), (header.From, header.To));
    }

    [Fact]
    public async Task On_a_fresh_account_the_first_call_creates_what_the_app_needs_and_health_answers()
    {
        using var dir = new TempDirectory();
        await using var server = await HandlerServer.StartAsync(new Dictionary<string, string> { ["KPI_DATA_DIR"] = dir.Path, ["KPI_SOURCE"] = "synthetic" }, _time);
        using var answer = await server.Client.PostAsync(new Uri("/Health", UriKind.Relative), Json(Http("GET", null)));
        var body = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(0, JsonNode.Parse(body["Outputs"]!["res"]!["body"]!.GetValue<string>())!["stores"]!.GetValue<int>());
        Assert.Equal(0, await server.Services.Storage.Queues!.CountAsync(QueueNames.Fetch));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_message_that_is_not_what_its_queue_carries_fails_the_invocation_with_the_reason()
    {
        var answer = await _server.Client.PostAsync(new Uri("/FetchStore", UriKind.Relative), Json(QueuePayload(JsonValue.Create("\"hello\""), dequeueCount: "1")));
        var body = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        Assert.Contains("FetchStore failed: A message on kpi-fetch is not JSON of runId, storeId, from and to", body["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_the_hosts_envelope_fails_the_invocation_saying_what_was_expected()
    {
        var answer = await _server.Client.PostAsync(new Uri("/ComputeKpis", UriKind.Relative), new StringContent("not json", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        Assert.Contains("The invocation body is not JSON", body["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_answers_through_the_http_output_binding()
    {
        var answer = await InvokeAsync("Health", new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["req"] = new JsonObject
                {
                    ["Url"] = "https://kpi.azurewebsites.net/api/health",
                    ["Method"] = "GET",
                    ["Query"] = new JsonObject(),
                    ["Headers"] = new JsonObject { ["Accept"] = new JsonArray("application/json") },
                    ["Params"] = new JsonObject(),
                    ["Identities"] = new JsonArray(),
                    ["Body"] = null,
                },
            },
            ["Metadata"] = Sys("Health"),
        });

        var res = answer["Outputs"]!["res"]!;
        Assert.Equal("200", res["statusCode"]!.GetValue<string>());
        var body = JsonNode.Parse(res["body"]!.GetValue<string>())!;
        Assert.Equal("healthy", body["status"]!.GetValue<string>());
        Assert.Equal(3, body["stores"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_backfill_started_over_http_reports_its_progress_in_durables_shape_until_it_completes()
    {
        var started = await InvokeAsync("Runs", Http("POST", """{"from":"2026-11-10","to":"2026-11-12","stores":["uk-main"]}"""));
        var (status, body) = Response(started);
        Assert.Equal("202", status);
        var id = body["id"]!.GetValue<string>();
        Assert.Equal("https://kpi.azurewebsites.net/api/runs/" + id + "?code=function-key", body["statusQueryGetUri"]!.GetValue<string>());
        Assert.Equal(body["statusQueryGetUri"]!.GetValue<string>(), started["Outputs"]!["res"]!["headers"]!["Location"]!.GetValue<string>());
        var fetch = Assert.Single(await DrainAsync(QueueNames.Fetch));
        Assert.Equal("uk-main", JsonNode.Parse(fetch)!["storeId"]!.GetValue<string>());

        var runningAnswer = await InvokeAsync("Runs", Http("GET", null, id));
        var (runningStatus, running) = Response(runningAnswer);
        Assert.Equal("202", runningStatus);
        Assert.Equal("https://kpi.azurewebsites.net/api/runs/" + id + "?code=function-key", runningAnswer["Outputs"]!["res"]!["headers"]!["Location"]!.GetValue<string>());
        Assert.Equal("Running", running["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("0/1 stores finished", running["customStatus"]!["progress"]!.GetValue<string>());
        Assert.Equal("2026-11-10", running["input"]!["from"]!.GetValue<string>());
        Assert.False(running["customStatus"]!["stalled"]!.GetValue<bool>());

        var compute = Assert.Single(Messages(await InvokeAsync("FetchStore", QueuePayload(JsonValue.Create(JsonSerializer.Serialize(fetch)), dequeueCount: "1")), "compute"));
        await InvokeAsync("ComputeKpis", QueuePayload(JsonValue.Create(JsonSerializer.Serialize(compute)), dequeueCount: "1"));

        var (doneStatus, done) = Response(await InvokeAsync("Runs", Http("GET", null, id)));
        Assert.Equal("200", doneStatus);
        Assert.Equal("Completed", done["runtimeStatus"]!.GetValue<string>());
        Assert.Contains("3 KPI rows", done["output"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Succeeded", done["customStatus"]!["stores"]![0]!["status"]!.GetValue<string>());
        Assert.NotNull(done["createdTime"]);
        Assert.NotNull(done["lastUpdatedTime"]);

        var (kpiStatus, kpis) = Response(await InvokeAsync("Kpis", Http("GET", null, query: new JsonObject { ["from"] = "2026-11-10", ["to"] = "2026-11-12", ["store"] = "uk-main" })));
        Assert.Equal("200", kpiStatus);
        Assert.Equal(3, kpis.AsArray().Count);
        Assert.NotNull(kpis[0]!["kpis"]!["gmv"]!["value"]);
    }

    [Fact]
    public async Task A_run_whose_stores_do_not_finish_in_time_is_reported_as_stalled_naming_them()
    {
        var (_, body) = Response(await InvokeAsync("Runs", Http("POST", """{"from":"2026-11-18","to":"2026-11-19"}""")));
        _time.Now = Now.AddMinutes(121);

        var (_, status) = Response(await InvokeAsync("Runs", Http("GET", null, body["id"]!.GetValue<string>())));

        Assert.True(status["customStatus"]!["stalled"]!.GetValue<bool>());
        Assert.Equal(["uk-main", "us-east", "us-west"], status["customStatus"]!["stalledStores"]!.AsArray().Select(s => s!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"from":"2026-13-01"}""", "'from' is '2026-13-01', not a date; use yyyy-MM-dd")]
    [InlineData("""{"from":"2026-11-12","to":"2026-11-10"}""", "'from' 2026-11-12 is after 'to' 2026-11-10; swap them")]
    [InlineData("""{"from":"2026-11-19","to":"2026-11-25"}""", "'to' 2026-11-25 is in the future")]
    [InlineData("""{"from":"2025-01-01","to":"2026-11-19"}""", "at most 400 are allowed")]
    [InlineData("""{"from":"2026-11-10","stores":["uk-main","nope"]}""", "Unknown store id(s): nope")]
    [InlineData("""{"from":"2026-11-10","stores":"uk-main"}""", "'stores' must be a non-empty array of store ids")]
    [InlineData("from=2026-11-10", "The body is not JSON")]
    [InlineData("""{"From":"2026-11-10"}""", "Unknown field 'From'")]
    [InlineData("""{"from":"2026-11-10","stores":[]}""", "'stores' must be a non-empty array")]
    public async Task A_bad_run_request_is_a_400_saying_what_to_fix_and_starts_nothing(string body, string message)
    {
        var answer = await InvokeAsync("Runs", Http("POST", body));

        var (status, error) = Response(answer);
        Assert.Equal("400", status);
        Assert.Contains(message, error["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(answer["Outputs"]!["fetch"]);
        Assert.Equal(0, await _server.Services.Storage.Queues!.CountAsync(QueueNames.Fetch));
        Assert.Empty(await new RunLedger(_server.Services.Storage.Tables).ListAsync(5));
    }

    [Fact]
    public async Task An_unknown_run_is_a_404_and_a_kpi_query_without_dates_is_a_400()
    {
        var (status, body) = Response(await InvokeAsync("Runs", Http("GET", null, "20260101T000000Z-000000")));
        var (kpiStatus, kpiBody) = Response(await InvokeAsync("Kpis", Http("GET", null)));

        Assert.Equal("404", status);
        Assert.Contains("No run '20260101T000000Z-000000'", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("400", kpiStatus);
        Assert.Contains("'from' is missing", kpiBody["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_function_json_matches_a_handler_route_its_bindings_and_the_queues_the_steps_use()
    {
        var root = RepoRoot.Find();
        var folders = Directory.GetDirectories(Path.Combine(root, "app")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Handler.Functions.Order(StringComparer.Ordinal), folders);

        // The binding names the handler reads and writes, per function.
        var expected = new Dictionary<string, (string Trigger, string TriggerName, string? Queue, string[] Outputs)>
        {
            ["DailyRun"] = ("timerTrigger", "timer", null, []),
            ["RepairRuns"] = ("timerTrigger", "timer", null, []),
            ["FetchStore"] = ("queueTrigger", "message", QueueNames.Fetch, ["compute"]),
            ["FetchStorePoison"] = ("queueTrigger", "message", QueueNames.FetchPoison, ["compute"]),
            ["ComputeKpis"] = ("queueTrigger", "message", QueueNames.Compute, ["publish"]),
            ["ComputeKpisPoison"] = ("queueTrigger", "message", QueueNames.ComputePoison, []),
            ["PublishSemantic"] = ("queueTrigger", "message", QueueNames.Publish, []),
            ["PublishSemanticPoison"] = ("queueTrigger", "message", QueueNames.PublishPoison, []),
            ["Runs"] = ("httpTrigger", "req", null, ["res"]),
            ["Kpis"] = ("httpTrigger", "req", null, ["res"]),
            ["Health"] = ("httpTrigger", "req", null, ["res"]),
        };
        var outputQueues = new Dictionary<string, string> { ["fetch"] = QueueNames.Fetch, ["compute"] = QueueNames.Compute, ["publish"] = QueueNames.Publish };
        foreach (var (name, want) in expected)
        {
            var bindings = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "app", name, "function.json")))!["bindings"]!.AsArray();
            var trigger = Assert.Single(bindings, b => b!["direction"]!.GetValue<string>() == "in")!;
            Assert.Equal(want.Trigger, trigger["type"]!.GetValue<string>());
            Assert.Equal(want.TriggerName, trigger["name"]!.GetValue<string>());
            Assert.Equal(want.Queue, trigger["queueName"]?.GetValue<string>());
            var outs = bindings.Where(b => b!["direction"]!.GetValue<string>() == "out").ToArray();
            Assert.Equal(want.Outputs, outs.Select(b => b!["name"]!.GetValue<string>()));
            foreach (var o in outs.Where(b => b!["type"]!.GetValue<string>() == "queue"))
            {
                Assert.Equal(outputQueues[o!["name"]!.GetValue<string>()], o["queueName"]!.GetValue<string>());
            }

            Assert.All(bindings.Where(b => b!["queueName"] is not null), b => Assert.Equal("KPI_STORAGE", b!["connection"]!.GetValue<string>()));
        }

        Assert.Equal(QueueNames.Fetch + "-poison", QueueNames.FetchPoison);
        Assert.Equal(QueueNames.Compute + "-poison", QueueNames.ComputePoison);
        Assert.Equal(QueueNames.Publish + "-poison", QueueNames.PublishPoison);

        // A timer does not retry a failed invocation unless told to (digest A6): the nightly start is told to, and
        // its retries find the run the failed attempt began (one nightly run id per UTC day).
        var retry = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "app", "DailyRun", "function.json")))!["retry"]!;
        Assert.Equal("exponentialBackoff", retry["strategy"]!.GetValue<string>());
        Assert.InRange(retry["maxRetryCount"]!.GetValue<int>(), 1, 10);

        // The repair timer looks more often than it waits before acting.
        var repair = Assert.Single(JsonNode.Parse(File.ReadAllText(Path.Combine(root, "app", "RepairRuns", "function.json")))!["bindings"]!.AsArray())!;
        var everyMinutes = int.Parse(repair["schedule"]!.GetValue<string>().Split(' ')[1].Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(TimeSpan.FromMinutes(everyMinutes) <= RunSteps.RepairAfter * 2);
    }

    [Fact]
    public async Task The_repair_timer_and_the_compute_poison_queue_answer_their_payloads()
    {
        var (_, body) = Response(await InvokeAsync("Runs", Http("POST", """{"from":"2026-11-18","to":"2026-11-19","stores":["uk-main"]}""")));
        var runId = body["id"]!.GetValue<string>();
        var fetch = Assert.Single(await DrainAsync(QueueNames.Fetch)); // the message is lost, say

        var repairNow = await InvokeAsync("RepairRuns", new JsonObject { ["Data"] = new JsonObject { ["timer"] = new JsonObject { ["IsPastDue"] = false } }, ["Metadata"] = Sys("RepairRuns") });
        Assert.Equal("No run needed repair.", repairNow["Logs"]![0]!.GetValue<string>());

        var compute = Assert.Single(Messages(await InvokeAsync("FetchStore", QueuePayload(JsonValue.Create(fetch), dequeueCount: "1")), "compute"));
        var poisoned = await InvokeAsync("ComputeKpisPoison", QueuePayload(JsonValue.Create(compute), dequeueCount: "1"));
        var (status, failed) = Response(await InvokeAsync("Runs", Http("GET", null, runId)));

        Assert.Equal($"Run {runId} (Failed) after its compute message was poisoned: compute gave up after the host's deliveries", poisoned["Logs"]![0]!.GetValue<string>());
        Assert.Equal(("400", "Failed"), (status, failed["runtimeStatus"]!.GetValue<string>()));
    }

    [Fact]
    public void Host_json_starts_this_handler_and_sets_the_queue_behaviour_the_steps_rely_on()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Find(), "host.json")))!;

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal(typeof(Handler).Assembly.GetName().Name, host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.False(host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>()); // the JSON envelope for every function
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host["extensionBundle"]!["id"]!.GetValue<string>());
        Assert.StartsWith("[4.", host["extensionBundle"]!["version"]!.GetValue<string>(), StringComparison.Ordinal);
        var queues = host["extensions"]!["queues"]!;
        Assert.Equal("base64", queues["messageEncoding"]!.GetValue<string>()); // what AzureQueueStore writes
        Assert.InRange(queues["maxDequeueCount"]!.GetValue<int>(), 2, 10);
        Assert.InRange(queues["batchSize"]!.GetValue<int>(), 1, 32);
        Assert.NotNull(queues["visibilityTimeout"]);

        // A live compute is never taken over: its lease outlasts the longest invocation the host allows.
        var timeout = TimeSpan.Parse(host["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(RunSteps.ComputeLease > timeout);
        Assert.True(RunSteps.TaskLease > timeout);
    }

    /// <summary>Every message on a queue (taken off it).</summary>
    private async Task<List<string>> DrainAsync(string queue)
    {
        var texts = new List<string>();
        var queues = _server.Services.Storage.Queues!;
        foreach (var message in await queues.ReceiveAsync(queue, 32, TimeSpan.FromMinutes(5)))
        {
            texts.Add(message.Text);
            await queues.DeleteAsync(queue, message);
        }

        return texts;
    }

    private async Task<JsonNode> InvokeAsync(string function, JsonObject payload)
    {
        using var answer = await _server.Client.PostAsync(new Uri("/" + function, UriKind.Relative), Json(payload));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{function}: {(int)answer.StatusCode} {text}");
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    /// <summary>A queue output's messages; it must be a JSON array of strings, never a bare string (digest 0.2).</summary>
    private static List<string> Messages(JsonNode answer, string binding)
    {
        var output = answer["Outputs"]![binding];
        Assert.IsType<JsonArray>(output);
        return [.. output!.AsArray().Select(m => m!.GetValue<string>())];
    }

    private static JsonObject QueuePayload(JsonNode message, string dequeueCount) => new()
    {
        ["Data"] = new JsonObject { ["message"] = message.DeepClone() },
        ["Metadata"] = new JsonObject
        {
            ["DequeueCount"] = dequeueCount,
            ["ExpirationTime"] = "2026-11-27T12:00:00+00:00",
            ["Id"] = Guid.NewGuid().ToString(),
            ["InsertionTime"] = "2026-11-20T12:00:00+00:00",
            ["NextVisibleTime"] = "2026-11-20T12:10:00+00:00",
            ["PopReceipt"] = "AgAAAAMAAAAAAAAA",
            ["sys"] = new JsonObject { ["MethodName"] = "FetchStore", ["UtcNow"] = "2026-11-20T12:00:00Z", ["RandGuid"] = Guid.NewGuid().ToString() },
        },
    };

    /// <summary>An HTTP trigger's payload as the host forwards it (digest A4).</summary>
    private static JsonObject Http(string method, string? body, string? id = null, JsonObject? query = null) => new()
    {
        ["Data"] = new JsonObject
        {
            ["req"] = new JsonObject
            {
                ["Url"] = "https://kpi.azurewebsites.net/api/runs" + (id is null ? "" : "/" + id),
                ["Method"] = method,
                ["Query"] = query ?? new JsonObject { ["code"] = "function-key" },
                ["Headers"] = new JsonObject { ["Content-Type"] = new JsonArray("application/json") },
                ["Params"] = id is null ? new JsonObject() : new JsonObject { ["id"] = id },
                ["Identities"] = new JsonArray(),
                ["Body"] = body,
            },
        },
        ["Metadata"] = Sys("Runs"),
    };

    private static (string Status, JsonNode Body) Response(JsonNode answer)
    {
        var res = answer["Outputs"]!["res"]!;
        return (res["statusCode"]!.GetValue<string>(), JsonNode.Parse(res["body"]!.GetValue<string>())!);
    }

    private static JsonObject Sys(string method) => new()
    {
        ["sys"] = new JsonObject { ["MethodName"] = method, ["UtcNow"] = "2026-11-20T12:00:00Z", ["RandGuid"] = Guid.NewGuid().ToString() },
    };

    private static StringContent Json(JsonNode payload) => new(payload.ToJsonString(), Encoding.UTF8, "application/json");
}
