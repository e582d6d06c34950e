using System.Globalization;
using System.Text.Json;
using KpiFunctions.Parquet.Compression;
using KpiFunctions.Parquet.Reader;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Parquet.Tests;

/// <summary>Our files read by DuckDB and hyparquet; DuckDB's files read by us. Same values, intended types.</summary>
public sealed class InteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(true, ParquetCompression.None)]
    [InlineData(true, ParquetCompression.Snappy)]
    [InlineData(true, ParquetCompression.Gzip)]
    [InlineData(false, ParquetCompression.None)]
    [InlineData(false, ParquetCompression.Snappy)]
    [InlineData(false, ParquetCompression.Gzip)]
    public async Task DuckDb_reads_our_files_with_the_values_and_logical_types_we_meant(bool required, ParquetCompression codec)
    {
        var rows = TestData.Rows(3000, required);
        var path = await ParquetFiles.SaveAsync(
            await ParquetFiles.WriteAsync(TestData.Schema(required), rows, ParquetFiles.With(codec) with { PageRowLimit = 1000 }), _dir.Path, "ours.parquet");

        var result = await Node.RunAsync("duckdb-read", path);

        Assert.Equal(TestData.DuckDbTypes, result.GetProperty("types").EnumerateArray().Select(t => t.GetProperty("type").GetString()));
        var duck = result.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(rows.Count, duck.Length);
        string[] names = ["b", "i", "l", "d", "m18", "m28", "s", "dt", "ts"];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < names.Length; c++)
            {
                Assert.Equal(rows[r][c], FromDuckDb(duck[r].GetProperty(names[c]), rows[r][c]));
            }
        }
    }

    [Theory]
    [InlineData(false, ParquetCompression.Snappy)]
    [InlineData(true, ParquetCompression.Snappy)]
    [InlineData(false, ParquetCompression.None)]
    public async Task Hyparquet_reads_our_files_too(bool required, ParquetCompression codec)
    {
        var rows = TestData.Rows(600, required);
        var path = await ParquetFiles.SaveAsync(
            await ParquetFiles.WriteAsync(TestData.Schema(required), rows, ParquetFiles.With(codec) with { PageRowLimit = 250 }), _dir.Path, "ours.parquet");

        var hyp = (await Node.RunAsync("hyparquet-read", path)).GetProperty("rows").EnumerateArray().ToArray();

        Assert.Equal(rows.Count, hyp.Length);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var h = hyp[r];
            Assert.Equal(row[0], Nullable(h.GetProperty("b"), e => (bool?)e.GetBoolean()));
            Assert.Equal(row[1], Nullable(h.GetProperty("i"), e => (int?)e.GetInt32()));
            Assert.Equal(row[2], Nullable(h.GetProperty("l"), e => (long?)long.Parse(e.GetString()!, CultureInfo.InvariantCulture)));
            Assert.Equal(row[3], Nullable(h.GetProperty("d"), e => (double?)e.GetDouble()));
            // hyparquet turns decimals into doubles and timestamps into millisecond dates: compare at that precision.
            Close(row[4], h.GetProperty("m18"));
            Close(row[5], h.GetProperty("m28"));
            Assert.Equal(row[6], Nullable(h.GetProperty("s"), e => e.GetString()));
            Assert.Equal(row[7], Nullable(h.GetProperty("dt"), e => (DateOnly?)DateOnly.FromDateTime(DateTime.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal))));
            if (row[8] is DateTimeOffset ts)
            {
                var back = DateTimeOffset.Parse(h.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture);
                Assert.True(Math.Abs((back - ts).TotalMilliseconds) < 1, $"row {r}: {back:O} vs {ts:O}");
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, h.GetProperty("ts").ValueKind);
            }
        }
    }

    [Theory]
    [InlineData("snappy")]
    [InlineData("gzip")]
    [InlineData("uncompressed")]
    public async Task We_read_duckdbs_files_with_identical_values(string codec)
    {
        var path = Path.Combine(_dir.Path, "duck.parquet");
        // Every type, nulls, empty and non-ASCII strings, extreme decimals (also DECIMAL(9,2) as INT32 and (38,10) as FLBA),
        // dates before 1970, microsecond timestamps; enough rows for dictionaries, several row groups.
        var sql = $"""
            COPY (
              SELECT i,
                CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
                CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 7919 % 100000 - 50000)::INTEGER END AS n32,
                CASE WHEN i % 11 = 0 THEN NULL ELSE (i::BIGINT * 1000000007 - 9000000000000000000) END AS n64,
                CASE WHEN i % 13 = 0 THEN NULL ELSE i / 7.0 - 100 END AS d,
                CASE WHEN i % 3 = 0 THEN NULL ELSE ((i % 1000) * 1.25 - 600)::DECIMAL(9,2) END AS m9,
                CASE WHEN i % 4 = 0 THEN NULL ELSE (i * 12345.6789 - 99999999.0)::DECIMAL(18,4) END AS m18,
                CASE WHEN i % 6 = 0 THEN NULL ELSE (i * 1234567.000001 - 5000000000)::DECIMAL(38,10) END AS m38,
                CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN '' WHEN i % 9 = 2 THEN 'héllo 日本 😀' ELSE 'v' || (i % 50) END AS s,
                CASE WHEN i % 8 = 0 THEN NULL ELSE DATE '1950-06-15' + (i % 30000)::INTEGER END AS dt,
                CASE WHEN i % 10 = 0 THEN NULL ELSE TIMESTAMPTZ '1969-12-31 23:00:00+00' + to_microseconds(i::BIGINT * 1234567) END AS ts
              FROM range(250000) t(i)
            ) TO '{path}' (FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE 100000)
            """;
        await Node.RunAsync("duckdb-sql", sql);
        var expected = (await Node.RunAsync("duckdb-sql", $"SELECT * FROM read_parquet('{path}') ORDER BY i")).GetProperty("rows").EnumerateArray().ToArray();

        await using var reader = await ParquetReader.OpenAsync(File.OpenRead(path));
        Assert.True(reader.RowGroups.Count >= 3, $"{reader.RowGroups.Count} row groups");
        var rows = new List<object?[]>();
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            var columns = await reader.ReadRowGroupAsync(g);
            for (var r = 0; r < columns[0].Count; r++)
            {
                rows.Add([.. columns.Select(c => c.GetValue(r))]);
            }
        }

        Assert.Equal(expected.Length, rows.Count);
        var names = reader.Schema.Fields.Select(f => f.Name).ToArray();
        rows.Sort((a, b) => ((long)a[0]!).CompareTo((long)b[0]!));
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < names.Length; c++)
            {
                Assert.Equal(FromDuckDb(expected[r].GetProperty(names[c]), rows[r][c]), rows[r][c]);
            }
        }
    }

    [Fact]
    public async Task We_read_duckdbs_v2_data_pages_with_dictionaries_and_rle_booleans()
    {
        var path = Path.Combine(_dir.Path, "v2.parquet");
        await Node.RunAsync("duckdb-sql", $"""
            COPY (SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
                         CASE WHEN i % 7 = 0 THEN NULL ELSE 'kind ' || (i % 20) END AS s,
                         (i % 40)::INTEGER AS n
                  FROM range(60000) t(i))
            TO '{path}' (FORMAT parquet, COMPRESSION snappy, PARQUET_VERSION v2)
            """);
        var expected = (await Node.RunAsync("duckdb-read", path)).GetProperty("rows").EnumerateArray().ToArray();
        var encodings = (await Node.RunAsync("duckdb-sql", $"SELECT DISTINCT encodings FROM parquet_metadata('{path}')")).GetProperty("rows").EnumerateArray()
            .Select(r => r.GetProperty("encodings").GetString()).ToArray();

        var rows = await ParquetFiles.ReadAsync(await File.ReadAllBytesAsync(path));

        Assert.Contains(encodings, e => e!.Contains("RLE_DICTIONARY", StringComparison.Ordinal));
        Assert.Equal(expected.Length, rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            Assert.Equal(FromDuckDb(expected[r].GetProperty("b"), rows[r][0]), rows[r][0]);
            Assert.Equal(FromDuckDb(expected[r].GetProperty("s"), rows[r][1]), rows[r][1]);
            Assert.Equal(FromDuckDb(expected[r].GetProperty("n"), rows[r][2]), rows[r][2]);
        }
    }

    [Fact]
    public async Task An_encoding_we_do_not_support_fails_with_its_name()
    {
        var path = Path.Combine(_dir.Path, "delta.parquet");
        await Node.RunAsync("duckdb-sql", $"COPY (SELECT i::BIGINT * 1000003 AS n FROM range(50000) t(i)) TO '{path}' (FORMAT parquet, PARQUET_VERSION v2)");

        var ex = await Assert.ThrowsAsync<NotSupportedException>(async () => await ParquetFiles.ReadAsync(await File.ReadAllBytesAsync(path)));

        Assert.Contains("column 'n'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DELTA_BINARY_PACKED", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_high_cardinality_column_falls_back_to_plain_and_a_low_one_uses_a_dictionary()
    {
        var schema = new Schema.ParquetSchema(new Schema.ParquetField("unique", Schema.ParquetType.String, true), new Schema.ParquetField("few", Schema.ParquetType.String, true));
        var rows = Enumerable.Range(0, 50_000).Select(i => new object?[] { Guid.NewGuid().ToString() + new string('x', 40), "country-" + (i % 5) }).ToList();
        var path = await ParquetFiles.SaveAsync(await ParquetFiles.WriteAsync(schema, rows), _dir.Path, "dict.parquet");

        var meta = (await Node.RunAsync("duckdb-sql", $"SELECT path_in_schema, encodings FROM parquet_metadata('{path}')")).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("path_in_schema").GetString()!, r => r.GetProperty("encodings").GetString()!);

        Assert.DoesNotContain("RLE_DICTIONARY", meta["unique"], StringComparison.Ordinal);
        Assert.Contains("RLE_DICTIONARY", meta["few"], StringComparison.Ordinal);
        Assert.Equal(rows.Select(r => r[0]), (await ParquetFiles.ReadAsync(await File.ReadAllBytesAsync(path))).Select(r => r[0]));
    }

    private static T? Nullable<T>(JsonElement e, Func<JsonElement, T> read) => e.ValueKind == JsonValueKind.Null ? default : read(e);

    /// <summary>hyparquet turns decimals into doubles with its own arithmetic: equal to 15 significant digits.</summary>
    private static void Close(object? expected, JsonElement actual)
    {
        if (expected is not decimal m)
        {
            Assert.Equal(JsonValueKind.Null, actual.ValueKind);
            return;
        }

        var a = actual.GetDouble();
        Assert.True(Math.Abs(a - (double)m) <= 1e-14 * Math.Max(1, Math.Abs((double)m)), $"{a} vs {m}");
    }

    /// <summary>DuckDB's JSON for a value, converted to the .NET type of <paramref name="like"/> (null when DuckDB says null).</summary>
    private static object? FromDuckDb(JsonElement e, object? like)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return like switch
        {
            bool => e.GetBoolean(),
            int => e.GetInt32(),
            long => e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt64(),
            double => e.GetDouble(),
            decimal => decimal.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            string => e.GetString(),
            DateOnly => DateOnly.ParseExact(e.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset => DateTimeOffset.Parse(e.GetString()!.Replace("+00", "+00:00", StringComparison.Ordinal), CultureInfo.InvariantCulture),
            null => throw new InvalidOperationException($"DuckDB has {e} where we have null"),
            _ => throw new NotSupportedException(like.GetType().Name),
        };
    }
}
