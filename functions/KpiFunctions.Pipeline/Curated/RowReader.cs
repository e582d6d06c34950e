namespace KpiFunctions.Pipeline.Curated;

/// <summary>Typed access to one row of a row group read back from Parquet, by column name.</summary>
public sealed class RowReader
{
    private readonly IReadOnlyDictionary<string, Array> _columns;

    /// <summary>Columns by name: arrays of the row group's values (T[] for REQUIRED columns, T?[] or string[] with nulls otherwise).</summary>
    internal RowReader(IReadOnlyDictionary<string, Array> columns, string source)
    {
        _columns = columns;
        Source = source;
    }

    /// <summary>The row's index in the row group.</summary>
    public int Row { get; internal set; }

    /// <summary>Where the data came from, for messages.</summary>
    public string Source { get; }

    /// <summary>A required string.</summary>
    public string String(string name) => OptionalString(name) ?? throw Missing(name);

    /// <summary>An optional string.</summary>
    public string? OptionalString(string name) => Column(name) is string?[] values ? values[Row] : throw WrongType(name, typeof(string));

    /// <summary>A required value of a value type.</summary>
    public T Value<T>(string name)
        where T : struct => Column(name) switch
        {
            T[] values => values[Row],
            T?[] values => values[Row] ?? throw Missing(name),
            _ => throw WrongType(name, typeof(T)),
        };

    /// <summary>An optional value of a value type.</summary>
    public T? Optional<T>(string name)
        where T : struct => Column(name) switch
        {
            T?[] values => values[Row],
            T[] values => values[Row],
            _ => throw WrongType(name, typeof(T)),
        };

    /// <summary>
    /// An optional value of a column added to the schema after files were written: null in a file that lacks it (an
    /// older file), as in a row that has no value.
    /// </summary>
    public T? Added<T>(string name)
        where T : struct => _columns.ContainsKey(name) ? Optional<T>(name) : null;

    /// <summary>Whether the file has the column (an older file lacks columns added to the schema since).</summary>
    public bool Has(string name) => _columns.ContainsKey(name);

    private Array Column(string name) =>
        _columns.TryGetValue(name, out var c) ? c : throw new InvalidDataException($"{Source}: column '{name}' is missing; the file does not match this dataset's schema.");

    private InvalidDataException Missing(string name) => new($"{Source}: row {Row} has no value in required column '{name}'.");

    private InvalidDataException WrongType(string name, Type asked) => new($"{Source}: column '{name}' holds {_columns[name].GetType().GetElementType()?.Name}, not {asked.Name}.");
}
