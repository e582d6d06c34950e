using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Encodings;

/// <summary>Decimal conversions (parquet-format LogicalTypes.md, DECIMAL: an unscaled integer, big-endian in byte arrays).</summary>
internal static class DecimalBytes
{
    private static readonly Int128 MaxMantissa = ((Int128)1 << 96) - 1;

    private static readonly ulong[] Pow10U64 = [.. Enumerable.Range(0, 20).Select(e => (ulong)Pow10(e))];

    /// <summary>
    /// The common case without Int128 or rounding: the unscaled value as a long when it fits 64 bits, has no more
    /// than <paramref name="scale"/> decimals and stays under 10^precision. False sends the caller to the exact path.
    /// </summary>
    public static bool TryUnscaledInt64(decimal value, int scale, int precision, out long unscaled)
    {
        unscaled = 0;
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        if (bits[2] != 0)
        {
            return false;
        }

        var mantissa = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
        var valueScale = (bits[3] >> 16) & 0xFF;
        if (Math.Abs(valueScale - scale) >= Pow10U64.Length)
        {
            return false;
        }

        if (valueScale <= scale)
        {
            var factor = Pow10U64[scale - valueScale];
            if (mantissa > ulong.MaxValue / factor)
            {
                return false;
            }

            mantissa *= factor;
        }
        else
        {
            var divisor = Pow10U64[valueScale - scale];
            if (mantissa % divisor != 0)
            {
                return false;
            }

            mantissa /= divisor;
        }

        if (precision > 19 || mantissa >= Pow10U64[precision])
        {
            return false;
        }

        unscaled = bits[3] < 0 ? -(long)mantissa : (long)mantissa;
        return true;
    }

    /// <summary>A long unscaled value as a decimal, without Int128 (the reader's common case).</summary>
    public static decimal FromInt64(long unscaled, int scale)
    {
        var negative = unscaled < 0;
        var magnitude = negative ? unchecked((ulong)-unscaled) : (ulong)unscaled;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, (byte)scale);
    }

    /// <summary>Fewest FIXED_LEN_BYTE_ARRAY bytes that hold <paramref name="precision"/> digits.</summary>
    public static int WidthFor(int precision)
    {
        for (var n = 1; n <= 16; n++)
        {
            // n bytes hold floor(log10(2^(8n-1) - 1)) digits.
            if (Math.Floor(Math.Log10(Math.Pow(2, (8 * n) - 1) - 1)) >= precision)
            {
                return n;
            }
        }

        throw new NotSupportedException($"Decimal precision {precision} needs more than 16 bytes.");
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the value has at most scale decimals and fits the precision.</summary>
    public static void CheckFits(decimal value, ParquetField field)
    {
        // Integer digits first: with |value| < 10^(precision - scale) the unscaled value stays below 10^28, so the
        // Int128 arithmetic below cannot overflow.
        if (Math.Abs(decimal.Truncate(value)) >= (decimal)Pow10(field.Precision - field.Scale))
        {
            throw new ArgumentException($"Column '{field.Name}': {value} does not fit DECIMAL({field.Precision},{field.Scale}).");
        }

        if (decimal.Round(value, field.Scale) != value)
        {
            throw new ArgumentException($"Column '{field.Name}': {value} has more than {field.Scale} decimal places (DECIMAL({field.Precision},{field.Scale})).");
        }

        var unscaled = Unscaled(value, field.Scale);
        if (Int128.Abs(unscaled) >= Pow10(field.Precision))
        {
            throw new ArgumentException($"Column '{field.Name}': {value} does not fit DECIMAL({field.Precision},{field.Scale}).");
        }
    }

    /// <summary>value × 10^scale as an integer (the caller checked the scale).</summary>
    public static Int128 Unscaled(decimal value, int scale)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        var valueScale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;
        mantissa = valueScale <= scale ? mantissa * Pow10(scale - valueScale) : mantissa / Pow10(valueScale - scale);
        return negative ? -mantissa : mantissa;
    }

    /// <summary>The decimal with this unscaled value and scale; throws <see cref="InvalidDataException"/> past .NET's 96-bit range.</summary>
    public static decimal ToDecimal(Int128 unscaled, int scale, string column)
    {
        var negative = unscaled < 0;
        var magnitude = Int128.Abs(unscaled);
        if (magnitude > MaxMantissa || scale is < 0 or > 28)
        {
            throw new InvalidDataException($"Parquet: column '{column}' holds a decimal ({unscaled} at scale {scale}) outside .NET decimal's range.");
        }

        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)scale);
    }

    public static void WriteBigEndian(Int128 value, Span<byte> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)value;
            value >>= 8;
        }
    }

    public static Int128 ReadBigEndian(ReadOnlySpan<byte> source, string column)
    {
        if (source.Length == 0)
        {
            return 0;
        }

        if (source.Length > 16)
        {
            // Wider than 16 bytes is fine only when the extra leading bytes are sign extension.
            var sign = (source[0] & 0x80) != 0 ? (byte)0xFF : (byte)0;
            foreach (var b in source[..^16])
            {
                if (b != sign)
                {
                    throw new InvalidDataException($"Parquet: column '{column}' holds a decimal wider than 128 bits.");
                }
            }

            source = source[^16..];
        }

        Int128 value = (source[0] & 0x80) != 0 ? -1 : 0;
        foreach (var b in source)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public static Int128 Pow10(int exponent)
    {
        Int128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
