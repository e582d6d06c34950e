using System.Buffers;
using KpiFunctions.Parquet.Format;
using KpiFunctions.Parquet.Schema;

namespace KpiFunctions.Parquet.Writer;

/// <summary>BOOLEAN values, always PLAIN (bit-packed, LSB first): the Power BI service has rejected RLE booleans.</summary>
internal sealed class BooleanColumnBuffer(ParquetField field) : ColumnBuffer(field)
{
    private bool[] _values = new bool[1024];
    private int _count;

    public override PhysicalType Physical => PhysicalType.Boolean;

    public override object Writer => new DirectWriter<bool>(Append, AddNull);

    protected override int NonNullCount => _count;

    public void Append(bool value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
        AddDefined(1);
    }

    protected override void ResetValues() => _count = 0;

    protected override void WritePlain(int from, int to, IBufferWriter<byte> output)
    {
        var bytes = (to - from + 7) / 8;
        var span = output.GetSpan(bytes)[..bytes];
        span.Clear();
        for (var i = from; i < to; i++)
        {
            if (_values[i])
            {
                span[(i - from) >> 3] |= (byte)(1 << ((i - from) & 7));
            }
        }

        output.Advance(bytes);
    }

    // Eight values to a byte; per value this rounds up, which only makes page cuts slightly early.
    protected override long PlainSize(int from, int to) => (to - from + 7) / 8;

    protected override Statistics Statistics()
    {
        if (_count == 0)
        {
            return new Statistics();
        }

        bool any = false, all = true;
        for (var i = 0; i < _count; i++)
        {
            any |= _values[i];
            all &= _values[i];
        }

        return StatisticsBytes.Signed([(byte)(all ? 1 : 0)], [(byte)(any ? 1 : 0)]);
    }
}
