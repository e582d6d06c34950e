using KpiFunctions.Parquet.Thrift;

namespace KpiFunctions.Parquet.Format;

internal static partial class ThriftSerializer
{
    public static FileMetaData ReadFileMetaData(ReadOnlySpan<byte> data)
    {
        Span<short> stack = stackalloc short[64];
        var r = new CompactReader(data, "footer (FileMetaData)", stack);
        var m = new FileMetaData();
        bool hasSchema = false, hasRows = false, hasGroups = false, hasVersion = false;
        while (r.NextField(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32:
                    m.Version = r.I32();
                    hasVersion = true;
                    break;
                case 2 when type == CompactType.List:
                    var n = r.ListHeader(out _);
                    for (var i = 0; i < n; i++)
                    {
                        m.Schema.Add(ReadSchemaElement(ref r));
                    }

                    hasSchema = true;
                    break;
                case 3 when type == CompactType.I64:
                    m.NumRows = r.I64();
                    hasRows = true;
                    break;
                case 4 when type == CompactType.List:
                    var groups = r.ListHeader(out _);
                    for (var i = 0; i < groups; i++)
                    {
                        m.RowGroups.Add(ReadRowGroup(ref r));
                    }

                    hasGroups = true;
                    break;
                case 5 when type == CompactType.List:
                    var kvs = r.ListHeader(out _);
                    for (var i = 0; i < kvs; i++)
                    {
                        r.BeginStruct();
                        string? key = null, value = null;
                        while (r.NextField(out var kid, out var ktype))
                        {
                            if (kid == 1 && ktype == CompactType.Binary)
                            {
                                key = r.String();
                            }
                            else if (kid == 2 && ktype == CompactType.Binary)
                            {
                                value = r.String();
                            }
                            else
                            {
                                r.Skip(ktype);
                            }
                        }

                        r.EndStruct();
                        m.KeyValueMetadata.Add(new(key ?? throw r.Corrupt("a key-value entry has no key"), value));
                    }

                    break;
                case 6 when type == CompactType.Binary:
                    m.CreatedBy = r.String();
                    break;
                case 7 when type == CompactType.List:
                    var orders = r.ListHeader(out var orderType);
                    for (var i = 0; i < orders; i++)
                    {
                        r.Skip(orderType);
                    }

                    m.ColumnOrders = orders;
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        if (!hasVersion || !hasSchema || !hasRows || !hasGroups)
        {
            throw r.Corrupt("FileMetaData lacks a required field (version, schema, num_rows or row_groups)");
        }

        return m;
    }

    /// <summary>Reads a page header and returns how many bytes it took.</summary>
    public static PageHeader ReadPageHeader(ReadOnlySpan<byte> data, out int length)
    {
        Span<short> stack = stackalloc short[64];
        var r = new CompactReader(data, "page header", stack);
        var h = new PageHeader();
        bool hasType = false, hasU = false, hasC = false;
        while (r.NextField(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32:
                    h.Type = (PageType)r.I32();
                    hasType = true;
                    break;
                case 2 when type == CompactType.I32:
                    h.UncompressedPageSize = r.I32();
                    hasU = true;
                    break;
                case 3 when type == CompactType.I32:
                    h.CompressedPageSize = r.I32();
                    hasC = true;
                    break;
                case 5 when type == CompactType.Struct:
                    r.BeginStruct();
                    var d = new DataPageHeader();
                    while (r.NextField(out var fid, out var ftype))
                    {
                        switch (fid)
                        {
                            case 1 when ftype == CompactType.I32: d.NumValues = r.I32(); break;
                            case 2 when ftype == CompactType.I32: d.Encoding = (PageEncoding)r.I32(); break;
                            case 3 when ftype == CompactType.I32: d.DefinitionLevelEncoding = (PageEncoding)r.I32(); break;
                            case 4 when ftype == CompactType.I32: d.RepetitionLevelEncoding = (PageEncoding)r.I32(); break;
                            default: r.Skip(ftype); break;
                        }
                    }

                    r.EndStruct();
                    h.DataPageHeader = d;
                    break;
                case 7 when type == CompactType.Struct:
                    r.BeginStruct();
                    var dict = new DictionaryPageHeader();
                    while (r.NextField(out var fid, out var ftype))
                    {
                        switch (fid)
                        {
                            case 1 when ftype == CompactType.I32: dict.NumValues = r.I32(); break;
                            case 2 when ftype == CompactType.I32: dict.Encoding = (PageEncoding)r.I32(); break;
                            default: r.Skip(ftype); break;
                        }
                    }

                    r.EndStruct();
                    h.DictionaryPageHeader = dict;
                    break;
                case 8 when type == CompactType.Struct:
                    r.BeginStruct();
                    var v2 = new DataPageHeaderV2();
                    while (r.NextField(out var fid, out var ftype))
                    {
                        switch (fid)
                        {
                            case 1 when ftype == CompactType.I32: v2.NumValues = r.I32(); break;
                            case 2 when ftype == CompactType.I32: v2.NumNulls = r.I32(); break;
                            case 3 when ftype == CompactType.I32: v2.NumRows = r.I32(); break;
                            case 4 when ftype == CompactType.I32: v2.Encoding = (PageEncoding)r.I32(); break;
                            case 5 when ftype == CompactType.I32: v2.DefinitionLevelsByteLength = r.I32(); break;
                            case 6 when ftype == CompactType.I32: v2.RepetitionLevelsByteLength = r.I32(); break;
                            case 7 when ftype is CompactType.BooleanTrue or CompactType.BooleanFalse: v2.IsCompressed = r.Bool(ftype); break;
                            default: r.Skip(ftype); break;
                        }
                    }

                    r.EndStruct();
                    h.DataPageHeaderV2 = v2;
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        if (!hasType || !hasU || !hasC)
        {
            throw r.Corrupt("PageHeader lacks type or sizes");
        }

        if (h.UncompressedPageSize < 0 || h.CompressedPageSize < 0)
        {
            throw r.Corrupt($"negative page size ({h.UncompressedPageSize}, {h.CompressedPageSize})");
        }

        length = r.Position;
        return h;
    }

    private static SchemaElement ReadSchemaElement(ref CompactReader r)
    {
        r.BeginStruct();
        var e = new SchemaElement();
        var hasName = false;
        while (r.NextField(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: e.Type = (PhysicalType)r.I32(); break;
                case 2 when type == CompactType.I32: e.TypeLength = r.I32(); break;
                case 3 when type == CompactType.I32: e.RepetitionType = (Repetition)r.I32(); break;
                case 4 when type == CompactType.Binary:
                    e.Name = r.String();
                    hasName = true;
                    break;
                case 5 when type == CompactType.I32: e.NumChildren = r.I32(); break;
                case 6 when type == CompactType.I32: e.ConvertedType = (ConvertedType)r.I32(); break;
                case 7 when type == CompactType.I32: e.Scale = r.I32(); break;
                case 8 when type == CompactType.I32: e.Precision = r.I32(); break;
                case 10 when type == CompactType.Struct: e.LogicalType = ReadLogicalType(ref r); break;
                default: r.Skip(type); break;
            }
        }

        r.EndStruct();
        return hasName ? e : throw r.Corrupt("a schema element has no name");
    }

    private static LogicalTypeInfo ReadLogicalType(ref CompactReader r)
    {
        r.BeginStruct();
        var info = new LogicalTypeInfo { Kind = LogicalKind.Other };
        while (r.NextField(out var id, out var type))
        {
            if (type != CompactType.Struct)
            {
                r.Skip(type);
                continue;
            }

            switch (id)
            {
                case 1:
                    info.Kind = LogicalKind.String;
                    r.Skip(type);
                    break;
                case 5:
                    info.Kind = LogicalKind.Decimal;
                    r.BeginStruct();
                    while (r.NextField(out var fid, out var ftype))
                    {
                        if (fid == 1 && ftype == CompactType.I32)
                        {
                            info.Scale = r.I32();
                        }
                        else if (fid == 2 && ftype == CompactType.I32)
                        {
                            info.Precision = r.I32();
                        }
                        else
                        {
                            r.Skip(ftype);
                        }
                    }

                    r.EndStruct();
                    break;
                case 6:
                    info.Kind = LogicalKind.Date;
                    r.Skip(type);
                    break;
                case 7 or 8:
                    info.Kind = id == 7 ? LogicalKind.Time : LogicalKind.Timestamp;
                    r.BeginStruct();
                    while (r.NextField(out var fid, out var ftype))
                    {
                        if (fid == 1 && ftype is CompactType.BooleanTrue or CompactType.BooleanFalse)
                        {
                            info.IsAdjustedToUtc = r.Bool(ftype);
                        }
                        else if (fid == 2 && ftype == CompactType.Struct)
                        {
                            r.BeginStruct();
                            while (r.NextField(out var uid, out var utype))
                            {
                                info.Unit = uid is >= 1 and <= 3 ? (TimeUnit)uid : info.Unit;
                                r.Skip(utype);
                            }

                            r.EndStruct();
                        }
                        else
                        {
                            r.Skip(ftype);
                        }
                    }

                    r.EndStruct();
                    break;
                case 10:
                    info.Kind = LogicalKind.Integer;
                    r.BeginStruct();
                    while (r.NextField(out var fid, out var ftype))
                    {
                        if (fid == 1 && ftype == CompactType.I8)
                        {
                            info.BitWidth = r.I8();
                        }
                        else if (fid == 2 && ftype is CompactType.BooleanTrue or CompactType.BooleanFalse)
                        {
                            info.IsSigned = r.Bool(ftype);
                        }
                        else
                        {
                            r.Skip(ftype);
                        }
                    }

                    r.EndStruct();
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        r.EndStruct();
        return info;
    }

    private static RowGroup ReadRowGroup(ref CompactReader r)
    {
        r.BeginStruct();
        var rg = new RowGroup();
        var hasRows = false;
        while (r.NextField(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.List:
                    var n = r.ListHeader(out _);
                    for (var i = 0; i < n; i++)
                    {
                        rg.Columns.Add(ReadColumnChunk(ref r));
                    }

                    break;
                case 2 when type == CompactType.I64: rg.TotalByteSize = r.I64(); break;
                case 3 when type == CompactType.I64:
                    rg.NumRows = r.I64();
                    hasRows = true;
                    break;
                case 5 when type == CompactType.I64: rg.FileOffset = r.I64(); break;
                case 6 when type == CompactType.I64: rg.TotalCompressedSize = r.I64(); break;
                default: r.Skip(type); break;
            }
        }

        r.EndStruct();
        return hasRows ? rg : throw r.Corrupt("a row group has no num_rows");
    }

    private static ColumnChunk ReadColumnChunk(ref CompactReader r)
    {
        r.BeginStruct();
        var chunk = new ColumnChunk();
        while (r.NextField(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.Binary: chunk.FilePath = r.String(); break;
                case 2 when type == CompactType.I64: chunk.FileOffset = r.I64(); break;
                case 3 when type == CompactType.Struct: chunk.MetaData = ReadColumnMetaData(ref r); break;
                default: r.Skip(type); break;
            }
        }

        r.EndStruct();
        return chunk;
    }

    private static ColumnMetaData ReadColumnMetaData(ref CompactReader r)
    {
        r.BeginStruct();
        var m = new ColumnMetaData();
        var seen = 0;
        while (r.NextField(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32:
                    m.Type = (PhysicalType)r.I32();
                    seen |= 1;
                    break;
                case 2 when type == CompactType.List:
                    var n = r.ListHeader(out _);
                    for (var i = 0; i < n; i++)
                    {
                        m.Encodings.Add((PageEncoding)r.I32());
                    }

                    break;
                case 3 when type == CompactType.List:
                    var p = r.ListHeader(out _);
                    for (var i = 0; i < p; i++)
                    {
                        m.PathInSchema.Add(r.String());
                    }

                    break;
                case 4 when type == CompactType.I32:
                    m.Codec = (CompressionCodec)r.I32();
                    seen |= 2;
                    break;
                case 5 when type == CompactType.I64:
                    m.NumValues = r.I64();
                    seen |= 4;
                    break;
                case 6 when type == CompactType.I64: m.TotalUncompressedSize = r.I64(); break;
                case 7 when type == CompactType.I64:
                    m.TotalCompressedSize = r.I64();
                    seen |= 8;
                    break;
                case 9 when type == CompactType.I64:
                    m.DataPageOffset = r.I64();
                    seen |= 16;
                    break;
                case 11 when type == CompactType.I64: m.DictionaryPageOffset = r.I64(); break;
                case 12 when type == CompactType.Struct: m.Statistics = ReadStatistics(ref r); break;
                default: r.Skip(type); break;
            }
        }

        r.EndStruct();
        return seen == 31 ? m : throw r.Corrupt("ColumnMetaData lacks type, codec, num_values, total_compressed_size or data_page_offset");
    }

    private static Statistics ReadStatistics(ref CompactReader r)
    {
        r.BeginStruct();
        var s = new Statistics();
        while (r.NextField(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.Binary: s.Max = r.Binary().ToArray(); break;
                case 2 when type == CompactType.Binary: s.Min = r.Binary().ToArray(); break;
                case 3 when type == CompactType.I64: s.NullCount = r.I64(); break;
                case 5 when type == CompactType.Binary: s.MaxValue = r.Binary().ToArray(); break;
                case 6 when type == CompactType.Binary: s.MinValue = r.Binary().ToArray(); break;
                case 7 when type is CompactType.BooleanTrue or CompactType.BooleanFalse: s.IsMaxValueExact = r.Bool(type); break;
                case 8 when type is CompactType.BooleanTrue or CompactType.BooleanFalse: s.IsMinValueExact = r.Bool(type); break;
                default: r.Skip(type); break;
            }
        }

        r.EndStruct();
        return s;
    }
}
