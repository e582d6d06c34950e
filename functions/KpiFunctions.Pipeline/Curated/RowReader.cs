using KpiFunctions.Parquet.Reader;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>Typed access to one row of a row group read back from Parquet, by column name.</summary>
public sealed class RowReader
{
    private readonly Dictionary<string, ParquetColumn> _columns;

    internal RowReader(IReadOnlyList<ParquetColumn> columns, string source)
    {
        _columns = columns.ToDictionary(c => c.Field.Name, StringComparer.Ordinal);
        Source = source;
    }

    /// <summary>The row's index in the row group.</summary>
    public int Row { get; internal set; }

    /// <summary>Where the data came from, for messages.</summary>
    public string Source { get; }

    /// <summary>A required string.</summary>
    public string String(string name) => Get<string>(name) ?? throw Missing(name);

    /// <summary>An optional string.</summary>
    public string? OptionalString(string name) => Get<string>(name);

    /// <summary>A required value of a value type.</summary>
    public T Value<T>(string name)
        where T : struct =>
        Column(name).IsNull(Row) ? throw Missing(name) : Column(name).GetValues<T>()[Row];

    /// <summary>An optional value of a value type.</summary>
    public T? Optional<T>(string name)
        where T : struct =>
        Column(name).IsNull(Row) ? null : Column(name).GetValues<T>()[Row];

    private T? Get<T>(string name)
        where T : class =>
        Column(name).IsNull(Row) ? null : Column(name).GetValues<T>()[Row];

    private ParquetColumn Column(string name) =>
        _columns.TryGetValue(name, out var c) ? c : throw new InvalidDataException($"{Source}: column '{name}' is missing; the file does not match this dataset's schema.");

    private InvalidDataException Missing(string name) => new($"{Source}: row {Row} has no value in required column '{name}'.");
}
