using KpiFunctions.Pipeline.Activities;
using KpiFunctions.Pipeline.Notify;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Secrets;
using Microsoft.DurableTask.Client;

namespace KpiFunctions.Orchestration.Tests;

/// <summary>The run orchestrator and the app's activities under the in-memory Durable host, with real replay.</summary>
public sealed class KpiRunOrchestratorTests
{
    [Fact]
    public async Task Twelve_stores_are_fanned_out_once_each_and_fanned_in_to_one_compute()
    {
        using var world = new RunWorld(12);
        await world.SeedAsync();
        await using var host = await world.StartHostAsync();

        var instance = await world.RunAsync(host);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        var result = instance.ReadOutputAs<RunResult>()!;
        Assert.Equal(RunState.Completed, result.State);
        Assert.Equal(world.Stores.Select(s => s.Id).Order(StringComparer.Ordinal), result.Stores.Select(o => o.StoreId));
        Assert.All(result.Stores, o => Assert.True(o.Succeeded, o.Error));
        Assert.All(world.Stores, s => Assert.Equal(1, world.Activities.FetchCalls(s.Id)));
        Assert.Equal(1, world.Activities.Calls(KpiTasks.ComputeKpis));
        Assert.Equal(12 * 3, result.Compute.KpiRows);
        var progress = instance.ReadCustomStatusAs<RunProgress>()!;
        Assert.Equal(("done", 12, 12, 0, 0), (progress.Stage, progress.Stores, progress.Done, progress.Failed, progress.Running));
        var header = await new RunHistory(world.Storage.Tables).GetAsync("test-run");
        Assert.Equal(RunStatus.Completed, header!.Status);
    }

    [Fact]
    public async Task A_window_run_in_chunks_of_four_days_gives_the_kpi_rows_weeks_and_sku_days_of_one_chunk()
    {
        // Ten days across a month's end and three ISO weeks: chunks 27-30 October, 31 October (a chunk ends with its
        // month), 1-4 November, 5 November, so November's month-to-date on the 5th reads the 1st-4th from the chunk
        // before, and the weeks of Monday 26 October and Monday 2 November span two chunks each.
        var input = new RunInput(new DateOnly(2026, 10, 27), new DateOnly(2026, 11, 5));
        using var whole = new RunWorld(2);
        using var chunked = new RunWorld(2, chunkDays: 4);
        await whole.SeedAsync(input.From!.Value, input.To!.Value);
        await chunked.SeedAsync(input.From!.Value, input.To!.Value);
        await using var wholeHost = await whole.StartHostAsync();
        await using var chunkedHost = await chunked.StartHostAsync();

        var one = (await whole.RunAsync(wholeHost, input: input)).ReadOutputAs<RunResult>()!;
        var three = await chunked.RunAsync(chunkedHost, input: input);

        var result = three.ReadOutputAs<RunResult>()!;
        Assert.Equal((RunState.Completed, 2 * 10), (result.State, result.Compute.KpiRows));
        Assert.Equal((1, 4), (whole.Activities.Calls(KpiTasks.ComputeKpis), chunked.Activities.Calls(KpiTasks.ComputeKpis)));
        Assert.Equal(4, chunked.Activities.Calls(KpiTasks.DetectAlerts));
        Assert.Equal(1, chunked.Activities.Calls(KpiTasks.PublishSemantic));
        Assert.All(chunked.Stores, s => Assert.Equal(4, chunked.Activities.FetchCalls(s.Id)));
        // Curated rows written may differ (a chunk's fetch may write again what an earlier chunk wrote); what is quarantined may not.
        Assert.Equal(one.Stores.Select(o => (o.StoreId, o.Succeeded, o.Quarantined)), result.Stores.Select(o => (o.StoreId, o.Succeeded, o.Quarantined)));
        Assert.Equal(one.Output, result.Output);
        var progress = three.ReadCustomStatusAs<RunProgress>()!;
        Assert.Equal(("done", 4, 4), (progress.Stage, progress.Chunk, progress.Chunks));

        var stores = whole.Stores.Select(s => s.Id).ToArray();
        var rows = await whole.KpiRowsAsync(stores);
        Assert.Contains("2026-11-05 ", rows, StringComparison.Ordinal);
        Assert.Equal(rows, await chunked.KpiRowsAsync(stores));
        foreach (var dataset in new[] { "kpi_store_week", "kpi_product_day", "kpi_store_day" })
        {
            var files = await whole.CuratedAsync(dataset, stores);
            Assert.NotEmpty(files);
            Assert.Equal(files, await chunked.CuratedAsync(dataset, stores));
        }
    }

