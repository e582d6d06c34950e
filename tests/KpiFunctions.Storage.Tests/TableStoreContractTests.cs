using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Embedded;
using KpiFunctions.Storage.Tables;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

/// <summary>What every <see cref="ITableStore"/> must do, run against SQLite and against Azure Table Storage on Azurite.</summary>
public abstract class TableStoreContract : IAsyncLifetime
{
    protected string Table { get; } = "T" + Guid.NewGuid().ToString("N")[..20];

    protected abstract ITableStore Store { get; }

    public Task InitializeAsync() => Store.CreateTableIfNotExistsAsync(Table);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_property_type_round_trips_with_its_type()
    {
        var guid = Guid.NewGuid();
        var entity = new TableEntity("p", "r")
        {
            ["S"] = "text ünïcødé",
            ["I"] = 42,
            ["L"] = long.MaxValue,
            ["D"] = 0.1 + 0.2,
            ["B"] = true,
            ["T"] = new DateTimeOffset(2026, 3, 10, 1, 2, 3, 456, TimeSpan.FromHours(7)),
            ["G"] = guid,
            ["Bin"] = new byte[] { 0, 1, 255 },
            ["M"] = 12345678901234567.891234m,
        };

        await Store.AddEntityAsync(Table, entity);
        var back = await Store.GetEntityAsync(Table, "p", "r");

        Assert.NotNull(back);
        Assert.Equal("text ünïcødé", back.GetString("S"));
        Assert.IsType<int>(back["I"]);
        Assert.Equal(42, back.GetInt32("I"));
        Assert.Equal(long.MaxValue, back.GetInt64("L"));
        Assert.Equal(0.1 + 0.2, back.GetDouble("D"));
        Assert.True(back.GetBoolean("B"));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 2, 3, 456, TimeSpan.Zero), back.GetDateTimeOffset("T"));
        Assert.Equal(guid, back["G"]);
        Assert.Equal(new byte[] { 0, 1, 255 }, back["Bin"]);
        Assert.Equal(12345678901234567.891234m, back.GetDecimal("M"));
        Assert.NotNull(back.Timestamp);
        Assert.False(string.IsNullOrEmpty(back.ETag));
    }

    [Fact]
    public async Task Adding_an_existing_entity_is_a_conflict_value()
    {
        await Store.AddEntityAsync(Table, new TableEntity("p", "r"));

        var again = await Store.AddEntityAsync(Table, new TableEntity("p", "r"));

        Assert.Equal(TableWriteStatus.Conflict, again.Status);
    }

    [Fact]
    public async Task Of_two_writers_holding_the_same_etag_exactly_one_wins()
    {
        var added = await Store.AddEntityAsync(Table, new TableEntity("p", "r") { ["N"] = 0 });

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            Store.UpdateEntityAsync(Table, new TableEntity("p", "r") { ["N"] = i }, added.ETag!)));

        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.Equal(7, results.Count(r => r.Status == TableWriteStatus.PreconditionFailed));
    }

    [Fact]
    public async Task Updating_a_missing_entity_is_not_found()
    {
        var result = await Store.UpdateEntityAsync(Table, new TableEntity("p", "none"), "*");

        Assert.Equal(TableWriteStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task Merge_keeps_other_properties_and_replace_drops_them()
    {
        await Store.UpsertEntityAsync(Table, new TableEntity("p", "m") { ["A"] = 1, ["B"] = 2 });
        await Store.UpsertEntityAsync(Table, new TableEntity("p", "m") { ["B"] = 3 }, TableUpdateMode.Merge);
        var merged = await Store.GetEntityAsync(Table, "p", "m");
        await Store.UpsertEntityAsync(Table, new TableEntity("p", "m") { ["C"] = 4 }, TableUpdateMode.Replace);
        var replaced = await Store.GetEntityAsync(Table, "p", "m");

        Assert.Equal([("A", 1), ("B", 3)], merged!.Properties.Select(p => (p.Key, (int)p.Value)).Order());
        Assert.Equal(["C"], replaced!.Properties.Keys);
    }

    [Fact]
    public async Task Queries_return_key_ranges_in_order_with_top()
    {
        foreach (var (pk, rk) in new[] { ("2026-03-11", "b"), ("2026-03-10", "b"), ("2026-03-10", "a"), ("2026-03-12", "a") })
        {
            await Store.UpsertEntityAsync(Table, new TableEntity(pk, rk));
        }

        var range = await Collect(new TableQuery { PartitionKeyFrom = "2026-03-10", PartitionKeyTo = "2026-03-11" });
        var oneRow = await Collect(new TableQuery { PartitionKeyFrom = "2026-03-10", PartitionKeyTo = "2026-03-12", RowKeyFrom = "b", RowKeyTo = "b" });
        var top = await Collect(TableQuery.All with { Top = 2 });

        Assert.Equal(["2026-03-10/a", "2026-03-10/b", "2026-03-11/b"], range);
        Assert.Equal(["2026-03-10/b", "2026-03-11/b"], oneRow);
        Assert.Equal(["2026-03-10/a", "2026-03-10/b"], top);
    }

    [Fact]
    public async Task A_transaction_is_all_or_nothing()
    {
        await Store.UpsertEntityAsync(Table, new TableEntity("p", "keep") { ["V"] = 1 });
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionKind.Upsert, new TableEntity("p", "new") { ["V"] = 2 }),
            new(TableTransactionKind.Delete, new TableEntity("p", "keep")),
            new(TableTransactionKind.Upsert, new TableEntity("other", "x")),
        };

        await Assert.ThrowsAsync<ArgumentException>(() => Store.SubmitTransactionAsync(Table, actions));
        actions.RemoveAt(2);
        var before = await Collect(TableQuery.Partition("p"));
        await Store.SubmitTransactionAsync(Table, actions);

        Assert.Equal(["p/keep"], before);
        Assert.Equal(["p/new"], await Collect(TableQuery.Partition("p")));
    }

    [Fact]
    public async Task A_batch_of_250_entities_is_written_in_transactions_of_at_most_100_per_partition()
    {
        var actions = Enumerable.Range(0, 250).Select(i => Upsert("big", i))
            .Concat(Enumerable.Range(0, 30).Select(i => Upsert("small", i)));

        var transactions = await Store.SubmitInChunksAsync(Table, actions);

        Assert.Equal(4, transactions); // 100 + 100 + 50 for "big", 30 for "small"
        Assert.Equal(250, (await Collect(TableQuery.Partition("big"))).Count);
        Assert.Equal(30, (await Collect(TableQuery.Partition("small"))).Count);
        Assert.Equal(249, (await Store.GetEntityAsync(Table, "big", Key(249)))?["N"]);
    }

    [Fact]
    public async Task A_query_over_2500_entities_follows_continuations_to_every_entity_in_order()
    {
        await Store.SubmitInChunksAsync(Table, Enumerable.Range(0, 2500).Select(i => Upsert("p", i)));

        var keys = await Collect(TableQuery.Partition("p"));

        Assert.Equal(Enumerable.Range(0, 2500).Select(i => "p/" + Key(i)), keys);
    }

    [Fact]
    public async Task A_transaction_of_more_than_100_operations_is_refused_with_what_to_do()
    {
        var actions = Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionKind.Upsert, new TableEntity("p", i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)))).ToArray();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.SubmitTransactionAsync(Table, actions));

        Assert.Contains("at most 100", ex.Message, StringComparison.Ordinal);
        Assert.Contains("chunks", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\\b")]
    [InlineData("a\u0001b")]
    public async Task Keys_with_characters_tables_forbid_are_refused(string key)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertEntityAsync(Table, new TableEntity("p", key)));

        Assert.Contains("forbid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_property_names_and_too_many_properties_are_refused()
    {
        var wide = new TableEntity("p", "wide");
        for (var i = 0; i < 253; i++)
        {
            wide["P" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = i;
        }

        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertEntityAsync(Table, new TableEntity("p", "r") { ["bad name"] = 1 }));
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertEntityAsync(Table, wide));
        Assert.Contains("253 properties", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new TableEntity("p", "r") { ["F"] = 1.5f });
    }

    [Fact]
    public async Task Using_a_table_that_was_never_created_says_how_to_fix_it()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.GetEntityAsync("NeverMade", "p", "r"));

        Assert.Contains("CreateTableIfNotExistsAsync", ex.Message, StringComparison.Ordinal);
    }

    protected async Task<List<string>> Collect(TableQuery query)
    {
        var keys = new List<string>();
        await foreach (var e in Store.QueryAsync(Table, query))
        {
            keys.Add(e.PartitionKey + "/" + e.RowKey);
        }

        return keys;
    }

    private static string Key(int i) => i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    private static TableTransactionAction Upsert(string partition, int i) =>
        new(TableTransactionKind.Upsert, new TableEntity(partition, Key(i)) { ["N"] = i });
}

public sealed class SqliteTableStoreTests : TableStoreContract
{
    private readonly TempDirectory _dir = new();
    private readonly SqliteTableStore _store;

    public SqliteTableStoreTests() =>
        _store = new SqliteTableStore(Path.Combine(_dir.Path, "tables.db"), new FixedTimeProvider(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)));

    protected override ITableStore Store => _store;

    public override Task DisposeAsync()
    {
        _store.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Data_survives_reopening_the_file_and_timestamps_come_from_the_clock()
    {
        await Store.UpsertEntityAsync(Table, new TableEntity("p", "r") { ["V"] = "kept" });

        using var reopened = new SqliteTableStore(Path.Combine(_dir.Path, "tables.db"));
        var entity = await reopened.GetEntityAsync(Table, "p", "r");

        Assert.Equal("kept", entity?.GetString("V"));
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), entity?.Timestamp);
    }
}

public sealed class AzureTableStoreTests(AzuriteFixture azurite) : TableStoreContract, IClassFixture<AzuriteFixture>
{
    private readonly AzureTableStore _store = new(azurite.ConnectionString);

    protected override ITableStore Store => _store;
}
