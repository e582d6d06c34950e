using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Tests;

public class RunLedgerTests
{
    private static RunHeader Header(string runId, params string[] stores) => new(
        runId, RunStatus.Running, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 1), "synthetic",
        stores, false, Harness.Now, Harness.Now, null);

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
        Assert.True(await ledger.BeginStoreAsync("run-c", "s1"));
        await ledger.FinishStoreAsync("run-c", "s1", Done("s1"));

        Assert.False(await ledger.BeginStoreAsync("run-c", "s1"));
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
}
