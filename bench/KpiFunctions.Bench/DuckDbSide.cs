using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;

namespace KpiFunctions.Bench;

/// <summary>DuckDB in-process (DuckDB.NET) on one thread: the independent writer and reader the libraries are measured against.</summary>
internal sealed class DuckDbSide : IDisposable
{
    private readonly DuckDBConnection _connection = new("DataSource=:memory:");

    public DuckDbSide()
    {
        _connection.Open();
        Run("SET threads = 1");
    }

    /// <summary>The last query's first row, as text.</summary>
    public string LastRow { get; private set; } = "";

    /// <summary>Writes the rows with DuckDB's own writer (SNAPPY).</summary>
    public TimeSpan Write(string path, long rows) =>
        Run($"COPY ({OrderLinesData.Sql(rows)}) TO '{path}' (FORMAT parquet, COMPRESSION snappy)");

    /// <summary>Reads every column of a file and sums it, as the libraries' reads do.</summary>
    public TimeSpan Read(string path) =>
        Run($"SELECT sum(strlen(store_id) + strlen(order_id) + strlen(line_id) + strlen(sku_id) + strlen(product_id) + strlen(product_name)) AS chars, sum(quantity) AS q, sum(sale_price) AS s, sum(original_price) AS o FROM read_parquet('{path}')");

    public void Dispose() => _connection.Dispose();

    private TimeSpan Run(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        var clock = Stopwatch.StartNew();
        using var reader = command.ExecuteReader();
        var row = "";
        if (reader.Read())
        {
            row = string.Join(", ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i) + " " + Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)));
        }

        clock.Stop();
        LastRow = row;
        return clock.Elapsed;
    }
}
