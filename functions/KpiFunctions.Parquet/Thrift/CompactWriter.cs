using System.Buffers;
using System.Buffers.Binary;

namespace KpiFunctions.Parquet.Thrift;

/// <summary>
/// Writes Thrift compact protocol (thrift-compact-protocol.md): zigzag varints for integers, field headers with
/// id deltas, and a field-id stack per nested struct.
/// </summary>
internal sealed class CompactWriter
{
    private readonly IBufferWriter<byte> _out;
    private readonly Stack<short> _lastIds = new();
    private short _lastId;

    public CompactWriter(IBufferWriter<byte> output) => _out = output;

    public void I32(short id, int value)
    {
        FieldHeader(id, CompactType.I32);
        Varint(ZigZag(value));
    }

    public void I64(short id, long value)
    {
        FieldHeader(id, CompactType.I64);
        Varint(ZigZag(value));
    }

    public void I16(short id, short value)
    {
        FieldHeader(id, CompactType.I16);
        Varint(ZigZag(value));
    }

    public void I8(short id, sbyte value)
    {
        FieldHeader(id, CompactType.I8);
        Byte((byte)value);
    }

    public void Bool(short id, bool value) => FieldHeader(id, value ? CompactType.BooleanTrue : CompactType.BooleanFalse);

    public void Binary(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, CompactType.Binary);
        Varint((ulong)value.Length);
        Bytes(value);
    }

    public void String(short id, string value) => Binary(id, System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>Opens a struct field; close it with <see cref="EndStruct"/>.</summary>
    public void BeginStruct(short id)
    {
        FieldHeader(id, CompactType.Struct);
        BeginStructBody();
    }

    /// <summary>Opens a struct that is a list element (no field header).</summary>
    public void BeginStructBody()
    {
        _lastIds.Push(_lastId);
        _lastId = 0;
    }

    public void EndStruct()
    {
        Byte(0);
        _lastId = _lastIds.Pop();
    }

    /// <summary>A list field header; the elements follow without headers.</summary>
    public void ListHeader(short id, CompactType elementType, int count)
    {
        FieldHeader(id, CompactType.List);
        if (count < 15)
        {
            Byte((byte)((count << 4) | (byte)elementType));
        }
        else
        {
            Byte((byte)(0xF0 | (byte)elementType));
            Varint((ulong)count);
        }
    }

    public void ListI32Element(int value) => Varint(ZigZag(value));

    public void ListBinaryElement(ReadOnlySpan<byte> value)
    {
        Varint((ulong)value.Length);
        Bytes(value);
    }

    /// <summary>Ends the top-level struct being written (the caller began it with <see cref="BeginStructBody"/>).</summary>
    public void Stop() => Byte(0);

    private void FieldHeader(short id, CompactType type)
    {
        var delta = id - _lastId;
        if (delta is > 0 and <= 15)
        {
            Byte((byte)((delta << 4) | (byte)type));
        }
        else
        {
            Byte((byte)type);
            Varint(ZigZag(id));
        }

        _lastId = id;
    }

    private static ulong ZigZag(long n) => (ulong)((n << 1) ^ (n >> 63));

    private void Varint(ulong value)
    {
        var span = _out.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _out.Advance(i);
    }

    private void Byte(byte value)
    {
        _out.GetSpan(1)[0] = value;
        _out.Advance(1);
    }

    private void Bytes(ReadOnlySpan<byte> value)
    {
        if (value.Length > 0)
        {
            value.CopyTo(_out.GetSpan(value.Length));
            _out.Advance(value.Length);
        }
    }

    /// <summary>8-byte little-endian double, as the protocol stores it.</summary>
    public void Double(short id, double value)
    {
        FieldHeader(id, CompactType.Double);
        BinaryPrimitives.WriteDoubleLittleEndian(_out.GetSpan(8), value);
        _out.Advance(8);
    }
}
