namespace KpiFunctions.Storage.Blobs;

/// <summary>The outcome of a blob write: a failed condition is a value, not an exception.</summary>
/// <param name="Written">True when the blob was written.</param>
/// <param name="ETag">The new blob's ETag, when written.</param>
public readonly record struct BlobWriteResult(bool Written, string? ETag)
{
    /// <summary>The write's condition did not hold (exists, or ETag changed).</summary>
    public static BlobWriteResult ConditionNotMet { get; } = new(false, null);
}
