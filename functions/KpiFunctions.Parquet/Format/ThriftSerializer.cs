using System.Buffers;
using KpiFunctions.Parquet.Thrift;

namespace KpiFunctions.Parquet.Format;

/// <summary>
/// Writes the parquet.thrift structs in Thrift compact protocol. Field ids are those of parquet-format's
/// parquet.thrift; fields this library does not use are not written.
/// </summary>
internal static partial class ThriftSerializer
{
    public static void Write(FileMetaData m, IBufferWriter<byte> output)
    {
        var w = new CompactWriter(output);
        w.BeginStructBody();
        w.I32(1, m.Version);
        w.ListHeader(2, CompactType.Struct, m.Schema.Count);
        foreach (var e in m.Schema)
        {
            w.BeginStructBody();
            WriteSchemaElement(w, e);
            w.EndStruct();
        }

        w.I64(3, m.NumRows);
        w.ListHeader(4, CompactType.Struct, m.RowGroups.Count);
        foreach (var rg in m.RowGroups)
        {
            w.BeginStructBody();
            WriteRowGroup(w, rg);
            w.EndStruct();
        }

        if (m.KeyValueMetadata.Count > 0)
        {
            w.ListHeader(5, CompactType.Struct, m.KeyValueMetadata.Count);
            foreach (var (key, value) in m.KeyValueMetadata)
            {
                w.BeginStructBody();
                w.String(1, key);
                if (value is not null)
                {
                    w.String(2, value);
                }

                w.EndStruct();
            }
        }

        if (m.CreatedBy is not null)
        {
            w.String(6, m.CreatedBy);
        }

        if (m.ColumnOrders > 0)
        {
            // ColumnOrder union, member 1 TYPE_ORDER (an empty struct), one per leaf.
            w.ListHeader(7, CompactType.Struct, m.ColumnOrders);
            for (var i = 0; i < m.ColumnOrders; i++)
            {
                w.BeginStructBody();
                w.BeginStruct(1);
                w.EndStruct();
                w.EndStruct();
            }
        }

        w.EndStruct();
    }

    public static void Write(PageHeader h, IBufferWriter<byte> output)
    {
        var w = new CompactWriter(output);
        w.BeginStructBody();
        w.I32(1, (int)h.Type);
        w.I32(2, h.UncompressedPageSize);
        w.I32(3, h.CompressedPageSize);
        if (h.DataPageHeader is { } d)
        {
            w.BeginStruct(5);
            w.I32(1, d.NumValues);
            w.I32(2, (int)d.Encoding);
            w.I32(3, (int)d.DefinitionLevelEncoding);
            w.I32(4, (int)d.RepetitionLevelEncoding);
            w.EndStruct();
        }

        if (h.DictionaryPageHeader is { } dict)
        {
            w.BeginStruct(7);
            w.I32(1, dict.NumValues);
            w.I32(2, (int)dict.Encoding);
            w.EndStruct();
        }

        if (h.DataPageHeaderV2 is { } v2)
        {
            w.BeginStruct(8);
            w.I32(1, v2.NumValues);
            w.I32(2, v2.NumNulls);
            w.I32(3, v2.NumRows);
            w.I32(4, (int)v2.Encoding);
            w.I32(5, v2.DefinitionLevelsByteLength);
            w.I32(6, v2.RepetitionLevelsByteLength);
            w.Bool(7, v2.IsCompressed);
            w.EndStruct();
        }

        w.EndStruct();
    }

