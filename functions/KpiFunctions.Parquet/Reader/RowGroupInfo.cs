namespace KpiFunctions.Parquet.Reader;

/// <summary>A row group: its rows and each column's statistics.</summary>
/// <param name="Index">Position in the file.</param>
/// <param name="RowCount">Rows.</param>
/// <param name="Statistics">Statistics per column, in schema order.</param>
public sealed record RowGroupInfo(int Index, long RowCount, IReadOnlyList<ColumnStatistics> Statistics);
