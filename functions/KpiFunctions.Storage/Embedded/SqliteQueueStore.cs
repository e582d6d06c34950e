using System.Globalization;
using KpiFunctions.Storage.Queues;
using Microsoft.Data.Sqlite;
using static KpiFunctions.Storage.Embedded.Sqlite;

namespace KpiFunctions.Storage.Embedded;

/// <summary>
/// Queues in one SQLite file: the embedded default. A receive picks visible messages, raises their dequeue count,
/// gives them a fresh receipt and hides them, in one immediate transaction, so two receivers (threads or processes)
/// never get the same delivery. Times come from the given clock, so tests can move it.
/// </summary>
public sealed class SqliteQueueStore : IQueueStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    /// <summary>Opens (or creates) the SQLite file.</summary>
    public SqliteQueueStore(string databasePath, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var full = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _time = timeProvider ?? TimeProvider.System;
        _connectionString = ConnectionString(full);
        using var connection = Open(_connectionString);
        Execute(connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS queues (name TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS messages (
                queue TEXT NOT NULL, id TEXT NOT NULL, text TEXT NOT NULL, inserted INTEGER NOT NULL,
                visible INTEGER NOT NULL, dequeues INTEGER NOT NULL, receipt TEXT NOT NULL,
                PRIMARY KEY (queue, id)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS messages_visible ON messages (queue, visible);
            """);
    }

    /// <inheritdoc />
    public Task CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateQueueName(queue);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open(_connectionString);
        using var cmd = Command(connection, "INSERT OR IGNORE INTO queues(name) VALUES ($q)", ("$q", queue));
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string> SendAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateQueueName(queue);
        QueueRules.Encode(queue, text); // the same size limit as the service
        var delay = visibilityDelay ?? TimeSpan.Zero;
        QueueRules.ValidateVisibility(delay, nameof(visibilityDelay));
        using var connection = OpenQueue(queue, cancellationToken);
        var now = _time.GetUtcNow();
        var id = Guid.NewGuid().ToString();
        using var cmd = Command(connection, "INSERT INTO messages(queue, id, text, inserted, visible, dequeues, receipt) VALUES ($q, $id, $text, $now, $visible, 0, '')",
            ("$q", queue), ("$id", id), ("$text", text), ("$now", now.UtcTicks), ("$visible", (now + delay).UtcTicks));
        cmd.ExecuteNonQuery();
        return Task.FromResult(id);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateBatch(maxMessages);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));
        using var connection = OpenQueue(queue, cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        var now = _time.GetUtcNow();
        var hiddenUntil = now + visibilityTimeout;
        var picked = new List<(string Id, string Text, long Inserted, long Dequeues)>();
        using (var select = Command(connection, "SELECT id, text, inserted, dequeues FROM messages WHERE queue = $q AND visible <= $now ORDER BY visible, inserted LIMIT $n",
            ("$q", queue), ("$now", now.UtcTicks), ("$n", maxMessages)))
        {
            select.Transaction = transaction;
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                picked.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }

        var received = new List<QueueMessage>(picked.Count);
        foreach (var (id, text, inserted, dequeues) in picked)
        {
            var receipt = Guid.NewGuid().ToString("N");
            using var update = Command(connection, "UPDATE messages SET dequeues = dequeues + 1, visible = $visible, receipt = $r WHERE queue = $q AND id = $id",
                ("$visible", hiddenUntil.UtcTicks), ("$r", receipt), ("$q", queue), ("$id", id));
            update.Transaction = transaction;
            update.ExecuteNonQuery();
            received.Add(new QueueMessage(id, receipt, dequeues + 1, new DateTimeOffset(inserted, TimeSpan.Zero), hiddenUntil, text));
        }

        transaction.Commit();
        return Task.FromResult<IReadOnlyList<QueueMessage>>(received);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string queue, QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var connection = OpenQueue(queue, cancellationToken);
        using var cmd = Command(connection, "DELETE FROM messages WHERE queue = $q AND id = $id AND receipt = $r", ("$q", queue), ("$id", message.MessageId), ("$r", message.PopReceipt));
        return Task.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    /// <inheritdoc />
    public Task<QueueMessage?> SetVisibilityAsync(string queue, QueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));
        using var connection = OpenQueue(queue, cancellationToken);
        var receipt = Guid.NewGuid().ToString("N");
        var visible = _time.GetUtcNow() + visibilityTimeout;
        using var cmd = Command(connection, "UPDATE messages SET visible = $visible, receipt = $new WHERE queue = $q AND id = $id AND receipt = $r",
            ("$visible", visible.UtcTicks), ("$new", receipt), ("$q", queue), ("$id", message.MessageId), ("$r", message.PopReceipt));
        return Task.FromResult(cmd.ExecuteNonQuery() == 1 ? message with { PopReceipt = receipt, NextVisibleUtc = visible } : null);
    }

    /// <inheritdoc />
    public Task<int> CountAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var connection = OpenQueue(queue, cancellationToken);
        using var cmd = Command(connection, "SELECT count(*) FROM messages WHERE queue = $q", ("$q", queue));
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    /// <summary>A connection to work on an existing queue: the name checked, the call not cancelled, the queue there.</summary>
    private SqliteConnection OpenQueue(string queue, CancellationToken cancellationToken)
    {
        QueueRules.ValidateQueueName(queue);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = Open(_connectionString);
        try
        {
            EnsureQueue(connection, queue);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void EnsureQueue(SqliteConnection connection, string queue)
    {
        using var cmd = Command(connection, "SELECT 1 FROM queues WHERE name = $q", ("$q", queue));
        if (cmd.ExecuteScalar() is null)
        {
            throw new InvalidOperationException($"Queue '{queue}' does not exist; create it first (CreateQueueIfNotExistsAsync).");
        }
    }

}
