namespace KpiFunctions.Sources;

/// <summary>One response page as received, kept in raw/ for audit and replay.</summary>
/// <param name="Stream">Stream name (orders, refunds, traffic, ...).</param>
/// <param name="Page">Page number within the stream, from 0.</param>
/// <param name="Json">The page's JSON (buyer ids already hashed).</param>
public sealed record RawPage(string Stream, int Page, ReadOnlyMemory<byte> Json);
