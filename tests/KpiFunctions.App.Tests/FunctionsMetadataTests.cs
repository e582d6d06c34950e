using System.Text.Json.Nodes;
using KpiFunctions.Orchestration;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.App.Tests;

/// <summary>
/// The functions.metadata the Worker SDK generates when it builds (and publishes) the app: what the Functions host
/// indexes. Every function's name, trigger, schedule, route and auth level, and the orchestrator and activity names
/// the same as the registration every other host uses.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Dictionary<string, JsonObject> Functions = Load();

    [Fact]
    public void The_app_has_exactly_the_functions_of_the_run_the_timer_and_the_api()
    {
        string[] expected = [KpiTasks.KpiRun, .. KpiTasks.Activities, "DailyRun", "StartRun", "GetRun", "ListRuns", "Kpis", "Health"];

        Assert.Equal(expected.Order(StringComparer.Ordinal), Functions.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_orchestrator_and_every_activity_have_their_durable_triggers()
    {
        Assert.Equal(["orchestrationTrigger"], Triggers(KpiTasks.KpiRun));
        Assert.All(KpiTasks.Activities, name => Assert.Equal(["activityTrigger"], Triggers(name)));
    }

    [Fact]
    public void Daily_run_is_a_timer_on_the_schedule_setting_with_a_durable_client()
    {
        var timer = Binding("DailyRun", "timerTrigger");

        Assert.Equal("%KPI_SCHEDULE%", (string?)timer["schedule"]);
        Assert.NotNull(Binding("DailyRun", "durableClient"));
    }

    [Theory]
    [InlineData("StartRun", "post", "runs", true)]
    [InlineData("GetRun", "get", "runs/{id}", true)]
    [InlineData("ListRuns", "get", "runs", false)]
    [InlineData("Kpis", "get", "kpis", false)]
    [InlineData("Health", "get", "health", false)]
    public void Each_http_function_has_its_method_route_and_a_function_key(string name, string method, string route, bool durableClient)
    {
        var trigger = Binding(name, "httpTrigger");

        Assert.Equal([method], trigger["methods"]!.AsArray().Select(m => ((string?)m)?.ToLowerInvariant()));
        Assert.Equal(route, (string?)trigger["route"]);
        Assert.Equal("Function", (string?)trigger["authLevel"]);
        Assert.NotNull(Binding(name, "http"));
        Assert.Equal(durableClient, Functions[name]["bindings"]!.AsArray().Any(b => (string?)b!["type"] == "durableClient"));
    }

    [Fact]
    public void Host_json_names_the_task_hub_and_bounds_concurrency()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Find(), "functions", "KpiFunctions.App", "host.json")))!;
        var durable = host["extensions"]!["durableTask"]!;

        Assert.Equal("KpiHub", (string?)durable["hubName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)durable["storageProvider"]!["connectionName"]);
        Assert.InRange((int)durable["maxConcurrentActivityFunctions"]!, 1, 16);
        Assert.Null(host["customHandler"]);
    }

    private static string[] Triggers(string name) =>
        [.. Functions[name]["bindings"]!.AsArray().Where(b => ((string?)b!["type"])!.EndsWith("Trigger", StringComparison.Ordinal)).Select(b => (string)b!["type"]!)];

    private static JsonObject Binding(string function, string type) =>
        Functions[function]["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => (string?)b["type"] == type);

    /// <summary>The app's own build output, in the configuration these tests were built in.</summary>
    private static Dictionary<string, JsonObject> Load()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0/
        var path = Path.Combine(RepoRoot.Find(), "functions", "KpiFunctions.App", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Worker SDK writes it when the app is built.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => (string)f["name"]!, StringComparer.Ordinal);
    }
}
