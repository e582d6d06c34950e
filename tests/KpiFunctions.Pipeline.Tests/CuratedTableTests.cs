using System.Globalization;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>
/// What our table definitions make of Parquet.Net, as DuckDB reads it: every column type with its DuckDB type and
/// nullability, values at their edges, the encodings and statistics, and the errors for what a column cannot hold.
/// </summary>
public sealed class CuratedTableTests : IDisposable
{
    private static readonly DateTimeOffset Early = new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990);
    private static readonly DateTimeOffset Late = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_column_type_reads_in_duckdb_with_its_type_nullability_and_edge_values()
    {
        Edge[] rows =
        [
            new("Ça coûte 5 €, 東京", null, int.MinValue, null, long.MinValue, null, true, null, -99999999999999.9999m, null, -9999999999999999999999.999999m, DateOnly.MinValue, null, Early, null),
            new("", "x", int.MaxValue, 0, long.MaxValue, 0, false, false, 99999999999999.9999m, 0.0001m, 9999999999999999999999.999999m, DateOnly.MaxValue, new DateOnly(2026, 11, 1), Late, Late),
        ];

        var file = await WriteAsync(Table, rows);

        var types = (await DuckDb.QueryAsync($"DESCRIBE SELECT * FROM read_parquet({DuckDb.Literal(file)})")).Select(r => r["column_name"] + " " + r["column_type"]);
        Assert.Equal(
            ["s VARCHAR", "os VARCHAR", "i INTEGER", "oi INTEGER", "l BIGINT", "ol BIGINT", "b BOOLEAN", "ob BOOLEAN", "m DECIMAL(18,4)", "om DECIMAL(18,4)", "w DECIMAL(28,6)", "d DATE", "od DATE", "t TIMESTAMP WITH TIME ZONE", "ot TIMESTAMP WITH TIME ZONE"],
            types);
        var repetition = (await DuckDb.QueryAsync($"SELECT name, repetition_type AS r FROM parquet_schema({DuckDb.Literal(file)}) WHERE num_children IS NULL OR num_children = 0")).Select(r => r["name"] + " " + r["r"]);
        Assert.Equal(Table.Columns.Select(c => c.Name + (c.Required ? " REQUIRED" : " OPTIONAL")), repetition);

        var values = (await DuckDb.QueryAsync($"""
            SELECT s, coalesce(os, 'NULL') AS os, CAST(i AS VARCHAR) AS i, coalesce(CAST(oi AS VARCHAR), 'NULL') AS oi, CAST(l AS VARCHAR) AS l,
                   CAST(b AS VARCHAR) AS b, coalesce(CAST(ob AS VARCHAR), 'NULL') AS ob, CAST(m AS VARCHAR) AS m, coalesce(CAST(om AS VARCHAR), 'NULL') AS om,
                   CAST(w AS VARCHAR) AS w, CAST(d AS VARCHAR) AS d, coalesce(CAST(od AS VARCHAR), 'NULL') AS od,
                   CAST(epoch_us(t) AS VARCHAR) AS t, coalesce(CAST(epoch_us(ot) AS VARCHAR), 'NULL') AS ot
            FROM read_parquet({DuckDb.Literal(file)})
            """)).Select(r => string.Join('|', r.Values)).ToArray();
        Assert.Equal(
            [
                $"Ça coûte 5 €, 東京|NULL|-2147483648|NULL|-9223372036854775808|true|NULL|-99999999999999.9999|NULL|-9999999999999999999999.999999|0001-01-01|NULL|{Micros(Early)}|NULL",
                $"|x|2147483647|0|9223372036854775807|false|false|99999999999999.9999|0.0001|9999999999999999999999.999999|9999-12-31|2026-11-01|{Micros(Late)}|{Micros(Late)}",
            ],
            values);

        await using var stream = File.OpenRead(file);
        Assert.Equal(rows, await Table.ReadAsync(stream, file));
    }

    [Fact]
    public async Task Files_are_snappy_with_a_dictionary_for_repeated_strings_statistics_on_every_column_and_our_metadata()
    {
        var rows = Enumerable.Range(0, 1000)
            .Select(i => new Edge("store-" + (i % 3), i % 2 == 0 ? null : "order-" + i, i, null, i * 10L, i, i % 2 == 0, null, i / 100m, null, 1m, new DateOnly(2026, 11, 1 + (i % 28)), null, Early.AddSeconds(i), null))
            .ToArray();

        var file = DuckDb.Literal(await WriteAsync(Table, rows));

        var chunks = await DuckDb.QueryAsync($"SELECT path_in_schema AS c, compression, encodings, coalesce(stats_min_value, 'none') AS lo, coalesce(stats_max_value, 'none') AS hi, CAST(stats_null_count AS VARCHAR) AS nulls FROM parquet_metadata({file})");
        Assert.All(chunks, c => Assert.Equal("SNAPPY", c["compression"]));
        Assert.Contains("DICTIONARY", chunks.Single(c => c["c"] == "s")["encodings"], StringComparison.Ordinal);
        Assert.DoesNotContain("DICTIONARY", chunks.Single(c => c["c"] == "os")["encodings"], StringComparison.Ordinal);
        Assert.Contains("DELTA_BINARY_PACKED", chunks.Single(c => c["c"] == "l")["encodings"], StringComparison.Ordinal);
        Assert.Equal(("store-0", "store-2"), (chunks.Single(c => c["c"] == "s")["lo"], chunks.Single(c => c["c"] == "s")["hi"]));
        Assert.Equal(("0", "9990"), (chunks.Single(c => c["c"] == "l")["lo"], chunks.Single(c => c["c"] == "l")["hi"]));
        Assert.Equal(("0.0000", "9.9900"), (chunks.Single(c => c["c"] == "m")["lo"], chunks.Single(c => c["c"] == "m")["hi"]));
        Assert.Equal("500", chunks.Single(c => c["c"] == "os")["nulls"]);
        // Every column with a value has its range, so readers skip row groups; Parquet.Net 6.1 writes none for BOOLEAN.
        Assert.All(chunks.Where(c => c["c"] is not ("oi" or "ob" or "om" or "od" or "ot" or "b")), c => Assert.NotEqual("none", c["lo"]));

        var metadata = await DuckDb.QueryAsync($"SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata({file}) WHERE decode(key) LIKE 'kpifunctions.%' ORDER BY k");
        Assert.Equal(["kpifunctions.dataset=edges", "kpifunctions.schema_version=1"], metadata.Select(m => m["k"] + "=" + m["v"]));
    }

    [Fact]
    public async Task An_empty_table_is_a_file_duckdb_reads_with_its_columns_and_no_rows()
    {
        var file = await WriteAsync(Table, []);

        Assert.Equal(Table.Columns.Count, (await DuckDb.QueryAsync($"DESCRIBE SELECT * FROM read_parquet({DuckDb.Literal(file)})")).Count);
        Assert.Equal("0", (await DuckDb.QueryAsync($"SELECT CAST(count(*) AS VARCHAR) AS n FROM read_parquet({DuckDb.Literal(file)})")).Single()["n"]);
        await using var stream = File.OpenRead(file);
        Assert.Empty(await Table.ReadAsync(stream, file));
    }

    [Theory]
    [InlineData("0.00001", "column 'm': 0.00001 has more than 4 decimal places (DECIMAL(18,4))")]
    [InlineData("100000000000000", "column 'm': 100000000000000 does not fit DECIMAL(18,4)")]
    public async Task A_decimal_the_column_cannot_hold_exactly_is_refused_with_its_row_and_column(string value, string problem)
    {
        var bad = Row() with { M = decimal.Parse(value, CultureInfo.InvariantCulture) };

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Table.WriteAsync([Row(), bad]));

        Assert.Equal($"edges: row 1 cannot be written: {problem}.", ex.Message);
    }

    [Fact]
    public async Task A_null_in_a_required_column_is_refused_with_its_row_and_column()
    {
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Table.WriteAsync([Row(), Row(), Row() with { S = null! }]));

        Assert.Equal("edges: row 2 cannot be written: required column 's' is null.", ex.Message);
    }

    [Fact]
    public async Task A_file_of_another_shape_or_no_parquet_at_all_is_refused_naming_the_file()
    {
        var other = new CuratedTable<Edge>("other", "Another shape.", _ => Row()).Int64("s", _ => 1, "Not a string");
        var file = await WriteAsync(other, [Row()]);
        var garbage = Path.Combine(_dir.Path, "garbage.parquet");
        await File.WriteAllTextAsync(garbage, "not parquet at all");

        await using (var stream = File.OpenRead(file))
        {
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Table.ReadAsync(stream, "curated/x.parquet"));
            Assert.StartsWith("curated/x.parquet: column 's' holds Int64, not String", ex.Message, StringComparison.Ordinal);
        }

        await using (var stream = File.OpenRead(garbage))
        {
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Table.ReadAsync(stream, "curated/y.parquet"));
            Assert.StartsWith("curated/y.parquet: not a readable Parquet file", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Orders_the_hand_written_writer_left_in_storage_read_back_as_duckdb_reads_them()
    {
        // Blobs written before the move to Parquet.Net stay where they are (earlier days are read again for month-to-date
        // figures and the semantic facts): a file the old writer made for the demo, read by both.
        var file = OldWriterFile("orders.parquet");

        await using var stream = File.OpenRead(file);
        var orders = await CuratedTables.Orders.ReadAsync(stream, file);
        var duck = await DuckDb.QueryAsync($"""
            SELECT order_id, CAST(epoch_us(created_utc) AS VARCHAR) AS c, coalesce(CAST(epoch_us(paid_utc) AS VARCHAR), '-') AS p, status,
                   CAST(total AS VARCHAR) AS t, coalesce(channel, '-') AS ch, coalesce(CAST(platform_fee AS VARCHAR), '-') AS f, buyer_id_hash AS b
            FROM read_parquet({DuckDb.Literal(file)})
            """);

        Assert.True(orders.Count > 5, $"only {orders.Count} orders");
        Assert.Equal(
            duck.Select(r => string.Join('|', r.Values)),
            orders.Select(o => string.Join('|', o.OrderId, Micros(o.CreatedUtc), o.PaidUtc is { } p ? Micros(p) : "-", EnumText<Core.Domain.OrderStatus>.Format(o.Status),
                o.Total.ToString("F4", CultureInfo.InvariantCulture), o.Channel is { } ch ? EnumText<Core.Domain.SalesChannel>.Format(ch) : "-",
                o.PlatformFee?.ToString("F4", CultureInfo.InvariantCulture) ?? "-", o.BuyerIdHash)));
    }

    [Fact]
    public async Task A_kpi_store_day_row_the_hand_written_writer_left_reads_back_as_duckdb_reads_it()
    {
        var file = OldWriterFile("kpi_store_day.parquet");

        await using var stream = File.OpenRead(file);
        var row = Assert.Single(await KpiStoreDayTable.Create(Core.Catalog.KpiCatalog.Default).ReadAsync(stream, file));
        var duck = (await DuckDb.QueryAsync($"""
            SELECT store_id, CAST(date AS VARCHAR) AS d, CAST(gmv AS VARCHAR) AS gmv, CAST(gmv_rpt AS VARCHAR) AS gmv_rpt, gmv_rag, CAST(fx_rate AS VARCHAR) AS fx,
                   CAST(provisional AS VARCHAR) AS p, CAST(m_gmv_orders AS VARCHAR) AS m, coalesce(CAST(rec_platform_gmv AS VARCHAR), '-') AS rec
            FROM read_parquet({DuckDb.Literal(file)})
            """)).Single();

        Assert.Equal(
            string.Join('|', duck.Values),
            string.Join('|', row.StoreId, row.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Kpis["gmv"].Value?.ToString("F6", CultureInfo.InvariantCulture),
                row.Kpis["gmv"].ReportingValue?.ToString("F6", CultureInfo.InvariantCulture), EnumText<Core.Catalog.RagStatus>.Format(row.Kpis["gmv"].Status),
                row.FxRate?.ToString("F12", CultureInfo.InvariantCulture), row.Provisional ? "true" : "false", row.Measures["gmv_orders"]?.ToString("F6", CultureInfo.InvariantCulture),
                row.Reconciliation?.PlatformGmv.ToString("F4", CultureInfo.InvariantCulture) ?? "-"));

        // A KPI and a measure added to the catalog since the file was written read as unknown, saying why, not as an error.
        Assert.Null(row.Kpis["seller_cancellation_rate"].Value);
        Assert.Contains("was not in the catalog when this row was written", row.Kpis["seller_cancellation_rate"].NullReason, StringComparison.Ordinal);
        Assert.Null(row.Measures["seller_cancelled_orders"]);
    }

    private static CuratedTable<Edge> Table { get; } = new CuratedTable<Edge>("edges", "Every column type.", r => new Edge(
            r.String("s"), r.OptionalString("os"), r.Value<int>("i"), r.Optional<int>("oi"), r.Value<long>("l"), r.Optional<long>("ol"), r.Value<bool>("b"),
            r.Optional<bool>("ob"), r.Value<decimal>("m"), r.Optional<decimal>("om"), r.Value<decimal>("w"), r.Value<DateOnly>("d"), r.Optional<DateOnly>("od"),
            r.Value<DateTimeOffset>("t"), r.Optional<DateTimeOffset>("ot")))
        .String("s", x => x.S, "Required string")
        .String("os", x => x.OS, "Optional string", required: false)
        .Int32("i", x => x.I, "Required int")
        .OptionalInt32("oi", x => x.OI, "Optional int")
        .Int64("l", x => x.L, "Required long")
        .OptionalInt64("ol", x => x.OL, "Optional long")
        .Boolean("b", x => x.B, "Required bool")
        .OptionalBoolean("ob", x => x.OB, "Optional bool")
        .Decimal("m", x => x.M, "Money", "store currency")
        .Decimal("om", x => x.OM, "Optional money", "store currency", required: false)
        .Decimal("w", x => x.W, "Wide decimal", "rate", 28, 6)
        .Date("d", x => x.D, "Required date")
        .Date("od", x => x.OD, "Optional date", required: false)
        .Timestamp("t", x => x.T, "Required instant")
        .Timestamp("ot", x => x.OT, "Optional instant", required: false);

    private static Edge Row() => new("a", null, 1, null, 2, null, true, null, 3m, null, 4m, new DateOnly(2026, 11, 1), null, Early, null);

    private static long Micros(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static string OldWriterFile(string name) => Path.Combine(RepoRoot.Find(), "tests", "KpiFunctions.Pipeline.Tests", "OldWriterFiles", name);

    private async Task<string> WriteAsync(CuratedTable<Edge> table, IReadOnlyList<Edge> rows)
    {
        var path = Path.Combine(_dir.Path, Guid.NewGuid().ToString("N") + ".parquet");
        await File.WriteAllBytesAsync(path, await table.WriteAsync(rows));
        return path;
    }

    private sealed record Edge(
        string S, string? OS, int I, int? OI, long L, long? OL, bool B, bool? OB, decimal M, decimal? OM, decimal W, DateOnly D, DateOnly? OD, DateTimeOffset T, DateTimeOffset? OT);
}
