using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Tests;

/// <summary>The interop matrix's values: every type, with nulls, empty and non-ASCII strings, extreme and negative decimals, dates before 1970, microsecond timestamps.</summary>
internal static class TestData
{
    public static readonly object[] Booleans = [true, false, true, true];
    public static readonly object[] Int32s = [0, -1, int.MaxValue, int.MinValue, 42];
    public static readonly object[] Int64s = [0L, -1L, long.MaxValue, long.MinValue, 1_234_567_890_123L];
    public static readonly object[] Doubles = [0.0, -1.5, 1e300, -1e-300, Math.PI];
    public static readonly object[] Decimals18 = [0m, -12.3456m, 99_999_999_999_999.9999m, -99_999_999_999_999.9999m, 0.0001m];
    public static readonly object[] Decimals28 = [0m, -1_234_567_890_123_456_789_012.345678m, 9_999_999_999_999_999_999_999.999999m, 0.000001m];
    public static readonly object[] Strings = ["", "a", "héllo wörld", "日本語テキスト", "emoji 😀 and \u00e9", "tab\tand\nnewline"];
    public static readonly object[] Dates = [new DateOnly(1969, 12, 31), new DateOnly(1900, 1, 1), new DateOnly(1970, 1, 1), new DateOnly(2026, 11, 22), new DateOnly(1000, 1, 1)];

    public static readonly object[] Timestamps =
    [
        new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990),
        new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(10),
        DateTimeOffset.UnixEpoch,
        new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1_234_560),
    ];

    public static ParquetSchema Schema(bool required) => new(
        new ParquetField("b", ParquetType.Boolean, required),
        new ParquetField("i", ParquetType.Int32, required),
        new ParquetField("l", ParquetType.Int64, required),
        new ParquetField("d", ParquetType.Double, required),
        ParquetField.Decimal("m18", 18, 4, required),
        ParquetField.Decimal("m28", 28, 6, required),
        new ParquetField("s", ParquetType.String, required),
        new ParquetField("dt", ParquetType.Date, required),
        new ParquetField("ts", ParquetType.Timestamp, required));

    public static readonly string[] DuckDbTypes =
        ["BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "DECIMAL(18,4)", "DECIMAL(28,6)", "VARCHAR", "DATE", "TIMESTAMP WITH TIME ZONE"];

    /// <summary>Rows cycling through each type's values; every third row null in optional files.</summary>
    public static List<object?[]> Rows(int count, bool required)
    {
        object[][] columns = [Booleans, Int32s, Int64s, Doubles, Decimals18, Decimals28, Strings, Dates, Timestamps];
        var rows = new List<object?[]>(count);
        for (var r = 0; r < count; r++)
        {
            var row = new object?[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                row[c] = !required && (r + c) % 3 == 0 ? null : columns[c][(r / 3) % columns[c].Length];
            }

            rows.Add(row);
        }

        return rows;
    }
}
