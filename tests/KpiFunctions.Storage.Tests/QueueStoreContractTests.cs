using System.Text;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Embedded;
using KpiFunctions.Storage.Queues;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

/// <summary>What every <see cref="IQueueStore"/> must do, run against SQLite and against Azure Queue Storage on Azurite.</summary>
public abstract class QueueStoreContract : IAsyncLifetime
{
    private static readonly TimeSpan Hidden = TimeSpan.FromSeconds(30);

    protected string Queue { get; } = "q" + Guid.NewGuid().ToString("N")[..20];

    protected abstract IQueueStore Store { get; }

    public Task InitializeAsync() => Store.CreateQueueIfNotExistsAsync(Queue);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_message_comes_back_as_sent_once_and_stays_hidden_while_it_is_handled()
    {
        const string text = """{"runId":"r-1","store":"th-bkk","note":"<&> ünïcødé \"quoted\""}""";
        var id = await Store.SendAsync(Queue, text);

        var first = Assert.Single(await Store.ReceiveAsync(Queue, 32, Hidden));
        var again = await Store.ReceiveAsync(Queue, 32, Hidden);

        Assert.Equal(id, first.MessageId);
        Assert.Equal(text, first.Text);
        Assert.Equal(1, first.DequeueCount);
        Assert.Empty(again);
        Assert.Equal(1, await Store.CountAsync(Queue)); // hidden, not gone
    }

    [Fact]
    public async Task A_message_not_deleted_comes_back_with_a_higher_count_and_only_the_newest_receipt_deletes_it()
    {
        await Store.SendAsync(Queue, "work");
        var first = Assert.Single(await Store.ReceiveAsync(Queue, 1, TimeSpan.FromSeconds(1)));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var second = Assert.Single(await Store.ReceiveAsync(Queue, 1, Hidden));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
        Assert.False(await Store.DeleteAsync(Queue, first)); // the first delivery lost it to the second
        Assert.True(await Store.DeleteAsync(Queue, second));
        Assert.False(await Store.DeleteAsync(Queue, second));
        Assert.Equal(0, await Store.CountAsync(Queue));
    }

    [Fact]
    public async Task Setting_visibility_to_zero_releases_a_message_at_once_and_a_stale_receipt_changes_nothing()
    {
        await Store.SendAsync(Queue, "retry me");
        var received = Assert.Single(await Store.ReceiveAsync(Queue, 1, Hidden));

        var released = await Store.SetVisibilityAsync(Queue, received, TimeSpan.Zero);
        var stale = await Store.SetVisibilityAsync(Queue, received, Hidden);
        var again = Assert.Single(await Store.ReceiveAsync(Queue, 1, Hidden));

        Assert.NotNull(released);
        Assert.NotEqual(received.PopReceipt, released.PopReceipt);
        Assert.Null(stale);
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task A_delayed_message_is_invisible_until_its_delay_has_passed()
    {
        await Store.SendAsync(Queue, "later", TimeSpan.FromSeconds(1));

        Assert.Empty(await Store.ReceiveAsync(Queue, 1, Hidden));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal("later", Assert.Single(await Store.ReceiveAsync(Queue, 1, Hidden)).Text);
    }

    [Fact]
    public async Task Receivers_working_at_once_each_get_every_message_exactly_once()
    {
        var sent = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 60; i++)
        {
            sent.Add(await Store.SendAsync(Queue, "m" + i));
        }

        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await Store.ReceiveAsync(Queue, 7, Hidden) is { Count: > 0 } batch)
            {
                foreach (var message in batch)
                {
                    seen.Add(message.MessageId);
                    Assert.True(await Store.DeleteAsync(Queue, message));
                }
            }
        })));

        Assert.Equal(60, seen.Count);
        Assert.Equal(sent, seen.ToHashSet(StringComparer.Ordinal));
        Assert.Equal(0, await Store.CountAsync(Queue));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("double--hyphen")]
    [InlineData("-starts")]
    public async Task A_bad_queue_name_is_refused_before_any_request(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateQueueIfNotExistsAsync(name));

        Assert.Contains($"Queue name '{name}' is not valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_too_large_for_the_service_is_refused_naming_the_queue_and_size()
    {
        var text = new string('x', 49_200); // 65,600 bytes once base64-encoded

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.SendAsync(Queue, text));

        Assert.Contains($"queue '{Queue}' is 65600 bytes once base64-encoded", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Store.CountAsync(Queue));
    }

    [Fact]
    public async Task A_queue_that_was_never_created_says_so()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SendAsync("never-created-" + Guid.NewGuid().ToString("N")[..8], "x"));

        Assert.Contains("create it first", error.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteQueueStoreTests : QueueStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    public SqliteQueueStoreTests() => Store = new SqliteQueueStore(Path.Combine(_dir.Path, "queues.db"));

    protected override IQueueStore Store { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task Messages_wait_in_the_file_for_the_next_process()
    {
        await Store.SendAsync(Queue, "kept");

        var reopened = new SqliteQueueStore(Path.Combine(_dir.Path, "queues.db"));

        Assert.Equal("kept", Assert.Single(await reopened.ReceiveAsync(Queue, 1, TimeSpan.FromSeconds(30))).Text);
    }
}

public sealed class AzureQueueStoreTests(AzuriteFixture azurite) : QueueStoreContract, IClassFixture<AzuriteFixture>
{
    private readonly AzureQueueStore _store = new(azurite.ConnectionString);

    protected override IQueueStore Store => _store;

    [Fact]
    public async Task On_the_wire_a_message_is_base64_of_its_utf8_text_as_the_functions_trigger_expects()
    {
        const string text = "{\"runId\":\"r-1\",\"note\":\"ünïcødé\"}";
        await Store.SendAsync(Queue, text);

        var peeked = await Raw(Queue).PeekMessageAsync();

        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), peeked.Value.Body.ToString());
    }

    [Fact]
    public async Task A_message_another_sender_put_base64_encoded_is_read_and_one_sent_raw_is_named_as_not_base64()
    {
        await Raw(Queue).SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("from the SDK")));
        Assert.Equal("from the SDK", Assert.Single(await Store.ReceiveAsync(Queue, 1, TimeSpan.FromSeconds(30))).Text);

        var other = "raw-" + Guid.NewGuid().ToString("N")[..8];
        await Store.CreateQueueIfNotExistsAsync(other);
        await Raw(other).SendMessageAsync("plain text!");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReceiveAsync(other, 1, TimeSpan.FromSeconds(30)));

        Assert.Contains($"on queue '{other}' is not base64", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The SDK's client with no message encoding: what is on the wire, as another sender would put it there.</summary>
    private global::Azure.Storage.Queues.QueueClient Raw(string queue) =>
        new(azurite.ConnectionString, queue, new global::Azure.Storage.Queues.QueueClientOptions(global::Azure.Storage.Queues.QueueClientOptions.ServiceVersion.V2026_06_06));
}
