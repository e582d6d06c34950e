using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Reader;

/// <summary>One column of one row group: a value per row (nulls hold the type's default) and which rows are defined.</summary>
public sealed class ParquetColumn
{
    internal ParquetColumn(ParquetField field, Array values, bool[]? defined)
    {
        Field = field;
        Values = values;
        Defined = defined;
    }

    /// <summary>The column.</summary>
    public ParquetField Field { get; }

    /// <summary>Rows.</summary>
    public int Count => Values.Length;

    /// <summary>The values as a typed array (bool[], int[], long[], double[], decimal[], string?[], DateOnly[], DateTimeOffset[]).</summary>
    public Array Values { get; }

    /// <summary>Which rows hold a value; null when every row does.</summary>
    public IReadOnlyList<bool>? Defined { get; }

    /// <summary>The values as <typeparamref name="T"/>[]; throws when that is not the column's type.</summary>
    public T[] GetValues<T>() => Values as T[]
        ?? throw new InvalidCastException($"Column '{Field.Name}' holds {Values.GetType().GetElementType()?.Name}, not {typeof(T).Name}.");

    /// <summary>True when the row is null.</summary>
    public bool IsNull(int row) => Defined is { } d && !d[row];

    /// <summary>The row's value, or null.</summary>
    public object? GetValue(int row) => IsNull(row) ? null : Values.GetValue(row);
}
