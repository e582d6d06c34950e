using KpiFunctions.Parquet.Format;

namespace KpiFunctions.Parquet.Writer;

/// <summary>Statistics shapes (parquet-format, Statistics and ColumnOrder).</summary>
internal static class StatisticsBytes
{
    /// <summary>Signed-order types: min_value/max_value plus the deprecated min/max that older readers use.</summary>
    public static Statistics Signed(byte[] min, byte[] max) => new() { Min = min, Max = max, MinValue = min, MaxValue = max };

    /// <summary>Byte-ordered types (strings): only min_value/max_value, marked exact.</summary>
    public static Statistics Unsigned(byte[] min, byte[] max) => new() { MinValue = min, MaxValue = max, IsMinValueExact = true, IsMaxValueExact = true };
}
