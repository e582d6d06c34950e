using KpiFunctions.Parquet.Encodings;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

/// <summary>Appends values that need no conversion.</summary>
internal sealed class DirectWriter<T>(Action<T> append, Action appendNull) : ParquetColumnWriter<T>
{
    public override void Write(T value) => append(value);

    public override void WriteNull() => appendNull();
}

/// <summary>DATE: days since 1970-01-01 as INT32.</summary>
internal sealed class DateWriter(Int32ColumnBuffer buffer) : ParquetColumnWriter<DateOnly>
{
    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    public override void Write(DateOnly value) => buffer.Append(value.DayNumber - EpochDay);

    public override void WriteNull() => buffer.AppendNull();
}

/// <summary>TIMESTAMP(UTC, MICROS): microseconds since 1970-01-01T00:00Z, floored (ticks below a microsecond are dropped).</summary>
internal sealed class TimestampWriter(Int64ColumnBuffer buffer) : ParquetColumnWriter<DateTimeOffset>
{
    public override void Write(DateTimeOffset value) =>
        buffer.Append(Math.DivRem(value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, 10, out var rem) - (rem < 0 ? 1 : 0));

    public override void WriteNull() => buffer.AppendNull();
}

/// <summary>DECIMAL(p ≤ 18) as INT64 unscaled values.</summary>
internal sealed class DecimalInt64Writer(Int64ColumnBuffer buffer, ParquetField field) : ParquetColumnWriter<decimal>
{
    public override void Write(decimal value)
    {
        if (!DecimalBytes.TryUnscaledInt64(value, field.Scale, field.Precision, out var unscaled))
        {
            // The exact path: throws the precise error, or handles what the fast path declined.
            DecimalBytes.CheckFits(value, field);
            unscaled = (long)DecimalBytes.Unscaled(value, field.Scale);
        }

        buffer.Append(unscaled);
    }

    public override void WriteNull() => buffer.AppendNull();
}
