namespace KpiFunctions.Storage.Blobs;

/// <summary>How a blob is written.</summary>
public sealed record BlobUploadOptions
{
    /// <summary>MIME type, e.g. application/json.</summary>
    public string? ContentType { get; init; }

    /// <summary>Content encoding, e.g. gzip.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>Write only if no blob exists at the path (If-None-Match: *).</summary>
    public bool OnlyIfMissing { get; init; }

    /// <summary>Write only if the current blob has this ETag (If-Match).</summary>
    public string? IfMatch { get; init; }
}
