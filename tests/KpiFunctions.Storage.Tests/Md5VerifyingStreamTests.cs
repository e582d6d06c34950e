using System.Security.Cryptography;
using KpiFunctions.Storage.Azure;

namespace KpiFunctions.Storage.Tests;

public sealed class Md5VerifyingStreamTests
{
    private static readonly byte[] Data = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public async Task Content_matching_its_md5_reads_through_unchanged()
    {
        await using var stream = new Md5VerifyingStream(new MemoryStream(Data), MD5.HashData(Data), "c/x.bin");
        using var copy = new MemoryStream();

        await stream.CopyToAsync(copy, 4096);

        Assert.Equal(Data, copy.ToArray());
    }

    [Fact]
    public void Content_differing_from_its_md5_fails_at_the_end_naming_the_blob()
    {
        var corrupt = (byte[])Data.Clone();
        corrupt[50_000] ^= 1;
        using var stream = new Md5VerifyingStream(new MemoryStream(corrupt), MD5.HashData(Data), "c/x.bin");
        var buffer = new byte[Data.Length];

        Assert.Equal(Data.Length, stream.ReadAtLeast(buffer, Data.Length));
        var error = Assert.Throws<InvalidDataException>(() => stream.Read(buffer, 0, 10));
        Assert.Contains("c/x.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("Content-MD5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_length_read_is_not_taken_for_the_end()
    {
        using var stream = new Md5VerifyingStream(new MemoryStream(Data), MD5.HashData(Data), "c/x.bin");

        Assert.Equal(0, stream.Read([], 0, 0));
        var buffer = new byte[Data.Length];
        Assert.Equal(Data.Length, stream.ReadAtLeast(buffer, Data.Length));
        Assert.Equal(0, stream.Read(buffer, 0, 1));
        Assert.Equal(Data, buffer);
    }
}
