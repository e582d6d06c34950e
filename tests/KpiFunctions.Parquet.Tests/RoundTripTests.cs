using KpiFunctions.Parquet.Compression;
using KpiFunctions.Parquet.Reader;
using KpiFunctions.Parquet.Schema;
using KpiFunctions.Parquet.Writer;

namespace KpiFunctions.Parquet.Tests;

public class RoundTripTests
{
    [Theory]
    [InlineData(true, ParquetCompression.None)]
    [InlineData(true, ParquetCompression.Snappy)]
    [InlineData(false, ParquetCompression.Gzip)]
    [InlineData(false, ParquetCompression.Snappy)]
    public async Task Every_type_round_trips_through_our_writer_and_reader(bool required, ParquetCompression codec)
    {
        var rows = TestData.Rows(2000, required);

        var file = await ParquetFiles.WriteAsync(TestData.Schema(required), rows, ParquetFiles.With(codec) with { PageRowLimit = 300 });
        var back = await ParquetFiles.ReadAsync(file);

        Assert.Equal(rows.Count, back.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            Assert.Equal(rows[r], back[r]);
        }
    }

    [Fact]
    public async Task Row_groups_are_cut_by_size_and_all_rows_come_back_in_order()
    {
        var schema = new ParquetSchema(new ParquetField("n", ParquetType.Int64, true), new ParquetField("s", ParquetType.String));
        var rows = Enumerable.Range(0, 20_000).Select(i => new object?[] { (long)i, "row " + i }).ToList();

        var file = await ParquetFiles.WriteAsync(schema, rows, new ParquetWriterOptions { RowGroupSizeBytes = 64 * 1024 });
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));
        var back = await ParquetFiles.ReadAsync(file);

        Assert.True(reader.RowGroups.Count > 3, $"{reader.RowGroups.Count} row groups");
        Assert.Equal(20_000, reader.RowCount);
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => (long)i), back.Select(r => (long)r[0]!));
    }

    [Fact]
    public async Task Statistics_give_min_max_and_nulls_in_each_types_order()
    {
        var schema = new ParquetSchema(
            new ParquetField("s", ParquetType.String), new ParquetField("d", ParquetType.Double), ParquetField.Decimal("m", 28, 2), new ParquetField("dt", ParquetType.Date));
        // "\uFF5E" sorts above "\U0001F600" in UTF-16 code units but below it in UTF-8 bytes.
        var rows = new List<object?[]>
        {
            new object?[] { "\uFF5E", 0.0, -5.25m, new DateOnly(1950, 1, 1) },
            new object?[] { "\U0001F600", -0.0, 1e20m, null },
            new object?[] { null, 2.5, 0m, new DateOnly(2000, 1, 1) },
            new object?[] { "a", null, -1e20m, new DateOnly(1949, 12, 31) },
        };

        var file = await ParquetFiles.WriteAsync(schema, rows);
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));
        var stats = reader.RowGroups[0].Statistics;

        Assert.Equal(("a", "\U0001F600", 1L), ((string?)stats[0].Min, (string?)stats[0].Max, stats[0].NullCount));
        Assert.Equal(2.5, stats[1].Max);
        Assert.True(double.IsNegative((double)stats[1].Min!), "min of zeros is -0.0");
        Assert.Equal((-1e20m, 1e20m), ((decimal?)stats[2].Min, (decimal?)stats[2].Max));
        Assert.Equal((new DateOnly(1949, 12, 31), new DateOnly(2000, 1, 1), 1L), ((DateOnly?)stats[3].Min, (DateOnly?)stats[3].Max, stats[3].NullCount));
    }

    [Fact]
    public async Task A_nan_leaves_min_and_max_out_but_keeps_the_null_count()
    {
        var schema = new ParquetSchema(new ParquetField("d", ParquetType.Double));
        var file = await ParquetFiles.WriteAsync(schema, [[1.0], [double.NaN], [null]]);
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));

        var stats = reader.RowGroups[0].Statistics[0];

        Assert.Null(stats.Min);
        Assert.Null(stats.Max);
        Assert.Equal(1, stats.NullCount);
        Assert.True(double.IsNaN((double)(await ParquetFiles.ReadAsync(file))[1][0]!));
    }

    [Fact]
    public async Task Key_value_metadata_and_created_by_are_written()
    {
        var schema = new ParquetSchema(new ParquetField("n", ParquetType.Int32, true));
        var file = await ParquetFiles.WriteAsync(schema, [[1]], new ParquetWriterOptions { Metadata = new Dictionary<string, string> { ["kpi.schema.version"] = "3" } });
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));

        Assert.Equal("3", reader.Metadata["kpi.schema.version"]);
        Assert.Matches(@"^KpiFunctions\.Parquet version \d+\.\d+\.\d+ \(build [^)]+\)$", reader.CreatedBy);
    }

    [Fact]
    public async Task An_empty_file_has_a_schema_and_no_rows()
    {
        var schema = new ParquetSchema(new ParquetField("n", ParquetType.Int32));
        var file = await ParquetFiles.WriteAsync(schema, []);
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));

        Assert.Equal(0, reader.RowCount);
        Assert.Empty(reader.RowGroups);
        Assert.Equal("n", reader.Schema.Fields[0].Name);
    }

    [Fact]
    public async Task Misuse_is_refused_with_the_column_named()
    {
        using var buffer = new MemoryStream();
        var schema = new ParquetSchema(new ParquetField("n", ParquetType.Int32, true), ParquetField.Decimal("m", 9, 2), new ParquetField("s", ParquetType.String));
        await using var writer = new ParquetWriter(buffer, schema);

        Assert.Contains("write it as Int32", Assert.Throws<ArgumentException>(() => writer.Column<long>(0)).Message, StringComparison.Ordinal);
        Assert.Contains("required", Assert.Throws<ArgumentException>(() => writer.Column<int>(0).WriteNull()).Message, StringComparison.Ordinal);
        Assert.Contains("more than 2 decimal places", Assert.Throws<ArgumentException>(() => writer.Column<decimal>(1).Write(1.234m)).Message, StringComparison.Ordinal);
        Assert.Contains("does not fit DECIMAL(9,2)", Assert.Throws<ArgumentException>(() => writer.Column<decimal>(1).Write(12_345_678m)).Message, StringComparison.Ordinal);
        writer.Column<int>(0).Write(1);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.FlushAsync());
        Assert.Contains("'m' has 0 values but 'n' has 1", ex.Message, StringComparison.Ordinal);
        writer.Column<decimal>(1).Write(1m);
        writer.Column<string>(2).Write("x");
    }
}
