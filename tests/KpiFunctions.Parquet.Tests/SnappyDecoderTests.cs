using KpiFunctions.Parquet.Compression;

namespace KpiFunctions.Parquet.Tests;

public class SnappyDecoderTests
{
    public static TheoryData<string> Inputs => new() { "random", "zeros", "text", "short", "empty", "runs" };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Decodes_what_the_reference_encoder_writes(string kind)
    {
        var data = Make(kind);
        var compressed = IronSnappy.Snappy.Encode(data);
        var output = new byte[SnappyDecoder.DecodedLength(compressed, out _)];

        SnappyDecoder.Decode(compressed, output);

        Assert.Equal(data, output);
    }

    [Fact]
    public void Decodes_the_specs_example_of_twenty_zero_bytes()
    {
        // format_description.txt-style stream: preamble 20, literal "00", then a copy of 19 bytes from offset 1.
        var output = new byte[20];

        SnappyDecoder.Decode(Convert.FromHexString("1400004A0100"), output);

        Assert.Equal(new byte[20], output);
    }

    [Theory]
    [InlineData("0A")]             // preamble 10, nothing after it
    [InlineData("05" + "10" + "41")] // literal of 5 bytes with only 1 present
    [InlineData("04" + "0100")]    // copy from offset 0
    [InlineData("08" + "00" + "41" + "1D05")] // copy from 5 back after 1 byte
    [InlineData("FFFFFFFF7F")]     // preamble above 2 GiB
    public void Corrupt_blocks_are_format_errors(string hex)
    {
        var input = Convert.FromHexString(hex);

        Assert.Throws<InvalidDataException>(() =>
        {
            var length = SnappyDecoder.DecodedLength(input, out _);
            SnappyDecoder.Decode(input, new byte[length]);
        });
    }

    private static byte[] Make(string kind)
    {
        var random = new Random(kind.Length);
        return kind switch
        {
            "random" => [.. Enumerable.Range(0, 300_000).Select(_ => (byte)random.Next(256))],
            "zeros" => new byte[200_000],
            "text" => System.Text.Encoding.UTF8.GetBytes(string.Join(",", Enumerable.Range(0, 30_000).Select(i => "order-" + (i % 977) + "-héllo"))),
            "short" => [1, 2, 3],
            "empty" => [],
            _ => [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i / 1000 % 7))],
        };
    }
}