    [Fact]
    public async Task A_fetch_that_fails_twice_then_succeeds_is_retried_and_its_effect_happens_once()
    {
        using var world = new RunWorld(3);
        await world.SeedAsync();
        world.Activities.Fail("us-east", 2);
        await using var host = await world.StartHostAsync();

        var instance = await world.RunAsync(host);

        var result = instance.ReadOutputAs<RunResult>()!;
        Assert.Equal(RunState.Completed, result.State);
        Assert.Equal(3, world.Activities.FetchCalls("us-east"));
        Assert.Equal(1, world.Activities.Fetched["us-east"]);
        Assert.True(result.Stores.Single(o => o.StoreId == "us-east").Rows > 0);
        Assert.Contains("us-east", await world.KpiRowsAsync(["us-east"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_failing_every_attempt_ends_the_run_with_errors_and_the_others_rows_equal_a_clean_runs()
    {
        using var clean = new RunWorld(4);
        await clean.SeedAsync();
        using var failing = new RunWorld(4);
        await failing.SeedAsync();
        failing.Activities.Fail("us-west", int.MaxValue);
        await using var host = await clean.StartHostAsync();
        await using var failingHost = await failing.StartHostAsync();

        var cleanRun = await clean.RunAsync(host);
        var failedRun = await failing.RunAsync(failingHost);

        Assert.Equal(RunState.Completed, cleanRun.ReadOutputAs<RunResult>()!.State);
        var result = failedRun.ReadOutputAs<RunResult>()!;
        Assert.Equal(RunState.CompletedWithErrors, result.State);
        Assert.Contains("failed stores: us-west", result.Output, StringComparison.Ordinal);
        var us = result.Stores.Single(o => o.StoreId == "us-west");
        Assert.False(us.Succeeded);
        Assert.Contains("store us-west did not answer", us.Error, StringComparison.Ordinal);
        Assert.Equal(3, failing.Activities.FetchCalls("us-west"));
        var others = failing.Stores.Select(s => s.Id).Where(id => id != "us-west").ToArray();
        var expected = await clean.KpiRowsAsync(others);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await failing.KpiRowsAsync(others));
        Assert.Empty(await failing.KpiRowsAsync(["us-west"]));
        var recorded = await new RunHistory(failing.Storage.Tables).GetStoresAsync("test-run");
        Assert.Equal((StoreTaskStatus.Failed, 3), recorded.Where(t => t.StoreId == "us-west").Select(t => (t.Status, t.Attempts)).Single());
        Assert.Equal(RunStatus.CompletedWithErrors, (await new RunHistory(failing.Storage.Tables).GetAsync("test-run"))!.Status);
    }

    [Fact]
    public async Task Replays_do_not_run_a_completed_activity_again()
    {
        using var world = new RunWorld(5);
        await world.SeedAsync();
        await using var host = await world.StartHostAsync();

        var instance = await world.RunAsync(host);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        // Each activity's completion wakes the orchestrator, which replays its history from the start: every call
        // above it was replayed, not run again.
        Assert.Equal(1, world.Activities.Calls(KpiTasks.PlanRun));
        Assert.Equal(5, world.Activities.Calls(KpiTasks.FetchStore));
        Assert.All(world.Stores, s => Assert.Equal(1, world.Activities.Fetched[s.Id]));
        Assert.Equal(1, world.Activities.Calls(KpiTasks.ComputeKpis));
        Assert.Equal(1, world.Activities.Calls(KpiTasks.DetectAlerts));
        Assert.Equal(1, world.Activities.Calls(KpiTasks.PublishSemantic));
        Assert.Equal(0, world.Activities.Calls(KpiTasks.RefreshPowerBi));
        Assert.Equal(0, world.Activities.Calls(KpiTasks.NotifyAlerts)); // no webhooks configured
        Assert.Equal(1, world.Activities.Calls(KpiTasks.RecordRun));
    }

    [Fact]
    public async Task Starting_the_same_night_twice_gives_one_instance()
    {
        using var world = new RunWorld(2);
        await world.SeedAsync();
        await using var host = await world.StartHostAsync();
        var evening = new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);

        var first = await RunStarter.StartNightlyAsync(host.Client, evening);
        var second = await RunStarter.StartNightlyAsync(host.Client, evening.AddHours(3));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await host.Client.WaitForInstanceCompletionAsync(first.InstanceId, timeout.Token);
        var third = await RunStarter.StartNightlyAsync(host.Client, evening.AddHours(20));

        Assert.Equal(("nightly-2026-11-20", true), first);
        Assert.Equal(("nightly-2026-11-20", false), second);
        Assert.Equal(("nightly-2026-11-20", false), third);
        var instances = new List<OrchestrationMetadata>();
        await foreach (var instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            instances.Add(instance);
        }

        Assert.Equal(["nightly-2026-11-20"], instances.Select(i => i.InstanceId));
        Assert.Equal(1, world.Activities.Calls(KpiTasks.PlanRun));
    }

    [Fact]
    public async Task Configured_webhooks_are_notified_once_after_the_publish_and_each_channels_outcome_is_recorded()
    {
        // No URL secret is stored: the channel cannot be sent to (or, without critical alerts, is skipped); either way
        // the outcome is recorded and the run is not failed by it.
        using var world = new RunWorld(2, Webhooks);
        await world.SeedAsync();
        await using var host = await world.StartHostAsync();

        var instance = await world.RunAsync(host);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(1, world.Activities.Calls(KpiTasks.NotifyAlerts));
        var delivery = Assert.Single(await new AlertDeliveryLog(world.Storage.Tables).ListAsync("test-run"));
        Assert.Equal(("ops", WebhookFormat.Teams), (delivery.Channel, delivery.Format));
        Assert.NotEqual(DeliveryStatus.Delivered, delivery.Status);
        var header = await new RunHistory(world.Storage.Tables).GetAsync("test-run");
        Assert.Equal(RunStatus.Completed, header!.Status);
        Assert.Contains("; alert messages: ops: ", header.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notify_activity_that_throws_leaves_the_run_completed_with_the_failure_in_its_output()
    {
        using var world = new RunWorld(2, Webhooks);
        world.Activities.FailNotify = true;
        await world.SeedAsync();
        await using var host = await world.StartHostAsync();

        var instance = await world.RunAsync(host);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(RunState.Completed, instance.ReadOutputAs<RunResult>()!.State);
        Assert.Equal(1, world.Activities.Calls(KpiTasks.NotifyAlerts)); // not retried: a retry would send the messages that arrived again
        var header = await new RunHistory(world.Storage.Tables).GetAsync("test-run");
        Assert.Equal(RunStatus.Completed, header!.Status);
        Assert.Contains("; alert messages failed: the alert deliveries table is unreachable", header.Output, StringComparison.Ordinal);
    }

    private static AlertWebhooks Webhooks(string folder) => new(
        new AlertWebhookOptions { Channels = AlertWebhookOptions.ParseChannels("ops:teams"), MinSeverity = Core.Alerts.AlertSeverity.Warning },
        new FileSecretStore(Path.Combine(folder, "secrets")),
        SharedHttp);

    private static readonly HttpClient SharedHttp = new();
}
