using System.Text;

namespace KpiFunctions.Sources.Synthetic;

/// <summary>
/// Seeds that do not depend on the process (unlike <see cref="HashCode"/>), so the same seed makes the same
/// world on every machine and run.
/// </summary>
internal static class StableRandom
{
    public static Random For(int seed, params long[] parts)
    {
        var state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        foreach (var part in parts)
        {
            state = SplitMix(state ^ unchecked((ulong)part));
        }

        return new Random(unchecked((int)(state >> 33)));
    }

    /// <summary>FNV-1a over UTF-8: a stable number for a string.</summary>
    public static long Fnv(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return unchecked((long)hash);
    }

    private static ulong SplitMix(ulong x)
    {
        x = unchecked(x + 0x9E3779B97F4A7C15UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return x ^ (x >> 31);
    }
}
