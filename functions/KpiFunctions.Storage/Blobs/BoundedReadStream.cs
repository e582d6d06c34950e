namespace KpiFunctions.Storage.Blobs;

/// <summary>A read-only view of at most a given number of bytes of another stream; disposing it disposes the inner stream.</summary>
internal sealed class BoundedReadStream(Stream inner, long limit) : ReadOnlyStream(inner)
{
    private long _remaining = limit;

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var read = Inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var read = await Inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= read;
        return read;
    }
}
