using Microsoft.Data.Sqlite;

namespace KpiFunctions.Storage.Embedded;

/// <summary>The few SQLite calls the embedded stores share.</summary>
internal static class Sqlite
{
    /// <summary>A pooled connection string for a file that is created when missing; waits up to 30 s for a lock.</summary>
    public static string ConnectionString(string fullPath) =>
        new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();

    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = Command(connection, sql);
        cmd.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] args)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd;
    }
}
