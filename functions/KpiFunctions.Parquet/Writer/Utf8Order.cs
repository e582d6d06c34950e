namespace KpiFunctions.Parquet.Writer;

/// <summary>
/// Compares .NET strings in the order of their UTF-8 bytes (Parquet's order for STRING statistics). Ordinal
/// UTF-16 order differs only where a surrogate pair meets a character at U+E000 or above; this moves surrogates
/// above that range, which gives code point order, which is UTF-8 byte order.
/// </summary>
internal static class Utf8Order
{
    public static int Compare(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x != y)
            {
                return Fix(x) - Fix(y);
            }
        }

        return a.Length - b.Length;
    }

    private static int Fix(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
}
