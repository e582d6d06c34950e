using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Tests;

public class RunLedgerTests
{
    private static RunHeader Header(string runId, params string[] stores) => new(
        runId, RunStatus.Running, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 1), "synthetic",
        stores, false, Harness.Now, Harness.Now, null);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(65);

    private static StoreTask Done(string store) => new(store, StoreTaskStatus.Succeeded, 1, 10, 0, 5, null);

    [Fact]
    public async Task When_every_store_finishes_at_once_exactly_one_finisher_claims_the_compute()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var stores = Enumerable.Range(0, 12).Select(i => "s" + i).ToArray();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);
        await ledger.CreateAsync(Header("run-a", stores));

        // Every store finishes twice (a duplicate delivery), all concurrently.
        var claims = await Task.WhenAll(stores.Concat(stores).Select(s => Task.Run(() => ledger.FinishStoreAsync("run-a", s, Done(s)))));

        Assert.Equal(1, claims.Count(c => c));
        var header = await ledger.GetAsync("run-a");
        Assert.True(header!.ComputeClaimed);
        Assert.Equal(RunStatus.Computing, header.Status);
    }

    [Fact]
    public async Task A_finisher_that_died_after_marking_its_task_is_covered_by_the_redelivery()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);
        await ledger.CreateAsync(Header("run-b", "s1", "s2"));
        Assert.False(await ledger.FinishStoreAsync("run-b", "s1", Done("s1")));
        // s2's worker marks its task, then dies before claiming: simulate by writing the row directly.
        await h.Storage.Tables.UpsertEntityAsync(TableNames.Runs, new TableEntity("run-b", "store|s2") { ["Status"] = "Succeeded", ["Attempts"] = 1 });

        var redelivered = await ledger.FinishStoreAsync("run-b", "s2", Done("s2"));

        Assert.True(redelivered);
        Assert.False(await ledger.FinishStoreAsync("run-b", "s2", Done("s2")));
    }

    [Fact]
    public async Task A_duplicate_delivery_of_a_finished_store_does_not_start_it_again()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);
        await ledger.CreateAsync(Header("run-c", "s1", "s2"));
        Assert.Equal(TaskClaim.StartedAttempt(1), await ledger.BeginStoreAsync("run-c", "s1", "a", Lease));
        await ledger.FinishStoreAsync("run-c", "s1", Done("s1"), "a");

        Assert.Equal(TaskClaim.Finished, await ledger.BeginStoreAsync("run-c", "s1", "b", Lease));
        var task = (await ledger.GetTasksAsync("run-c")).Single(t => t.StoreId == "s1");
        Assert.Equal((StoreTaskStatus.Succeeded, 1), (task.Status, task.Attempts));
    }

    [Fact]
    public async Task A_run_id_is_used_once()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);

        Assert.True(await ledger.CreateAsync(Header("run-d", "s1")));
        Assert.False(await ledger.CreateAsync(Header("run-d", "s1")));
    }

    [Fact]
    public async Task Of_deliveries_racing_for_one_store_one_takes_it_and_the_others_see_it_held_until_the_lease_ends()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);
        await ledger.CreateAsync(Header("run-e", "s1"));

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => ledger.BeginStoreAsync("run-e", "s1", "owner" + i, Lease))));

        Assert.Single(claims, c => c.Kind == TaskClaimKind.Started);
        Assert.All(claims.Where(c => c.Kind != TaskClaimKind.Started), c => Assert.Equal(TaskClaim.HeldUntil(Harness.Now + Lease), c));
        var task = (await ledger.GetTasksAsync("run-e")).Single();
        Assert.Equal((StoreTaskStatus.Running, 1, Harness.Now + Lease), (task.Status, task.Attempts, task.LeaseUntilUtc));
    }

    [Fact]
    public async Task A_failed_attempt_gives_its_lease_back_but_only_its_own()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);
        await ledger.CreateAsync(Header("run-f", "s1"));
        await ledger.BeginStoreAsync("run-f", "s1", "a", Lease);

        await ledger.RecordAttemptErrorAsync("run-f", "s1", "someone-else", "late error from an old delivery");
        Assert.Equal(TaskClaimKind.Held, (await ledger.BeginStoreAsync("run-f", "s1", "b", Lease)).Kind);
        await ledger.RecordAttemptErrorAsync("run-f", "s1", "a", "timeout");
        var retry = await ledger.BeginStoreAsync("run-f", "s1", "b", Lease);

        Assert.Equal(TaskClaim.StartedAttempt(2), retry);
        var task = (await ledger.GetTasksAsync("run-f")).Single();
        Assert.Equal((2, "b", "timeout"), (task.Attempts, task.Owner, task.LastError));
    }

    [Fact]
    public async Task A_lease_that_ran_out_is_taken_over_and_the_compute_lease_is_released_only_by_its_owner()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);
        await ledger.CreateAsync(Header("run-g", "s1"));
        await ledger.BeginStoreAsync("run-g", "s1", "a", Lease);
        h.Time.Now += Lease;
        Assert.Equal(TaskClaim.StartedAttempt(2), await ledger.BeginStoreAsync("run-g", "s1", "b", Lease));

        Assert.True(await ledger.TryStartComputeAsync("run-g", "c1", Lease));
        Assert.False(await ledger.TryStartComputeAsync("run-g", "c2", Lease));
        await ledger.ReleaseComputeAsync("run-g", "c2", "not mine to give back");
        Assert.False(await ledger.TryStartComputeAsync("run-g", "c2", Lease));
        await ledger.ReleaseComputeAsync("run-g", "c1", "compute failed: disk full");
        Assert.True(await ledger.TryStartComputeAsync("run-g", "c2", Lease));
        var header = (await ledger.GetAsync("run-g"))!;
        Assert.Equal(("c2", 2, "compute failed: disk full", RunStatus.Running), (header.ComputeOwner, header.ComputeAttempts, header.ComputeError, header.Status));
    }

    [Fact]
    public async Task A_start_that_died_after_writing_some_tasks_is_completed_by_starting_it_again_and_only_then_is_a_run()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);

        // The first start wrote s1's task and died: no header, so no run, and nothing can claim a compute for it.
        await h.Storage.Tables.UpsertEntityAsync(TableNames.Runs, new TableEntity("run-h", "store|s1") { ["Status"] = "Pending", ["Attempts"] = 0 });
        Assert.Null(await ledger.GetAsync("run-h"));
        Assert.True(await ledger.CreateAsync(Header("run-h", "s1", "s2")));

        Assert.Equal(["s1", "s2"], (await ledger.GetTasksAsync("run-h")).Select(t => t.StoreId));
        Assert.False(await ledger.CreateAsync(Header("run-h", "s1", "s2")));
    }

    [Fact]
    public async Task The_compute_is_claimed_only_when_every_store_of_the_header_has_a_finished_task()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);
        await ledger.CreateAsync(Header("run-i", "s1", "s2"));
        Assert.True(await h.Storage.Tables.DeleteEntityAsync(TableNames.Runs, "run-i", "store|s2")); // a task row that never made it

        Assert.False(await ledger.FinishStoreAsync("run-i", "s1", Done("s1")));
        Assert.False((await ledger.GetAsync("run-i"))!.ComputeClaimed);
    }

    [Fact]
    public async Task A_task_held_on_a_live_lease_is_finished_only_by_its_holder()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var ledger = new RunLedger(h.Storage.Tables, h.Time);
        await ledger.CreateAsync(Header("run-j", "s1"));
        await ledger.BeginStoreAsync("run-j", "s1", "holder", Lease);

        var held = await Assert.ThrowsAsync<TaskHeldException>(() => ledger.FinishStoreAsync("run-j", "s1", Done("s1") with { Status = StoreTaskStatus.Failed }));
        Assert.Equal(Harness.Now + Lease, held.Until);
        Assert.True(await ledger.FinishStoreAsync("run-j", "s1", Done("s1"), "holder"));
        Assert.Equal(StoreTaskStatus.Succeeded, (await ledger.GetTasksAsync("run-j")).Single().Status);
    }
}