    private static void WriteSchemaElement(CompactWriter w, SchemaElement e)
    {
        if (e.Type is { } type)
        {
            w.I32(1, (int)type);
        }

        if (e.TypeLength is { } length)
        {
            w.I32(2, length);
        }

        if (e.RepetitionType is { } repetition)
        {
            w.I32(3, (int)repetition);
        }

        w.String(4, e.Name);
        if (e.NumChildren is { } children)
        {
            w.I32(5, children);
        }

        if (e.ConvertedType is { } converted)
        {
            w.I32(6, (int)converted);
        }

        if (e.Scale is { } scale)
        {
            w.I32(7, scale);
        }

        if (e.Precision is { } precision)
        {
            w.I32(8, precision);
        }

        if (e.LogicalType is { } logical)
        {
            w.BeginStruct(10);
            switch (logical.Kind)
            {
                case LogicalKind.String:
                    w.BeginStruct(1);
                    w.EndStruct();
                    break;
                case LogicalKind.Decimal:
                    w.BeginStruct(5);
                    w.I32(1, logical.Scale);
                    w.I32(2, logical.Precision);
                    w.EndStruct();
                    break;
                case LogicalKind.Date:
                    w.BeginStruct(6);
                    w.EndStruct();
                    break;
                case LogicalKind.Timestamp:
                    w.BeginStruct(8);
                    w.Bool(1, logical.IsAdjustedToUtc);
                    w.BeginStruct(2);
                    w.BeginStruct((short)logical.Unit);
                    w.EndStruct();
                    w.EndStruct();
                    w.EndStruct();
                    break;
                case LogicalKind.Integer:
                    w.BeginStruct(10);
                    w.I8(1, (sbyte)logical.BitWidth);
                    w.Bool(2, logical.IsSigned);
                    w.EndStruct();
                    break;
                default:
                    throw new NotSupportedException($"Writing logical type {logical.Kind} is not supported.");
            }

            w.EndStruct();
        }
    }

    private static void WriteRowGroup(CompactWriter w, RowGroup rg)
    {
        w.ListHeader(1, CompactType.Struct, rg.Columns.Count);
        foreach (var chunk in rg.Columns)
        {
            w.BeginStructBody();
            w.I64(2, chunk.FileOffset);
            w.BeginStruct(3);
            WriteColumnMetaData(w, chunk.MetaData!);
            w.EndStruct();
            w.EndStruct();
        }

        w.I64(2, rg.TotalByteSize);
        w.I64(3, rg.NumRows);
        if (rg.FileOffset is { } offset)
        {
            w.I64(5, offset);
        }

        if (rg.TotalCompressedSize is { } compressed)
        {
            w.I64(6, compressed);
        }

        if (rg.Ordinal is { } ordinal)
        {
            w.I16(7, ordinal);
        }
    }

    private static void WriteColumnMetaData(CompactWriter w, ColumnMetaData m)
    {
        w.I32(1, (int)m.Type);
        w.ListHeader(2, CompactType.I32, m.Encodings.Count);
        foreach (var e in m.Encodings)
        {
            w.ListI32Element((int)e);
        }

        w.ListHeader(3, CompactType.Binary, m.PathInSchema.Count);
        foreach (var p in m.PathInSchema)
        {
            w.ListBinaryElement(System.Text.Encoding.UTF8.GetBytes(p));
        }

        w.I32(4, (int)m.Codec);
        w.I64(5, m.NumValues);
        w.I64(6, m.TotalUncompressedSize);
        w.I64(7, m.TotalCompressedSize);
        w.I64(9, m.DataPageOffset);
        if (m.DictionaryPageOffset is { } dictionary)
        {
            w.I64(11, dictionary);
        }

        if (m.Statistics is { } s)
        {
            w.BeginStruct(12);
            if (s.Max is { } max)
            {
                w.Binary(1, max);
            }

            if (s.Min is { } min)
            {
                w.Binary(2, min);
            }

            if (s.NullCount is { } nulls)
            {
                w.I64(3, nulls);
            }

            if (s.MaxValue is { } maxValue)
            {
                w.Binary(5, maxValue);
            }

            if (s.MinValue is { } minValue)
            {
                w.Binary(6, minValue);
            }

            if (s.IsMaxValueExact is { } maxExact)
            {
                w.Bool(7, maxExact);
            }

            if (s.IsMinValueExact is { } minExact)
            {
                w.Bool(8, minExact);
            }

            w.EndStruct();
        }

        if (m.EncodingStats is { Count: > 0 } stats)
        {
            w.ListHeader(13, CompactType.Struct, stats.Count);
            foreach (var stat in stats)
            {
                w.BeginStructBody();
                w.I32(1, (int)stat.PageType);
                w.I32(2, (int)stat.Encoding);
                w.I32(3, stat.Count);
                w.EndStruct();
            }
        }
    }
}
