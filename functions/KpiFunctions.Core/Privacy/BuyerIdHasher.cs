using System.Security.Cryptography;
using System.Text;

namespace KpiFunctions.Core.Privacy;

/// <summary>
/// Turns buyer ids into HMAC-SHA256 hashes under a secret salt, so distinct buyers can be counted without
/// keeping who they are. One salt serves all stores, so a buyer counts once across them.
/// </summary>
public sealed class BuyerIdHasher
{
    private readonly byte[] _key;

    /// <summary>Creates a hasher; the salt must be at least 16 bytes of secret.</summary>
    public BuyerIdHasher(ReadOnlySpan<byte> salt)
    {
        if (salt.Length < 16)
        {
            throw new ArgumentException($"The buyer hash salt is {salt.Length} bytes; use at least 16 random bytes.", nameof(salt));
        }

        _key = salt.ToArray();
    }

    /// <summary>The hash of a buyer id, as 64 lowercase hex characters.</summary>
    public string Hash(string buyerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(buyerId);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(buyerId), mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <inheritdoc />
    public override string ToString() => "BuyerIdHasher(salt hidden)";
}
