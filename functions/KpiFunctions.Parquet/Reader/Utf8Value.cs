namespace KpiFunctions.Parquet.Reader;

/// <summary>
/// A string as UTF-8 bytes inside one of a column's decoded page buffers (by index, so arrays of these hold no
/// object references and copy without GC write barriers). Reading keeps these; .NET strings are made on request.
/// </summary>
/// <param name="Buffer">Index of the page buffer in the column's buffer list.</param>
/// <param name="Offset">Start of the value.</param>
/// <param name="Length">Length in bytes.</param>
internal readonly record struct Utf8Value(int Buffer, int Offset, int Length);
