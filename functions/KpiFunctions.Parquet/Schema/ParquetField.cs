using System.Text.RegularExpressions;

namespace KpiFunctions.Parquet.Schema;

/// <summary>A flat column: name, type, whether it may hold nulls, and a decimal's precision and scale.</summary>
public sealed partial record ParquetField
{
    /// <summary>Largest decimal precision written (what <see cref="decimal"/> can hold).</summary>
    public const int MaxDecimalPrecision = 28;

    /// <summary>Creates a field; throws <see cref="ArgumentException"/> for a bad name or decimal shape.</summary>
    public ParquetField(string name, ParquetType type, bool required = false, int precision = 0, int scale = 0)
        : this(name, type, required, precision, scale, forWriting: true)
    {
    }

    /// <summary>Fields read from other writers' files keep their names and may have up to 38 decimal digits.</summary>
    internal ParquetField(string name, ParquetType type, bool required, int precision, int scale, bool forWriting)
    {
        var maxPrecision = forWriting ? MaxDecimalPrecision : 38;
        if (string.IsNullOrEmpty(name) || (forWriting && !NamePattern().IsMatch(name)))
        {
            throw new ArgumentException($"Column name '{name}' must be letters, digits and '_' (Spark and others reject spaces and punctuation).", nameof(name));
        }

        if (type == ParquetType.Decimal && (precision < 1 || precision > maxPrecision || scale < 0 || scale > precision))
        {
            throw new ArgumentException($"Decimal column '{name}' needs 1 <= precision <= {maxPrecision} and 0 <= scale <= precision; got ({precision}, {scale}).", nameof(precision));
        }

        Name = name;
        Type = type;
        Required = required;
        Precision = type == ParquetType.Decimal ? precision : 0;
        Scale = type == ParquetType.Decimal ? scale : 0;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary>Value type.</summary>
    public ParquetType Type { get; }

    /// <summary>REQUIRED (no nulls) rather than OPTIONAL.</summary>
    public bool Required { get; }

    /// <summary>Decimal digits in all.</summary>
    public int Precision { get; }

    /// <summary>Decimal digits after the point.</summary>
    public int Scale { get; }

    /// <summary>A decimal column.</summary>
    public static ParquetField Decimal(string name, int precision, int scale, bool required = false) => new(name, ParquetType.Decimal, required, precision, scale);

    [GeneratedRegex("^[A-Za-z0-9_]{1,255}$")]
    private static partial Regex NamePattern();
}
