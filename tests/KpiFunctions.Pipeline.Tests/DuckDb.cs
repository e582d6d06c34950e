using System.Globalization;
using DuckDB.NET.Data;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>DuckDB in-process (DuckDB.NET): the independent reader the tests check our Parquet files against.</summary>
internal static class DuckDb
{
    /// <summary>Runs SQL on a fresh in-memory database and returns the rows, every value as invariant text ("" for NULL).</summary>
    public static async Task<List<Dictionary<string, string>>> QueryAsync(string sql)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, string>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = Text(reader.GetValue(i));
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A path as a SQL string literal.</summary>
    public static string Literal(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Paths as a SQL list of string literals, for read_parquet.</summary>
    public static string List(IEnumerable<string> paths) => "[" + string.Join(", ", paths.Select(Literal)) + "]";

    private static string Text(object value) => value switch
    {
        DBNull => "",
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when t.TimeOfDay == TimeSpan.Zero => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
