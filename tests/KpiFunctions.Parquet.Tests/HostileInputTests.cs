using System.Buffers;
using System.Buffers.Binary;
using KpiFunctions.Parquet.Compression;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Reader;
using KpiFunctions.Parquet.Schema;
using KpiFunctions.Parquet.Writer;

namespace KpiFunctions.Parquet.Tests;

/// <summary>Small files built to make a reader crash, hang or allocate gigabytes; each must be a format error instead.</summary>
public class HostileInputTests
{
    [Fact]
    public async Task Deeply_nested_lists_in_a_footer_are_a_format_error_not_a_stack_overflow()
    {
        // A footer field of type LIST whose elements are lists, 20,000 deep.
        var footer = new byte[20_001];
        footer[0] = 0xF9;
        footer.AsSpan(1).Fill(0x19);
        var file = Frame([], footer);

        await Assert.ThrowsAsync<InvalidDataException>(() => ParquetReader.OpenAsync(new MemoryStream(file)));
    }

    [Fact]
    public async Task A_footer_claiming_two_billion_rows_fails_without_allocating_for_them()
    {
        var file = Patch(await OneValueAsync(), m =>
        {
            m.NumRows = int.MaxValue;
            m.RowGroups[0].NumRows = int.MaxValue;
            m.RowGroups[0].Columns[0].MetaData!.NumValues = int.MaxValue;
            m.RowGroups[0].Columns[0].MetaData!.TotalUncompressedSize = 1L << 28;
        });

        var allocated = GC.GetTotalAllocatedBytes(true);
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));
        await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadColumnAsync(0, 0));

        Assert.True(GC.GetTotalAllocatedBytes(true) - allocated < 64L << 20, "allocated more than 64 MiB");
    }

    [Fact]
    public async Task Row_counts_that_disagree_between_footer_and_row_groups_are_a_format_error()
    {
        var file = Patch(await OneValueAsync(), m => m.NumRows = -5);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ParquetReader.OpenAsync(new MemoryStream(file)));

        Assert.Contains("-5 rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_claiming_millions_of_values_is_refused_before_they_are_allocated()
    {
        var file = await OneValueAsync();
        var header = ThriftSerializer.ReadPageHeader(file.AsSpan(4), out var headerLength);
        var payload = file.AsSpan(4 + headerLength, header.CompressedPageSize).ToArray();
        header.DataPageHeader!.NumValues = 1 << 26;
        var headerBytes = new ArrayBufferWriter<byte>();
        ThriftSerializer.Write(header, headerBytes);
        byte[] body = [.. headerBytes.WrittenSpan.ToArray(), .. payload];
        var metadata = Footer(file);
        metadata.NumRows = metadata.RowGroups[0].NumRows = 1 << 26;
        var column = metadata.RowGroups[0].Columns[0].MetaData!;
        column.NumValues = 1 << 26;
        column.TotalCompressedSize = column.TotalUncompressedSize = body.Length;
        column.Statistics = null;

        var allocated = GC.GetTotalAllocatedBytes(true);
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(Frame(body, Serialize(metadata))));
        await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadColumnAsync(0, 0));

        Assert.True(GC.GetTotalAllocatedBytes(true) - allocated < 128L << 20, "allocated more than 128 MiB");
    }

    [Theory]
    [InlineData("0.0000000000000000000000000000", 18, 4, "0")]
    [InlineData("-0.00010", 18, 4, "-0.0001")]
    [InlineData("99999999999999.9999", 18, 4, "99999999999999.9999")]
    public async Task Decimals_at_the_edges_of_their_scale_and_precision_round_trip(string text, int precision, int scale, string expected)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

        var file = await ParquetFiles.WriteAsync(new ParquetSchema(ParquetField.Decimal("d", precision, scale)), [[value]]);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), (await ParquetFiles.ReadAsync(file))[0][0]);
    }

    [Theory]
    [InlineData("34028236692093846346337460744", 18, 10)]
    [InlineData("340282366920938463463374608", 28, 12)]
    [InlineData("100000000000000", 18, 4)]
    public async Task A_decimal_too_large_for_its_column_is_refused_never_wrapped(string text, int precision, int scale)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        var writer = new ParquetWriter(buffer, new ParquetSchema(ParquetField.Decimal("d", precision, scale)));

        var ex = Assert.Throws<ArgumentException>(() => writer.Column<decimal>(0).Write(value));

        Assert.Contains($"does not fit DECIMAL({precision},{scale})", ex.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_writer_that_failed_does_not_write_a_footer_over_the_error()
    {
        using var buffer = new MemoryStream();
        var schema = new ParquetSchema(new ParquetField("a", ParquetType.Int32, true), new ParquetField("b", ParquetType.Int32, true));
        var writer = new ParquetWriter(buffer, schema);
        writer.Column<int>(0).Write(1);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.FlushAsync());
        await writer.DisposeAsync();

        await Assert.ThrowsAsync<InvalidDataException>(() => ParquetReader.OpenAsync(new MemoryStream(buffer.ToArray())));
    }

    [Fact]
    public async Task A_write_that_fails_part_way_through_a_row_is_the_error_disposing_reports_nothing_over_it()
    {
        using var buffer = new MemoryStream();
        var schema = new ParquetSchema(new ParquetField("a", ParquetType.Int32, true), ParquetField.Decimal("b", 4, 2, true));
        var caught = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await using var writer = new ParquetWriter(buffer, schema);
            writer.Column<int>(0).Write(1);
            writer.Column<decimal>(1).Write(12345.67m); // does not fit DECIMAL(4,2): the row is left half-written
        });

        Assert.Contains("does not fit DECIMAL(4,2)", caught.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(() => ParquetReader.OpenAsync(new MemoryStream(buffer.ToArray())));
    }

    [Fact]
    public void A_string_with_an_unpaired_surrogate_is_refused_not_silently_replaced()
    {
        using var buffer = new MemoryStream();
        var writer = new ParquetWriter(buffer, new ParquetSchema(new ParquetField("s", ParquetType.String)));

        var ex = Assert.Throws<ArgumentException>(() => writer.Column<string>(0).Write("cut \ud83d"));

        Assert.Contains("unpaired surrogate", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> OneValueAsync() =>
        await ParquetFiles.WriteAsync(new ParquetSchema(ParquetField.Decimal("d", 18, 4, required: true)), [[1m]], new ParquetWriterOptions { Compression = ParquetCompression.None, UseDictionary = false });

    private static FileMetaData Footer(byte[] file)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        return ThriftSerializer.ReadFileMetaData(file.AsSpan(file.Length - 8 - length, length));
    }

    private static byte[] Serialize(FileMetaData metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ThriftSerializer.Write(metadata, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Patch(byte[] file, Action<FileMetaData> edit)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var metadata = Footer(file);
        edit(metadata);
        return Frame(file.AsSpan(4, file.Length - 12 - length).ToArray(), Serialize(metadata));
    }

    /// <summary>PAR1, the column data, the footer, its length, PAR1.</summary>
    private static byte[] Frame(byte[] body, byte[] footer)
    {
        var tail = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tail, footer.Length);
        "PAR1"u8.CopyTo(tail.AsSpan(4));
        return [.. "PAR1"u8.ToArray(), .. body, .. footer, .. tail];
    }
}
