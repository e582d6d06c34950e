namespace KpiFunctions.Storage.Blobs;

/// <summary>A blob in a listing.</summary>
/// <param name="Path">Full path.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="LastModified">Last write.</param>
/// <param name="ETag">Version tag for conditional writes.</param>
public sealed record BlobItem(string Path, long Size, DateTimeOffset LastModified, string ETag);
