using System.Buffers.Binary;

namespace KpiFunctions.Parquet.Thrift;

/// <summary>
/// Reads Thrift compact protocol from a byte span, bounds-checked: every length and count is checked against the
/// bytes left, so a corrupt footer or page header fails with <see cref="InvalidDataException"/>, never with an
/// index exception or a huge allocation.
/// </summary>
internal ref struct CompactReader
{
    private const int MaxDepth = 64;
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private short _lastId;
    private int _depth;
    private Span<short> _stack;

    public CompactReader(ReadOnlySpan<byte> data, string what, Span<short> stack)
    {
        _data = data;
        _what = what;
        _stack = stack;
        Position = 0;
        _lastId = 0;
        _depth = 0;
    }

    public int Position { get; private set; }

    /// <summary>Reads the next field header; false at the struct's stop byte.</summary>
    public bool NextField(out short id, out CompactType type)
    {
        var header = Byte();
        if (header == 0)
        {
            id = 0;
            type = CompactType.Stop;
            return false;
        }

        type = (CompactType)(header & 0x0F);
        var delta = header >> 4;
        id = delta != 0 ? (short)(_lastId + delta) : (short)ZigZag32();
        _lastId = id;
        if (type > CompactType.Uuid)
        {
            throw Corrupt($"unknown field type {(int)type}");
        }

        return true;
    }

    public void BeginStruct()
    {
        if (_depth >= MaxDepth || _depth >= _stack.Length)
        {
            throw Corrupt("structs nested too deeply");
        }

        _stack[_depth++] = _lastId;
        _lastId = 0;
    }

    public void EndStruct() => _lastId = _stack[--_depth];

    public int I32() => ZigZag32();

    public long I64()
    {
        var z = Varint();
        return (long)(z >> 1) ^ -(long)(z & 1);
    }

    public sbyte I8() => (sbyte)Byte();

    public bool Bool(CompactType fieldType) => fieldType == CompactType.BooleanTrue;

    public double Double()
    {
        var span = Take(8);
        return BinaryPrimitives.ReadDoubleLittleEndian(span);
    }

    public ReadOnlySpan<byte> Binary()
    {
        var length = Varint();
        if (length > (ulong)(_data.Length - Position))
        {
            throw Corrupt($"a binary of {length} bytes runs past the end");
        }

        return Take((int)length);
    }

    public string String() => System.Text.Encoding.UTF8.GetString(Binary());

    /// <summary>Reads a list header; the count is checked against the bytes left (every element takes at least one byte, booleans too).</summary>
    public int ListHeader(out CompactType elementType)
    {
        var header = Byte();
        elementType = (CompactType)(header & 0x0F);
        ulong count = (ulong)(header >> 4);
        if (count == 15)
        {
            count = Varint();
        }

        if (count > (ulong)(_data.Length - Position))
        {
            throw Corrupt($"a list of {count} elements cannot fit in {_data.Length - Position} bytes");
        }

        return (int)count;
    }

    /// <summary>Skips a value of any type (fields and union members this reader does not know).</summary>
    public void Skip(CompactType type)
    {
        switch (type)
        {
            case CompactType.BooleanTrue or CompactType.BooleanFalse:
                break;
            case CompactType.I8:
                Take(1);
                break;
            case CompactType.I16 or CompactType.I32 or CompactType.I64:
                Varint();
                break;
            case CompactType.Double:
                Take(8);
                break;
            case CompactType.Binary:
                Binary();
                break;
            case CompactType.Uuid:
                Take(16);
                break;
            case CompactType.List or CompactType.Set:
                EnterContainer();
                var n = ListHeader(out var element);
                for (var i = 0; i < n; i++)
                {
                    // Boolean list elements are one byte each.
                    if (element is CompactType.BooleanTrue or CompactType.BooleanFalse)
                    {
                        Take(1);
                    }
                    else
                    {
                        Skip(element);
                    }
                }

                _depth--;
                break;
            case CompactType.Map:
                EnterContainer();
                var size = Varint();
                if (size > (ulong)(_data.Length - Position))
                {
                    throw Corrupt($"a map of {size} entries cannot fit");
                }

                if (size > 0)
                {
                    var kv = Byte();
                    for (ulong i = 0; i < size; i++)
                    {
                        Skip((CompactType)(kv >> 4));
                        Skip((CompactType)(kv & 0x0F));
                    }
                }

                _depth--;
                break;
            case CompactType.Struct:
                BeginStruct();
                while (NextField(out _, out var fieldType))
                {
                    Skip(fieldType);
                }

                EndStruct();
                break;
            default:
                throw Corrupt($"cannot skip type {(int)type}");
        }
    }

    /// <summary>Lists and maps nest like structs; the same depth limit keeps a hostile footer from overflowing the stack.</summary>
    private void EnterContainer()
    {
        if (++_depth > MaxDepth)
        {
            throw Corrupt("containers nested too deeply");
        }
    }

    public InvalidDataException Corrupt(string why) => new($"Parquet: corrupt {_what} at byte {Position}: {why}.");

    private int ZigZag32()
    {
        var z = Varint();
        if (z > uint.MaxValue)
        {
            throw Corrupt("a 32-bit integer is too long");
        }

        return (int)((uint)z >> 1) ^ -(int)(z & 1);
    }

    private ulong Varint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Corrupt("a varint is longer than 10 bytes");
    }

    private byte Byte()
    {
        if (Position >= _data.Length)
        {
            throw Corrupt("unexpected end");
        }

        return _data[Position++];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - Position)
        {
            throw Corrupt("unexpected end");
        }

        var span = _data.Slice(Position, count);
        Position += count;
        return span;
    }
}
