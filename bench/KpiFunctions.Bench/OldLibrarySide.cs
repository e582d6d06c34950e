using System.Diagnostics;
using System.Globalization;
using KpiFunctions.Parquet.Reader;
using KpiFunctions.Parquet.Schema;
using KpiFunctions.Parquet.Writer;

namespace KpiFunctions.Bench;

/// <summary>order_lines through the project's former hand-written Parquet library (kept only for the side-by-side run).</summary>
internal static class OldLibrarySide
{
    public static async Task<TimeSpan> WriteAsync(string path, long rows, ParquetWriterOptions options, PeakSampler? sampler)
    {
        var schema = new ParquetSchema(
            new ParquetField("store_id", ParquetType.String), new ParquetField("order_id", ParquetType.String), new ParquetField("line_id", ParquetType.String),
            new ParquetField("sku_id", ParquetType.String), new ParquetField("product_id", ParquetType.String), new ParquetField("product_name", ParquetType.String),
            new ParquetField("quantity", ParquetType.Int32), ParquetField.Decimal("sale_price", 18, 4), ParquetField.Decimal("original_price", 18, 4));
        GC.Collect();
        sampler?.Start();
        var clock = Stopwatch.StartNew();
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
        await using (var w = new ParquetWriter(file, schema, options))
        {
            var c0 = w.Column<string>(0); var c1 = w.Column<string>(1); var c2 = w.Column<string>(2); var c3 = w.Column<string>(3);
            var c4 = w.Column<string>(4); var c5 = w.Column<string>(5); var c6 = w.Column<int>(6); var c7 = w.Column<decimal>(7); var c8 = w.Column<decimal>(8);
            for (long i = 0; i < rows; i++)
            {
                c0.Write(OrderLinesData.StoreId(i)); c1.Write(OrderLinesData.OrderId(i)); c2.Write(OrderLinesData.LineId(i));
                c3.Write(OrderLinesData.SkuId(i)); c4.Write(OrderLinesData.ProductId(i)); c5.Write(OrderLinesData.ProductName(i));
                c6.Write(OrderLinesData.Quantity(i)); c7.Write(OrderLinesData.SalePrice(i)); c8.Write(OrderLinesData.OriginalPrice(i));
                if ((i & 1023) == 0 && w.RowGroupFull)
                {
                    await w.FlushAsync();
                }
            }
        }

        clock.Stop();
        sampler?.Stop();
        return clock.Elapsed;
    }

    public static async Task<(TimeSpan Elapsed, string Checksum)> ReadAsync(string path)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        long chars = 0, quantity = 0;
        decimal sale = 0, original = 0;
        await using (var reader = await ParquetReader.OpenAsync(File.OpenRead(path)))
        {
            for (var g = 0; g < reader.RowGroups.Count; g++)
            {
                var columns = await reader.ReadRowGroupAsync(g);
                // Strings are read as UTF-8 (as DuckDB keeps them); GetValues<string>() would make .NET strings on top.
                for (var c = 0; c < 6; c++)
                {
                    for (var r = 0; r < columns[c].Count; r++)
                    {
                        chars += columns[c].GetUtf8(r).Length;
                    }
                }

                foreach (var q in columns[6].GetValues<int>())
                {
                    quantity += q;
                }

                // Decimals summed as unscaled integers, as DuckDB sums them; converted once at the end.
                long saleUnscaled = 0, originalUnscaled = 0;
                foreach (var v in columns[7].UnscaledValues)
                {
                    saleUnscaled += v;
                }

                foreach (var v in columns[8].UnscaledValues)
                {
                    originalUnscaled += v;
                }

                sale += saleUnscaled / 10_000m;
                original += originalUnscaled / 10_000m;
            }
        }

        clock.Stop();
        return (clock.Elapsed, string.Create(CultureInfo.InvariantCulture, $"chars {chars}, q {quantity}, s {sale}, o {original}"));
    }
}
