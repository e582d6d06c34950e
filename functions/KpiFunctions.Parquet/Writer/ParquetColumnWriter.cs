namespace KpiFunctions.Parquet.Writer;

/// <summary>Appends one column's values, row by row; every column of a row group must get the same number of values.</summary>
/// <typeparam name="T">The column's .NET type (see <see cref="Schema.ParquetType"/>).</typeparam>
public abstract class ParquetColumnWriter<T>
{
    private protected ParquetColumnWriter()
    {
    }

    /// <summary>Appends a value.</summary>
    public abstract void Write(T value);

    /// <summary>Appends a null; throws for a required column.</summary>
    public abstract void WriteNull();
}
