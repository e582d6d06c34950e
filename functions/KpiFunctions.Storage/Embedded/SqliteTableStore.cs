using System.Runtime.CompilerServices;
using KpiFunctions.Storage.Tables;
using Microsoft.Data.Sqlite;
using static KpiFunctions.Storage.Embedded.Sqlite;

namespace KpiFunctions.Storage.Embedded;

/// <summary>
/// Tables in one SQLite file: the embedded default for local runs. Entities are rows keyed by table, partition key
/// and row key, with properties kept as typed JSON; writes are serialised within the process and conditional
/// writes compare the ETag inside the same SQL statement.
/// </summary>
public sealed class SqliteTableStore : ITableStore, IDisposable
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly HashSet<string> _knownTables = new(StringComparer.Ordinal);

    /// <summary>Opens (or creates) the SQLite file.</summary>
    public SqliteTableStore(string databasePath, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var full = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        DatabasePath = full;
        _time = timeProvider ?? TimeProvider.System;
        _connectionString = ConnectionString(full);
        using var connection = Open(_connectionString);
        Execute(connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS tables (name TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS entities (
                tbl TEXT NOT NULL, pk TEXT NOT NULL, rk TEXT NOT NULL,
                etag TEXT NOT NULL, ts TEXT NOT NULL, props TEXT NOT NULL,
                PRIMARY KEY (tbl, pk, rk)) WITHOUT ROWID;
            """);
    }

    /// <summary>The SQLite file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        await WriteAsync(connection =>
        {
            using var cmd = Command(connection, "INSERT OR IGNORE INTO tables(name) VALUES ($t)", ("$t", table));
            cmd.ExecuteNonQuery();
            lock (_knownTables)
            {
                _knownTables.Add(table);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open(_connectionString);
        EnsureTable(connection, table);
        return Task.FromResult(Read(connection, table, partitionKey, rowKey));
    }

    /// <inheritdoc />
    public Task<TableWriteResult> AddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        return WriteAsync(connection =>
        {
            EnsureTable(connection, table);
            var etag = NewETag();
            using var cmd = Command(connection,
                "INSERT OR IGNORE INTO entities(tbl, pk, rk, etag, ts, props) VALUES ($t, $pk, $rk, $e, $ts, $p)",
                ("$t", table), ("$pk", entity.PartitionKey), ("$rk", entity.RowKey), ("$e", etag), ("$ts", Now()), ("$p", TablePropertyCodec.Encode(entity)));
            return cmd.ExecuteNonQuery() == 1
                ? new TableWriteResult(TableWriteStatus.Succeeded, etag)
                : new TableWriteResult(TableWriteStatus.Conflict, null);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TableWriteResult> UpsertEntityAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        return WriteAsync(connection =>
        {
            EnsureTable(connection, table);
            return new TableWriteResult(TableWriteStatus.Succeeded, Upsert(connection, null, table, entity, mode));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TableWriteResult> UpdateEntityAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        return WriteAsync(connection =>
        {
            EnsureTable(connection, table);
            var current = Read(connection, table, entity.PartitionKey, entity.RowKey);
            if (current is null)
            {
                return new TableWriteResult(TableWriteStatus.NotFound, null);
            }

            var merged = mode == TableUpdateMode.Merge ? Merge(current, entity) : entity;
            var etag = NewETag();
            using var cmd = Command(connection,
                "UPDATE entities SET etag = $e, ts = $ts, props = $p WHERE tbl = $t AND pk = $pk AND rk = $rk AND ($m = '*' OR etag = $m)",
                ("$t", table), ("$pk", entity.PartitionKey), ("$rk", entity.RowKey), ("$e", etag), ("$ts", Now()),
                ("$p", TablePropertyCodec.Encode(merged)), ("$m", ifMatch));
            return cmd.ExecuteNonQuery() == 1
                ? new TableWriteResult(TableWriteStatus.Succeeded, etag)
                : new TableWriteResult(TableWriteStatus.PreconditionFailed, null);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        WriteAsync(connection =>
        {
            EnsureTable(connection, table);
            using var cmd = Command(connection, "DELETE FROM entities WHERE tbl = $t AND pk = $pk AND rk = $rk",
                ("$t", table), ("$pk", partitionKey), ("$rk", rowKey));
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<TableEntity> QueryAsync(string table, TableQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = "SELECT pk, rk, etag, ts, props FROM entities WHERE tbl = $t";
        var args = new List<(string, object)> { ("$t", table) };
        void Add(string clause, string name, string? value)
        {
            if (value is not null)
            {
                sql += " AND " + clause;
                args.Add((name, value));
            }
        }

        Add("pk = $pk", "$pk", query.PartitionKey);
        Add("pk >= $pkf", "$pkf", query.PartitionKeyFrom);
        Add("pk <= $pkt", "$pkt", query.PartitionKeyTo);
        Add("rk >= $rkf", "$rkf", query.RowKeyFrom);
        Add("rk <= $rkt", "$rkt", query.RowKeyTo);
        sql += " ORDER BY pk, rk";
        if (query.Top is { } top)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top, nameof(query));
            sql += " LIMIT $top";
            args.Add(("$top", top));
        }

        using var connection = Open(_connectionString);
        EnsureTable(connection, table);
        using var cmd = Command(connection, sql, [.. args]);
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ToEntity(reader);
        }
    }

    /// <inheritdoc />
    public Task SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            return Task.CompletedTask;
        }

        TableRules.ValidateTransaction(actions);

        return WriteAsync(connection =>
        {
            EnsureTable(connection, table);
            using var tx = connection.BeginTransaction();
            foreach (var action in actions)
            {
                if (action.Kind == TableTransactionKind.Delete)
                {
                    using var cmd = Command(connection, "DELETE FROM entities WHERE tbl = $t AND pk = $pk AND rk = $rk",
                        ("$t", table), ("$pk", action.Entity.PartitionKey), ("$rk", action.Entity.RowKey));
                    cmd.Transaction = tx;
                    cmd.ExecuteNonQuery();
                }
                else
                {
                    Upsert(connection, tx, table, action.Entity, action.Mode);
                }
            }

            tx.Commit();
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writeGate.Dispose();
        SqliteConnection.ClearAllPools();
        GC.SuppressFinalize(this);
    }

    private string Upsert(SqliteConnection connection, SqliteTransaction? tx, string table, TableEntity entity, TableUpdateMode mode)
    {
        var toStore = entity;
        if (mode == TableUpdateMode.Merge && Read(connection, table, entity.PartitionKey, entity.RowKey, tx) is { } current)
        {
            toStore = Merge(current, entity);
        }

        var etag = NewETag();
        using var cmd = Command(connection,
            "INSERT INTO entities(tbl, pk, rk, etag, ts, props) VALUES ($t, $pk, $rk, $e, $ts, $p) " +
            "ON CONFLICT(tbl, pk, rk) DO UPDATE SET etag = excluded.etag, ts = excluded.ts, props = excluded.props",
            ("$t", table), ("$pk", entity.PartitionKey), ("$rk", entity.RowKey), ("$e", etag), ("$ts", Now()), ("$p", TablePropertyCodec.Encode(toStore)));
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
        return etag;
    }

    private static TableEntity Merge(TableEntity current, TableEntity update)
    {
        var merged = current.Clone();
        foreach (var (k, v) in update.Properties)
        {
            merged[k] = v;
        }

        return merged;
    }

    private static TableEntity? Read(SqliteConnection connection, string table, string pk, string rk, SqliteTransaction? tx = null)
    {
        using var cmd = Command(connection, "SELECT pk, rk, etag, ts, props FROM entities WHERE tbl = $t AND pk = $pk AND rk = $rk",
            ("$t", table), ("$pk", pk), ("$rk", rk));
        cmd.Transaction = tx;
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ToEntity(reader) : null;
    }

    private static TableEntity ToEntity(SqliteDataReader reader)
    {
        var entity = new TableEntity(reader.GetString(0), reader.GetString(1))
        {
            ETag = reader.GetString(2),
            Timestamp = DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture),
        };
        TablePropertyCodec.Decode(reader.GetString(4), entity);
        return entity;
    }

    private void EnsureTable(SqliteConnection connection, string table)
    {
        TableRules.ValidateTableName(table);
        lock (_knownTables)
        {
            if (_knownTables.Contains(table))
            {
                return;
            }
        }

        using var cmd = Command(connection, "SELECT 1 FROM tables WHERE name = $t", ("$t", table));
        if (cmd.ExecuteScalar() is null)
        {
            throw new InvalidOperationException($"Table '{table}' does not exist in {DatabasePath}; create it first (CreateTableIfNotExistsAsync).");
        }

        lock (_knownTables)
        {
            _knownTables.Add(table);
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, T> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = Open(_connectionString);
            return write(connection);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private string Now() => _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private static string NewETag() => $"W/\"{Guid.NewGuid():N}\"";
}
