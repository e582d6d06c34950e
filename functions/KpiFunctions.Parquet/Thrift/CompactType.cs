namespace KpiFunctions.Parquet.Thrift;

/// <summary>Type codes of the Thrift compact protocol (thrift-compact-protocol.md, "Struct encoding").</summary>
internal enum CompactType : byte
{
    Stop = 0,
    BooleanTrue = 1,
    BooleanFalse = 2,
    I8 = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12,
    Uuid = 13,
}
