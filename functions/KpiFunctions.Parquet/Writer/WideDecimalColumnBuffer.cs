using System.Buffers;
using KpiFunctions.Parquet.Encodings;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

/// <summary>
/// DECIMAL with precision above 18: FIXED_LEN_BYTE_ARRAY holding the unscaled value as big-endian two's complement
/// (parquet-format LogicalTypes.md, DECIMAL), in the fewest bytes that hold the precision.
/// </summary>
internal sealed class WideDecimalColumnBuffer : ColumnBuffer
{
    private decimal[] _values = new decimal[1024];
    private int _count;

    public WideDecimalColumnBuffer(ParquetField field)
        : base(field) => ByteWidth = DecimalBytes.WidthFor(field.Precision);

    public int ByteWidth { get; }

    public override PhysicalType Physical => PhysicalType.FixedLenByteArray;

    public override object Writer => new DirectWriter<decimal>(Append, AddNull);

    protected override int NonNullCount => _count;

    public void Append(decimal value)
    {
        DecimalBytes.CheckFits(value, Field);
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
        AddDefined(ByteWidth);
    }

    protected override void ResetValues() => _count = 0;

    protected override void WritePlain(int from, int to, IBufferWriter<byte> output)
    {
        for (var i = from; i < to; i++)
        {
            DecimalBytes.WriteBigEndian(DecimalBytes.Unscaled(_values[i], Field.Scale), output.GetSpan(ByteWidth)[..ByteWidth]);
            output.Advance(ByteWidth);
        }
    }

    protected override long PlainSize(int from, int to) => (long)(to - from) * ByteWidth;

    protected override Statistics Statistics()
    {
        if (_count == 0)
        {
            return new Statistics();
        }

        decimal min = decimal.MaxValue, max = decimal.MinValue;
        for (var i = 0; i < _count; i++)
        {
            min = Math.Min(min, _values[i]);
            max = Math.Max(max, _values[i]);
        }

        var minBytes = new byte[ByteWidth];
        var maxBytes = new byte[ByteWidth];
        DecimalBytes.WriteBigEndian(DecimalBytes.Unscaled(min, Field.Scale), minBytes);
        DecimalBytes.WriteBigEndian(DecimalBytes.Unscaled(max, Field.Scale), maxBytes);
        return new Statistics { MinValue = minBytes, MaxValue = maxBytes };
    }
}
