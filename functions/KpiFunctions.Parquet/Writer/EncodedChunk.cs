using KpiFunctions.Parquet.Format;

namespace KpiFunctions.Parquet.Writer;

/// <summary>One column chunk's pages, ready to append to the file, and what its metadata needs.</summary>
internal sealed record EncodedChunk(
    ReadOnlyMemory<byte> Bytes,
    bool HasDictionary,
    long DataPageRelativeOffset,
    long TotalUncompressedSize,
    List<PageEncoding> Encodings,
    List<PageEncodingStats> EncodingStats,
    Statistics Statistics,
    long NumValues);
