namespace KpiFunctions.Storage.Blobs;

/// <summary>Rules for blob paths, shared by every implementation so they accept the same paths.</summary>
public static class BlobPath
{
    /// <summary>Longest path accepted (Azure's blob name limit).</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless the offset is not negative and the length, when given, is positive.</summary>
    public static void ValidateRange(long offset, long? length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(length));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the path is relative, '/'-separated and has no empty, '.' or '..' segment.</summary>
    public static string Validate(string path, string paramName = "path")
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ArgumentException("A blob path is required.", paramName);
        }

        if (path.Length > MaxLength)
        {
            throw new ArgumentException($"Blob path is {path.Length} characters; the limit is {MaxLength}.", paramName);
        }

        if (path.Contains('\\', StringComparison.Ordinal) || path.StartsWith('/') || path.EndsWith('/'))
        {
            throw new ArgumentException($"Blob path '{path}' must use '/' separators and neither start nor end with '/'.", paramName);
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == ".." || segment.Any(char.IsControl))
            {
                throw new ArgumentException($"Blob path '{path}' has an empty, '.', '..' or control-character segment.", paramName);
            }
        }

        return path;
    }

    /// <summary>Joins segments with '/'.</summary>
    public static string Combine(params string[] segments) => string.Join('/', segments);
}
