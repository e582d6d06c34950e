namespace KpiFunctions.Parquet.Schema;

/// <summary>A flat schema: an ordered list of uniquely named fields.</summary>
public sealed class ParquetSchema
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a schema.</summary>
    public ParquetSchema(params IReadOnlyList<ParquetField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            throw new ArgumentException("A schema needs at least one field.", nameof(fields));
        }

        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            if (!_index.TryAdd(fields[i].Name, i))
            {
                throw new ArgumentException($"Column '{fields[i].Name}' appears twice in the schema.", nameof(fields));
            }
        }

        Fields = fields;
    }

    /// <summary>Fields in column order.</summary>
    public IReadOnlyList<ParquetField> Fields { get; }

    /// <summary>The position of a column, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;
}
