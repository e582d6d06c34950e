namespace KpiFunctions.Parquet.Reader;

/// <summary>A string as UTF-8 bytes inside a decoded page buffer: reading keeps these, and makes .NET strings only on request.</summary>
/// <param name="Buffer">The page (or dictionary page) buffer.</param>
/// <param name="Offset">Start of the value.</param>
/// <param name="Length">Length in bytes.</param>
internal readonly record struct Utf8Value(byte[] Buffer, int Offset, int Length)
{
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(Offset, Length);
}
