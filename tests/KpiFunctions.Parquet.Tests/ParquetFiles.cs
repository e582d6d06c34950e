using KpiFunctions.Parquet.Compression;
using KpiFunctions.Parquet.Reader;
using KpiFunctions.Parquet.Schema;
using KpiFunctions.Parquet.Writer;

namespace KpiFunctions.Parquet.Tests;

/// <summary>Round-trip helpers: write rows of boxed values, read them back as rows of boxed values.</summary>
internal static class ParquetFiles
{
    public static async Task<byte[]> WriteAsync(ParquetSchema schema, IReadOnlyList<object?[]> rows, ParquetWriterOptions? options = null)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new ParquetWriter(buffer, schema, options))
        {
            foreach (var row in rows)
            {
                for (var c = 0; c < schema.Fields.Count; c++)
                {
                    Write(writer, c, schema.Fields[c].Type, row[c]);
                }

                if (writer.RowGroupFull)
                {
                    await writer.FlushAsync();
                }
            }
        }

        return buffer.ToArray();
    }

    public static async Task<List<object?[]>> ReadAsync(byte[] file)
    {
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));
        var rows = new List<object?[]>();
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            var columns = await reader.ReadRowGroupAsync(g);
            for (var r = 0; r < columns[0].Count; r++)
            {
                rows.Add([.. columns.Select(c => c.GetValue(r))]);
            }
        }

        return rows;
    }

    public static async Task<string> SaveAsync(byte[] file, string directory, string name)
    {
        var path = Path.Combine(directory, name);
        await File.WriteAllBytesAsync(path, file);
        return path;
    }

    public static ParquetWriterOptions With(ParquetCompression codec) => new() { Compression = codec };

    private static void Write(ParquetWriter w, int c, ParquetType type, object? value)
    {
        switch (type)
        {
            case ParquetType.Boolean: Put(w.Column<bool>(c), value); break;
            case ParquetType.Int32: Put(w.Column<int>(c), value); break;
            case ParquetType.Int64: Put(w.Column<long>(c), value); break;
            case ParquetType.Double: Put(w.Column<double>(c), value); break;
            case ParquetType.Decimal: Put(w.Column<decimal>(c), value); break;
            case ParquetType.String: Put(w.Column<string>(c), value); break;
            case ParquetType.Date: Put(w.Column<DateOnly>(c), value); break;
            case ParquetType.Timestamp: Put(w.Column<DateTimeOffset>(c), value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    private static void Put<T>(ParquetColumnWriter<T> column, object? value)
    {
        if (value is null)
        {
            column.WriteNull();
        }
        else
        {
            column.Write((T)value);
        }
    }
}
