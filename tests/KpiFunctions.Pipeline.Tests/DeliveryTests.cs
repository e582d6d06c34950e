using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Orchestration;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Storage.Tables;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>
/// The run's steps delivered over real queues the way the host delivers them (at least once, duplicated, shuffled,
/// killed half-way, poisoned): every scenario ends with one compute, a correct ledger and the KPI rows of a clean run.
/// </summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private static readonly DateOnly From = new(2026, 11, 15);
    private static readonly DateOnly To = new(2026, 11, 16);
    private readonly Harness _clean = new(3);
    private IReadOnlyList<KpiDailyRow> _cleanRows = [];

    public async Task InitializeAsync()
    {
        await _clean.SeedAsync(From, To);
        await _clean.Runner().RunAsync(new RunRequest(From, To));
        _cleanRows = await new KpiDailyRepository(_clean.Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);
    }

    public Task DisposeAsync()
    {
        _clean.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Duplicated_and_shuffled_deliveries_compute_once_and_give_the_clean_runs_rows()
    {
        using var h = new Harness(3);
        var host = new DeliveryHost(h.Storage.Queues!, Steps(h, new SyntheticSource(h.World))) { DuplicateShare = 0.6, Shuffle = true };

        var runId = await RunAsync(h, host);

        await AssertCleanAsync(h, runId, RunStatus.Completed);
        Assert.True(host.Deliveries > 3 + 1 + 1, $"{host.Deliveries} deliveries");
    }

    [Fact]
    public async Task A_step_that_dies_after_its_work_is_delivered_again_and_changes_nothing_the_second_time()
    {
        using var h = new Harness(3);
        var host = new DeliveryHost(h.Storage.Queues!, Steps(h, new SyntheticSource(h.World))) { DiesAfterWork = (_, m) => m.DequeueCount == 1 };

        var runId = await RunAsync(h, host);

        await AssertCleanAsync(h, runId, RunStatus.Completed);
        // Every message died once: 3 fetches, the compute (and the extra compute messages redelivered fetches send), the publish.
        var died = host.Log.Where(l => l.EndsWith("died after its work", StringComparison.Ordinal)).ToArray();
        Assert.True(died.Length >= 5, string.Join("\n", host.Log));
        Assert.Contains(died, l => l.StartsWith("kpi-compute #1", StringComparison.Ordinal));
        Assert.Contains(died, l => l.StartsWith("kpi-publish #1", StringComparison.Ordinal));
    }

    [Fact]
    public Task A_fetch_killed_between_marking_its_store_finished_and_claiming_the_compute_is_redelivered_and_claims_it() =>
        KilledOnceAsync("kpi-fetch", (table, entity) => table == TableNames.Runs && entity.RowKey == "run" && entity.GetBoolean("ComputeClaimed") == true);

    [Fact]
    public Task A_compute_that_fails_gives_its_lease_back_so_the_hosts_retry_computes_at_once() =>
        KilledOnceAsync("kpi-compute", (table, _) => table == TableNames.Daily);

    /// <summary>A run whose first table write that <paramref name="kill"/> picks dies, on <paramref name="queue"/>'s first delivery; the redelivery heals it.</summary>
    private async Task KilledOnceAsync(string queue, Func<string, TableEntity, bool> kill)
    {
        using var h = new Harness(3);
        var tables = new FailOnceTables(h.Storage.Tables, kill);
        var storage = h.Storage with { Tables = tables };
        var host = new DeliveryHost(storage.Queues!, new RunSteps(storage, new SyntheticSource(h.World), new SyntheticFxSource(h.World), h.Options, h.Time, new Random(3)));

        await h.SeedAsync(From, To);
        var runId = await host.StartAsync(new RunRequest(From, To));
        await host.DeliverAllAsync();

        Assert.True(tables.Failed);
        Assert.Contains(host.Log, l => l.StartsWith(queue + " #1 failed: killed", StringComparison.Ordinal));
        await AssertCleanAsync(h, runId, RunStatus.Completed);
    }

    [Fact]
    public async Task A_store_that_fails_every_delivery_goes_to_the_poison_queue_is_marked_failed_and_the_run_completes_without_it()
    {
        using var h = new Harness(3);
        var source = new FailingSource(new SyntheticSource(h.World), "us-west");
        var host = new DeliveryHost(h.Storage.Queues!, Steps(h, source)) { MaxDequeueCount = 3 };

        var runId = await RunAsync(h, host);

        var header = (await new RunLedger(h.Storage.Tables).GetAsync(runId))!;
        var failed = (await new RunLedger(h.Storage.Tables).GetTasksAsync(runId)).Single(t => t.StoreId == "us-west");
        Assert.Equal(RunStatus.CompletedWithErrors, header.Status);
        Assert.Contains("failed stores: us-west", header.Output, StringComparison.Ordinal);
        Assert.Equal(1, header.Computations);
        Assert.Equal((StoreTaskStatus.Failed, 3), (failed.Status, failed.Attempts));
        Assert.Equal("gave up after 3 attempts; last error: source unavailable for us-west", failed.LastError);
        Assert.Equal(3, source.Calls);
        var rows = await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);
        Assert.Equal(_cleanRows.Where(r => r.StoreId != "us-west").Select(r => (r.StoreId, r.Date, r.Kpis["gmv"].Value)), rows.Select(r => (r.StoreId, r.Date, r.Kpis["gmv"].Value)));
    }

    [Fact]
    public async Task A_compute_delivery_that_died_half_way_holds_the_run_until_its_lease_runs_out_then_another_computes_once()
    {
        using var h = new Harness(3);
        var (steps, host, runId) = await StartedAsync(h);

        // The fetches claim the compute; a compute delivery then takes the lease and dies before computing.
        foreach (var message in await h.Storage.Queues!.ReceiveAsync(QueueNames.Fetch, 32, TimeSpan.FromMinutes(5)))
        {
            await steps.FetchAsync(StepMessages.ReadFetch(message.Text));
        }

        Assert.True(await steps.Ledger.TryStartComputeAsync(runId, "dead-delivery", RunSteps.ComputeLease));
        var held = await Assert.ThrowsAsync<StepBusyException>(() => steps.ComputeAsync(new ComputeMessage(runId)));
        Assert.Equal(RunSteps.ComputeLease, held.RetryAfter); // the clock has not moved: the whole lease is left
        Assert.Equal((QueueNames.Compute, new ComputeMessage(runId)), (held.Queue, StepMessages.ReadCompute(held.Text)));
        h.Time.Now += RunSteps.ComputeLease + TimeSpan.FromMinutes(1);
        var (result, publish) = await steps.ComputeAsync(new ComputeMessage(runId));
        var (again, _) = await steps.ComputeAsync(new ComputeMessage(runId));

        Assert.Contains($"Run {runId} is being computed by another delivery; this message is sent again to kpi-compute", held.Message, StringComparison.Ordinal);
        Assert.NotNull(result);
        Assert.Null(again);
        Assert.Equal(new PublishMessage(runId), publish);
        Assert.Equal(1, (await steps.Ledger.GetAsync(runId))!.Computations);
    }

    [Fact]
    public async Task On_azurite_duplicated_shuffled_and_killed_deliveries_compute_once_and_give_the_clean_runs_rows()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        using var h = new Harness(3) { Storage = KpiStorage.Azure(azurite.ConnectionString, "t" + Guid.NewGuid().ToString("N")[..12] + "-") };
        var host = new DeliveryHost(h.Storage.Queues!, Steps(h, new SyntheticSource(h.World)))
        {
            DuplicateShare = 0.5,
            Shuffle = true,
            DiesAfterWork = (queue, m) => m.DequeueCount == 1 && queue is QueueNames.Compute or QueueNames.Fetch && m.MessageId[^1] % 2 == 0,
        };

        var runId = await RunAsync(h, host);

        await AssertCleanAsync(h, runId, RunStatus.Completed);
    }

    [Fact]
    public async Task Concurrent_batches_and_twin_deliveries_fetch_every_store_once_and_compute_once()
    {
        using var h = new Harness(3);
        var host = new DeliveryHost(h.Storage.Queues!, Steps(h, new SyntheticSource(h.World)))
        {
            Concurrent = true,
            Twin = (queue, m) => m.DequeueCount == 1 && queue is QueueNames.Fetch or QueueNames.Compute,
            DuplicateShare = 0.3,
            Random = new Random(11),
        };

        var runId = await RunAsync(h, host);

        // A twin that found its store held sent its message again for when the lease runs out: deliver that too.
        h.Time.Now += RunSteps.TaskLease + TimeSpan.FromMinutes(1);
        await host.DeliverAllAsync();
        await AssertCleanAsync(h, runId, RunStatus.Completed);
        Assert.All(await new RunLedger(h.Storage.Tables).GetTasksAsync(runId), t => Assert.Equal(1, t.Attempts));
        Assert.True(host.Twins >= 4, $"{host.Twins} twin deliveries");
    }

    [Fact]
    public async Task A_second_delivery_of_a_store_being_fetched_is_sent_back_for_the_leases_end_and_takes_over_only_once_it_ran_out()
    {
        using var h = new Harness(3);
        var gated = new GatedSource(new SyntheticSource(h.World));
        var steps = Steps(h, gated);
        await h.SeedAsync(From, To);
        var started = await steps.StartAsync(new RunRequest(From, To));
        var message = started.Messages[0];

        var first = steps.FetchAsync(message);
        await gated.Entered;
        var busy = await Assert.ThrowsAsync<StepBusyException>(() => steps.FetchAsync(message));
        Assert.Equal((QueueNames.Fetch, message, RunSteps.TaskLease), (busy.Queue, StepMessages.ReadFetch(busy.Text), busy.RetryAfter));
        Assert.Contains($"Store {message.StoreId} of run {started.Header.RunId} is being fetched by another delivery", busy.Message, StringComparison.Ordinal);

        // The first delivery hangs (its process died); once its lease ran out a delivery takes the store over.
        h.Time.Now += RunSteps.TaskLease + TimeSpan.FromSeconds(1);
        gated.PassThrough = true;
        var takeover = await steps.FetchAsync(message);
        gated.Release();
        var late = await first;

        Assert.NotNull(takeover.Result);
        Assert.NotNull(late.Result); // a hung delivery that wakes up writes the same data; the task stays finished once
        var task = (await steps.Ledger.GetTasksAsync(started.Header.RunId)).Single(t => t.StoreId == message.StoreId);
        Assert.Equal((StoreTaskStatus.Succeeded, 2, (string?)null, (DateTimeOffset?)null), (task.Status, task.Attempts, task.Owner, task.LeaseUntilUtc));
    }

    [Fact]
    public async Task A_start_that_died_before_sending_its_fetch_messages_is_repaired_and_the_run_completes()
    {
        using var h = new Harness(3);
        var steps = Steps(h, new SyntheticSource(h.World));
        var host = new DeliveryHost(h.Storage.Queues!, steps);
        await h.SeedAsync(From, To);
        await CreateQueuesAsync(h);

        var started = await steps.StartAsync(new RunRequest(From, To)); // ... and the process dies here
        Assert.Empty(await steps.RepairAsync()); // too early to tell from a start still sending
        h.Time.Now += RunSteps.RepairAfter;
        var repairs = await steps.RepairAsync();
        await host.DeliverAllAsync();

        Assert.Equal([$"Run {started.Header.RunId}: its start died before sending its fetch messages; sent 3."], repairs);
        Assert.Empty(await steps.RepairAsync());
        await AssertCleanAsync(h, started.Header.RunId, RunStatus.Completed);
    }

    [Fact]
    public async Task A_store_whose_delivery_died_holding_its_lease_with_its_message_lost_is_sent_again_once_the_lease_ran_out()
    {
        using var h = new Harness(3);
        var (steps, host, runId) = await StartedAsync(h);
        var lost = (await h.Storage.Queues!.ReceiveAsync(QueueNames.Fetch, 1, TimeSpan.FromMinutes(1))).Single();
        var store = StepMessages.ReadFetch(lost.Text).StoreId;
        Assert.Equal(TaskClaimKind.Started, (await steps.Ledger.BeginStoreAsync(runId, store, "dead-delivery", RunSteps.TaskLease)).Kind);
        await h.Storage.Queues.DeleteAsync(QueueNames.Fetch, lost);
        await host.DeliverAllAsync();
        Assert.Equal(RunStatus.Running, (await steps.Ledger.GetAsync(runId))!.Status);

        h.Time.Now += TimeSpan.FromMinutes(30);
        Assert.Empty(await steps.RepairAsync()); // its lease still runs: the delivery may be alive
        h.Time.Now += RunSteps.TaskLease;
        var repairs = await steps.RepairAsync();
        await host.DeliverAllAsync();

        Assert.Equal([$"Run {runId}: store {store}'s delivery died and its lease ran out; its fetch message was sent again."], repairs);
        await AssertCleanAsync(h, runId, RunStatus.Completed);
    }

    [Fact]
    public async Task A_run_whose_stores_all_finished_without_a_claim_is_claimed_by_the_repair()
    {
        using var h = new Harness(3);
        var (steps, host, runId) = await StartedAsync(h);
        foreach (var message in await h.Storage.Queues!.ReceiveAsync(QueueNames.Fetch, 32, TimeSpan.FromMinutes(5)))
        {
            // Every fetch finishes its store's task, and none of them lives to claim (their messages are gone too).
            var fetch = StepMessages.ReadFetch(message.Text);
            await new FetchStoreStep(h.Storage, new SyntheticSource(h.World)).FetchAsync(fetch);
            await h.Storage.Tables.UpsertEntityAsync(TableNames.Runs, new TableEntity(runId, "store|" + fetch.StoreId) { ["Status"] = "Succeeded", ["Attempts"] = 1 });
            await h.Storage.Queues.DeleteAsync(QueueNames.Fetch, message);
        }

        var repairs = await steps.RepairAsync();
        await host.DeliverAllAsync();

        Assert.Equal([$"Run {runId}: every store was finished but the compute was never claimed; claimed it and sent the compute message."], repairs);
        await AssertCleanAsync(h, runId, RunStatus.Completed);
    }

    [Fact]
    public async Task A_compute_that_fails_every_delivery_is_poisoned_and_the_run_ends_failed_with_its_last_error()
    {
        using var h = new Harness(3);
        var tables = new FailOnceTables(h.Storage.Tables, (table, _) => table == TableNames.Daily) { Times = int.MaxValue };
        var storage = h.Storage with { Tables = tables };
        var steps = new RunSteps(storage, new SyntheticSource(h.World), new SyntheticFxSource(h.World), h.Options, h.Time, new Random(3));
        var host = new DeliveryHost(storage.Queues!, steps) { MaxDequeueCount = 3 };

        await h.SeedAsync(From, To);
        var runId = await host.StartAsync(new RunRequest(From, To));
        await host.DeliverAllAsync();

        var header = (await steps.Ledger.GetAsync(runId))!;
        Assert.Equal(RunStatus.Failed, header.Status);
        Assert.Equal("compute gave up after the host's deliveries; last error: compute failed: killed before the write", header.Output);
        Assert.Equal((0, (DateTimeOffset?)null), (header.Computations, header.PublishedUtc));
        Assert.Equal(3, host.Log.Count(l => l.StartsWith("kpi-compute #", StringComparison.Ordinal)));
        Assert.Empty(await steps.RepairAsync()); // a failed run is finished: nothing to repair
    }

    [Fact]
    public async Task A_named_run_started_again_is_the_same_run_and_sends_only_what_its_first_start_did_not()
    {
        using var h = new Harness(3);
        var steps = Steps(h, new SyntheticSource(h.World));
        await h.SeedAsync(From, To);
        await CreateQueuesAsync(h);

        var request = new RunRequest(From, To) { RunId = StartRunStep.NightlyRunId(h.Time.GetUtcNow()) };
        var first = await steps.StartAsync(request); // died before dispatching
        var retried = await steps.StartAsync(request);
        var sent = await steps.DispatchAsync(retried);
        var third = await steps.StartAsync(request);

        Assert.Equal("nightly-20261120", first.Header.RunId);
        Assert.False(first.Existing);
        Assert.True(retried.Existing);
        Assert.Equal(first.Messages, retried.Messages);
        Assert.Equal(3, sent);
        Assert.Equal(0, await steps.DispatchAsync(third));
        Assert.Equal(3, await h.Storage.Queues!.CountAsync(QueueNames.Fetch));
        Assert.Single(await steps.Ledger.ListAsync(10));
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => steps.StartAsync(new RunRequest(From, To) { RunId = "night/1" }));
        Assert.Contains("Run id 'night/1' is not usable", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nightly_start_killed_before_its_header_is_started_again_by_the_timers_retry_and_completes()
    {
        using var h = new Harness(3);
        var tables = new FailOnceTables(h.Storage.Tables, (table, e) => table == TableNames.Runs && e.RowKey == "run");
        var storage = h.Storage with { Tables = tables };
        var steps = new RunSteps(storage, new SyntheticSource(h.World), new SyntheticFxSource(h.World), h.Options, h.Time, new Random(3));
        var host = new DeliveryHost(storage.Queues!, steps);
        await h.SeedAsync(From, To);
        await CreateQueuesAsync(h);

        var request = new RunRequest(From, To) { RunId = StartRunStep.NightlyRunId(h.Time.GetUtcNow()) };
        await Assert.ThrowsAsync<IOException>(() => steps.StartAsync(request));
        Assert.Null(await steps.Ledger.GetAsync(request.RunId!)); // its task rows were written; without a header there is no run
        var retried = await steps.StartAsync(request);
        await steps.DispatchAsync(retried);
        await host.DeliverAllAsync();

        Assert.False(retried.Existing);
        await AssertCleanAsync(h, request.RunId!, RunStatus.Completed);
    }

    [Fact]
    public async Task A_fetch_cancelled_by_the_host_gives_its_lease_back_so_the_redelivery_starts_at_once()
    {
        using var h = new Harness(3);
        var gated = new GatedSource(new SyntheticSource(h.World));
        var steps = Steps(h, gated);
        await h.SeedAsync(From, To);
        var started = await steps.StartAsync(new RunRequest(From, To));
        var message = started.Messages[0];
        using var timeout = new CancellationTokenSource();

        var first = steps.FetchAsync(message, null, timeout.Token);
        await gated.Entered;
        await timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var released = (await steps.Ledger.GetTasksAsync(started.Header.RunId)).Single(t => t.StoreId == message.StoreId);
        gated.PassThrough = true;
        var redelivered = await steps.FetchAsync(message);

        Assert.Equal((StoreTaskStatus.Running, (string?)null, "the delivery was cancelled (the host's function timeout or a shutdown)"), (released.Status, released.Owner, released.LastError));
        Assert.NotNull(redelivered.Result);
        Assert.Equal(2, (await steps.Ledger.GetTasksAsync(started.Header.RunId)).Single(t => t.StoreId == message.StoreId).Attempts);
    }

    [Fact]
    public async Task A_store_whose_deliveries_keep_dying_gives_up_after_the_most_attempts_instead_of_being_retried_for_ever()
    {
        using var h = new Harness(3);
        var steps = Steps(h, new SyntheticSource(h.World));
        await h.SeedAsync(From, To);
        var started = await steps.StartAsync(new RunRequest(From, To));
        var message = started.Messages[0];
        for (var i = 0; i < RunSteps.MaxAttempts; i++)
        {
            // Each delivery dies holding the task (its message sent again each time starts its dequeue count afresh).
            Assert.Equal(TaskClaimKind.Started, (await steps.Ledger.BeginStoreAsync(started.Header.RunId, message.StoreId, "dead-" + i, RunSteps.TaskLease)).Kind);
            h.Time.Now += RunSteps.TaskLease;
        }

        var outcome = await steps.FetchAsync(message);

        Assert.Null(outcome.Result);
        Assert.Equal($"gave up after {RunSteps.MaxAttempts} attempts (deliveries that failed, died or timed out)", outcome.Error);
        var task = (await steps.Ledger.GetTasksAsync(started.Header.RunId)).Single(t => t.StoreId == message.StoreId);
        Assert.Equal((StoreTaskStatus.Failed, RunSteps.MaxAttempts), (task.Status, task.Attempts));
    }

    [Fact]
    public async Task A_poisoned_fetch_message_meeting_a_live_delivery_of_its_store_waits_for_that_delivery()
    {
        using var h = new Harness(3);
        var steps = Steps(h, new SyntheticSource(h.World));
        await h.SeedAsync(From, To);
        var started = await steps.StartAsync(new RunRequest(From, To));
        var message = started.Messages[0];
        await steps.Ledger.BeginStoreAsync(started.Header.RunId, message.StoreId, "live-duplicate", RunSteps.TaskLease);

        var busy = await Assert.ThrowsAsync<StepBusyException>(() => steps.FailStoreAsync(message));

        Assert.Equal((QueueNames.FetchPoison, RunSteps.TaskLease), (busy.Queue, busy.RetryAfter));
        Assert.Equal(StoreTaskStatus.Running, (await steps.Ledger.GetTasksAsync(started.Header.RunId)).Single(t => t.StoreId == message.StoreId).Status);
    }

    [Fact]
    public async Task A_compute_that_fails_keeps_the_run_computing_with_its_error_until_it_succeeds_or_is_poisoned()
    {
        using var h = new Harness(3);
        var tables = new FailOnceTables(h.Storage.Tables, (table, _) => table == TableNames.Daily);
        var storage = h.Storage with { Tables = tables };
        var steps = new RunSteps(storage, new SyntheticSource(h.World), new SyntheticFxSource(h.World), h.Options, h.Time, new Random(3));
        await h.SeedAsync(From, To);
        var started = await steps.StartAsync(new RunRequest(From, To));
        ComputeMessage? compute = null;
        foreach (var message in started.Messages)
        {
            compute ??= (await steps.FetchAsync(message)).Next;
        }

        await Assert.ThrowsAsync<IOException>(() => steps.ComputeAsync(compute!));
        var failedOnce = (await steps.Ledger.GetAsync(started.Header.RunId))!;
        var (result, publish) = await steps.ComputeAsync(compute!);

        Assert.Equal((RunStatus.Computing, "compute failed: killed before the write", (string?)null), (failedOnce.Status, failedOnce.ComputeError, failedOnce.ComputeOwner));
        Assert.NotNull(result);
        Assert.NotNull(publish);
        Assert.Equal(RunStatus.Completed, (await steps.Ledger.GetAsync(started.Header.RunId))!.Status);
        Assert.Equal(RunStatus.Completed, (await steps.FailComputeAsync(compute!))!.Status); // a late poison leaves it completed
    }

    [Fact]
    public void Step_messages_that_are_not_what_their_queue_carries_are_refused_naming_the_queue()
    {
        var notJson = Assert.Throws<InvalidDataException>(() => StepMessages.ReadFetch("store=uk-main"));
        var incomplete = Assert.Throws<InvalidDataException>(() => StepMessages.ReadFetch("""{"runId":"r1","storeId":"uk-main","from":"2026-11-16","to":"2026-11-15"}"""));

        Assert.Contains("A message on kpi-fetch is not JSON of runId, storeId, from and to", notJson.Message, StringComparison.Ordinal);
        Assert.Contains("A message on kpi-fetch lacks runId, storeId, from and to", incomplete.Message, StringComparison.Ordinal);
        Assert.Equal(new FetchStoreMessage("r1", "uk-main", From, To), StepMessages.ReadFetch(StepMessages.Write(new FetchStoreMessage("r1", "uk-main", From, To))));
    }

    /// <summary>A seeded run over the window, started and dispatched, with the host to deliver it.</summary>
    private static async Task<(RunSteps Steps, DeliveryHost Host, string RunId)> StartedAsync(Harness h)
    {
        var steps = Steps(h, new SyntheticSource(h.World));
        var host = new DeliveryHost(h.Storage.Queues!, steps);
        await h.SeedAsync(From, To);
        return (steps, host, await host.StartAsync(new RunRequest(From, To)));
    }

    private static async Task CreateQueuesAsync(Harness h)
    {
        foreach (var queue in QueueNames.All)
        {
            await h.Storage.Queues!.CreateQueueIfNotExistsAsync(queue);
        }
    }

    private static RunSteps Steps(Harness h, IStoreSource source) => new(h.Storage, source, new SyntheticFxSource(h.World), h.Options, h.Time, new Random(3));

    private static async Task<string> RunAsync(Harness h, DeliveryHost host)
    {
        await h.SeedAsync(From, To);
        var runId = await host.StartAsync(new RunRequest(From, To));
        await host.DeliverAllAsync();
        return runId;
    }

    /// <summary>One compute, published, every store succeeded once, and the KPI rows of the clean run.</summary>
    private async Task AssertCleanAsync(Harness h, string runId, RunStatus status)
    {
        var ledger = new RunLedger(h.Storage.Tables);
        var header = (await ledger.GetAsync(runId))!;
        Assert.Equal(status, header.Status);
        Assert.Equal(1, header.Computations);
        Assert.NotNull(header.PublishedUtc);
        Assert.All(await ledger.GetTasksAsync(runId), t => Assert.Equal(StoreTaskStatus.Succeeded, t.Status));
        var rows = await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);
        Assert.Equal(_cleanRows.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal((_cleanRows[i].StoreId, _cleanRows[i].Date), (rows[i].StoreId, rows[i].Date));
            Assert.Equal(_cleanRows[i].Kpis, rows[i].Kpis);
            Assert.Equal(_cleanRows[i].Measures, rows[i].Measures);
        }

        Assert.Equal(0, await h.Storage.Queues!.CountAsync(QueueNames.Fetch));
    }

    /// <summary>A table store that throws once, before the first write a predicate picks (a process killed at that point).</summary>
    private sealed class FailOnceTables(ITableStore inner, Func<string, TableEntity, bool> kill) : ITableStore
    {
        private int _failures;

        public bool Failed => _failures > 0;

        /// <summary>How many writes die (once, unless told otherwise).</summary>
        public int Times { get; init; } = 1;

        public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default) => inner.CreateTableIfNotExistsAsync(table, cancellationToken);

        public Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetEntityAsync(table, partitionKey, rowKey, cancellationToken);

        public Task<TableWriteResult> AddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
        {
            if (_failures < Times && kill(table, entity))
            {
                _failures++;
                throw new IOException("killed before the write");
            }

            return inner.AddEntityAsync(table, entity, cancellationToken);
        }

        public Task<TableWriteResult> UpsertEntityAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
            inner.UpsertEntityAsync(table, entity, mode, cancellationToken);

        public Task<TableWriteResult> UpdateEntityAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
        {
            if (_failures < Times && kill(table, entity))
            {
                _failures++;
                throw new IOException("killed before the write");
            }

            return inner.UpdateEntityAsync(table, entity, ifMatch, mode, cancellationToken);
        }

        public Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.DeleteEntityAsync(table, partitionKey, rowKey, cancellationToken);

        public IAsyncEnumerable<TableEntity> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(table, query, cancellationToken);

        public Task SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
        {
            if (_failures < Times && actions.Count > 0 && kill(table, actions[0].Entity))
            {
                _failures++;
                throw new IOException("killed before the write");
            }

            return inner.SubmitTransactionAsync(table, actions, cancellationToken);
        }
    }
}
