using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Reader;

/// <summary>One column of one row group: a value per row (nulls hold the type's default) and which rows are defined.</summary>
public sealed class ParquetColumn
{
    private readonly Utf8Value[]? _utf8;
    private readonly List<byte[]>? _buffers;
    private readonly long[]? _unscaled;
    private Array? _values;

    internal ParquetColumn(ParquetField field, Array values, bool[]? defined)
    {
        Field = field;
        _values = values;
        Defined = defined;
        Count = values.Length;
    }

    private ParquetColumn(ParquetField field, Utf8Value[] utf8, List<byte[]> buffers, bool[]? defined)
    {
        Field = field;
        _utf8 = utf8;
        _buffers = buffers;
        Defined = defined;
        Count = utf8.Length;
    }

    private ParquetColumn(ParquetField field, long[] unscaled, bool[]? defined)
    {
        Field = field;
        _unscaled = unscaled;
        Defined = defined;
        Count = unscaled.Length;
    }

    /// <summary>The column.</summary>
    public ParquetField Field { get; }

    /// <summary>Rows.</summary>
    public int Count { get; }

    /// <summary>
    /// The values as a typed array (bool[], int[], long[], double[], decimal[], string?[], DateOnly[], DateTimeOffset[]).
    /// String columns are kept as UTF-8 and made into .NET strings here, once, on first use.
    /// </summary>
    public Array Values => _values ??= _unscaled is not null ? MaterializeDecimals() : Materialize();

    /// <summary>Which rows hold a value; null when every row does.</summary>
    public IReadOnlyList<bool>? Defined { get; }

    /// <summary>The values as <typeparamref name="T"/>[]; throws when that is not the column's type.</summary>
    public T[] GetValues<T>() => Values as T[]
        ?? throw new InvalidCastException($"Column '{Field.Name}' holds {Values.GetType().GetElementType()?.Name}, not {typeof(T).Name}.");

    /// <summary>True when the row is null.</summary>
    public bool IsNull(int row) => Defined is { } d && !d[row];

    /// <summary>The row's value, or null.</summary>
    public object? GetValue(int row) => IsNull(row) ? null : Values.GetValue(row);

    /// <summary>A string column's value as UTF-8 bytes, without making a .NET string (empty for null rows).</summary>
    public ReadOnlySpan<byte> GetUtf8(int row)
    {
        if (_utf8 is not { } utf8)
        {
            throw new InvalidOperationException($"Column '{Field.Name}' is {Field.Type}, not a string column.");
        }

        var v = utf8[row];
        return IsNull(row) ? default : _buffers![v.Buffer].AsSpan(v.Offset, v.Length);
    }

    /// <summary>
    /// A decimal column's values as unscaled integers (value × 10^scale), without making decimals; null for decimal
    /// columns stored as byte arrays, where <see cref="GetValues{T}"/> is the way.
    /// </summary>
    public ReadOnlySpan<long> UnscaledValues => _unscaled;

    internal static ParquetColumn FromUtf8(ParquetField field, Utf8Value[] values, List<byte[]> buffers, bool[]? defined) => new(field, values, buffers, defined);

    internal static ParquetColumn FromUnscaled(ParquetField field, long[] unscaled, bool[]? defined) => new(field, unscaled, defined);

    private decimal[] MaterializeDecimals()
    {
        var decimals = new decimal[_unscaled!.Length];
        for (var i = 0; i < decimals.Length; i++)
        {
            decimals[i] = Field.Scale <= 28
                ? Encodings.DecimalBytes.FromInt64(_unscaled[i], Field.Scale)
                : Encodings.DecimalBytes.ToDecimal(_unscaled[i], Field.Scale, Field.Name);
        }

        return decimals;
    }

    private string?[] Materialize()
    {
        var strings = new string?[_utf8!.Length];

        // Dictionary-encoded values share their bytes: one string per distinct slice (bounded cache).
        var seen = new Dictionary<(int, int), string>();
        for (var i = 0; i < strings.Length; i++)
        {
            if (IsNull(i))
            {
                continue;
            }

            var v = _utf8[i];
            if (!seen.TryGetValue((v.Buffer, v.Offset), out var s))
            {
                s = System.Text.Encoding.UTF8.GetString(_buffers![v.Buffer].AsSpan(v.Offset, v.Length));
                if (seen.Count < 1 << 16)
                {
                    seen[(v.Buffer, v.Offset)] = s;
                }
            }

            strings[i] = s;
        }

        return strings;
    }
}
