using global::Azure;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Storage.Azure;

/// <summary>
/// The SDK's download stream, cut at a length, with its failures named: a range whose MD5 does not match is
/// corrupt data in <paramref name="blob"/>, and a refusal mid-read (the blob replaced, access revoked) says so.
/// </summary>
internal sealed class CheckedBlobStream(Stream inner, long limit, string blob) : ReadOnlyStream(inner)
{
    private long _remaining = limit;

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        try
        {
            var read = Inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            _remaining -= read;
            return read;
        }
        catch (Exception e) when (Named(e) is { } named)
        {
            throw named;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        try
        {
            var read = await Inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
            _remaining -= read;
            return read;
        }
        catch (Exception e) when (Named(e) is { } named)
        {
            throw named;
        }
    }

    /// <summary>A range whose bytes do not match the MD5 the service sent for it, named for people.</summary>
    internal static InvalidDataException Damaged(string blob, Exception error) =>
        new($"Blob {blob}: a downloaded range does not match the MD5 the service sent for it (damaged in transit); read it again.", error);

    private Exception? Named(Exception error) => error switch
    {
        InvalidDataException => Damaged(blob, error),
        RequestFailedException { Status: 412 } refused => StorageErrors.Refused($"Get blob {blob}: the blob was replaced while it was being read; read it again", refused),
        RequestFailedException refused => StorageErrors.Refused($"Get blob {blob}", refused),
        _ => null,
    };
}
