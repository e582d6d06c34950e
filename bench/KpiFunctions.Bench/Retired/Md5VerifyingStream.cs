using System.Security.Cryptography;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Bench.Retired;

/// <summary>
/// A read-only stream over a downloaded blob that hashes what passes through and, when the content ends, compares
/// the MD5 with the one the service sent (Content-MD5 on Get Blob). A mismatch throws <see cref="InvalidDataException"/>
/// naming the blob, so a corrupted download fails loudly at its last read instead of being parsed. With the
/// response's Content-Length known, the check happens as soon as that many bytes have passed, so a reader that
/// reads exactly the length and stops is checked too.
/// </summary>
internal sealed class Md5VerifyingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly byte[] _expected;
    private readonly string _name;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private long? _remaining;
    private bool _verified;

    public Md5VerifyingStream(Stream inner, byte[] expected, string name, long? length = null)
    {
        _inner = inner;
        _expected = expected;
        _name = name;
        _remaining = length;
    }

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        return Observe(buffer[..n], buffer.Length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Observe(buffer.Span[..n], buffer.Length);
    }

    /// <summary>Hashes what was read; a zero-byte result for a non-empty request is the end, where the hash is checked.</summary>
    private int Observe(ReadOnlySpan<byte> data, int requested)
    {
        if (data.Length > 0)
        {
            _md5.AppendData(data);
            _remaining -= data.Length;
        }

        if (!_verified && ((data.Length == 0 && requested > 0) || _remaining <= 0))
        {
            _verified = true;
            var actual = _md5.GetHashAndReset();
            if (!CryptographicOperations.FixedTimeEquals(actual, _expected))
            {
                throw new InvalidDataException(
                    $"Blob {_name}: the downloaded content does not match its Content-MD5 ({Convert.ToBase64String(_expected)}, got {Convert.ToBase64String(actual)}); the download is corrupt.");
            }
        }

        return data.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _md5.Dispose();
        }

        base.Dispose(disposing);
    }
}
