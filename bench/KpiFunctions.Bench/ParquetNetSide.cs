using System.Diagnostics;
using System.Globalization;
using KpiFunctions.Pipeline.Curated;
using Parquet;
using Parquet.Schema;

namespace KpiFunctions.Bench;

/// <summary>
/// order_lines through Parquet.Net with the pipeline's own settings (<see cref="CuratedParquet"/>: the fields, SNAPPY,
/// encoding hints, row groups of <see cref="CuratedParquet.RowGroupRows"/>), a column of a row group at a time, as
/// <see cref="CuratedTable{T}"/> writes, but from the row number instead of records.
/// </summary>
internal static class ParquetNetSide
{
    public static async Task<TimeSpan> WriteAsync(string path, long rows, PeakSampler? sampler)
    {
        var columns = CuratedTables.OrderLines.Columns;
        var fields = columns.Select(CuratedParquet.Field).ToArray();
        var schema = new ParquetSchema(fields);
        var options = CuratedParquet.Options(columns, fields);
        GC.Collect();
        sampler?.Start();
        var clock = Stopwatch.StartNew();
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.Asynchronous))
        await using (var writer = await ParquetWriter.CreateAsync(schema, file, options))
        {
            var strings = new ReadOnlyMemory<char>[CuratedParquet.RowGroupRows];
            var ints = new int[CuratedParquet.RowGroupRows];
            var decimals = new decimal[CuratedParquet.RowGroupRows];
            for (long start = 0; start < rows; start += CuratedParquet.RowGroupRows)
            {
                var count = (int)Math.Min(CuratedParquet.RowGroupRows, rows - start);
                using var group = writer.CreateRowGroup();
                await StringsAsync(group, fields[0], strings, start, count, OrderLinesData.StoreId);
                await StringsAsync(group, fields[1], strings, start, count, OrderLinesData.OrderId);
                await StringsAsync(group, fields[2], strings, start, count, OrderLinesData.LineId);
                await StringsAsync(group, fields[3], strings, start, count, OrderLinesData.SkuId);
                await StringsAsync(group, fields[4], strings, start, count, OrderLinesData.ProductId);
                await StringsAsync(group, fields[5], strings, start, count, OrderLinesData.ProductName);
                for (var i = 0; i < count; i++)
                {
                    ints[i] = OrderLinesData.Quantity(start + i);
                }

                await group.WriteAsync<int>(fields[6], ints.AsMemory(0, count));
                await DecimalsAsync(group, fields[7], decimals, start, count, OrderLinesData.SalePrice);
                await DecimalsAsync(group, fields[8], decimals, start, count, OrderLinesData.OriginalPrice);
                group.CompleteValidate();
            }
        }

        clock.Stop();
        sampler?.Stop();
        return clock.Elapsed;
    }

    /// <summary>Reads every column of every row group as the pipeline does (strings as .NET strings) and sums them.</summary>
    public static async Task<(TimeSpan Elapsed, string Checksum)> ReadAsync(string path)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        long chars = 0, quantity = 0;
        decimal sale = 0, original = 0;
        await using (var reader = await ParquetReader.CreateAsync(path, new ParquetOptions { UseDateOnlyTypeForDates = true }))
        {
            var fields = reader.Schema.DataFields;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var count = (int)group.RowCount;
                var strings = new string?[count];
                for (var c = 0; c < 6; c++)
                {
                    await group.ReadAsync(fields[c], strings.AsMemory());
                    foreach (var s in strings)
                    {
                        chars += s!.Length;
                    }
                }

                var ints = new int[count];
                await group.ReadAsync<int>(fields[6], ints.AsMemory());
                foreach (var q in ints)
                {
                    quantity += q;
                }

                var decimals = new decimal[count];
                await group.ReadAsync<decimal>(fields[7], decimals.AsMemory());
                foreach (var d in decimals)
                {
                    sale += d;
                }

                await group.ReadAsync<decimal>(fields[8], decimals.AsMemory());
                foreach (var d in decimals)
                {
                    original += d;
                }
            }
        }

        clock.Stop();
        return (clock.Elapsed, string.Create(CultureInfo.InvariantCulture, $"chars {chars}, q {quantity}, s {sale}, o {original}"));
    }

    private static async Task StringsAsync(ParquetRowGroupWriter group, DataField field, ReadOnlyMemory<char>[] buffer, long start, int count, Func<long, string> value)
    {
        for (var i = 0; i < count; i++)
        {
            buffer[i] = value(start + i).AsMemory();
        }

        await group.WriteAsync<ReadOnlyMemory<char>>(field, buffer.AsMemory(0, count));
    }

    private static async Task DecimalsAsync(ParquetRowGroupWriter group, DataField field, decimal[] buffer, long start, int count, Func<long, decimal> value)
    {
        for (var i = 0; i < count; i++)
        {
            buffer[i] = value(start + i);
        }

        await group.WriteAsync<decimal>(field, buffer.AsMemory(0, count));
    }
}
