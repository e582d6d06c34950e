using System.Buffers;
using KpiFunctions.Parquet.Encodings;
using KpiFunctions.Parquet.Reader;
using KpiFunctions.Parquet.Thrift;

namespace KpiFunctions.Parquet.Tests;

public class CompactProtocolTests
{
    [Fact]
    public void Integers_are_zigzag_varints_behind_delta_field_headers()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new CompactWriter(buffer);
        w.BeginStructBody();
        w.I32(1, 1);       // 15 02
        w.I32(2, 12);      // 15 18
        w.I64(4, -1);      // 26 01 (delta 2, I64)
        w.I32(20, 64);     // long form: 05 28 80 01 (delta 16 > 15)
        w.Bool(21, true);  // 11
        w.EndStruct();     // 00

        Assert.Equal(Convert.FromHexString("15021518260105288001" + "11" + "00"), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task The_specs_three_row_example_file_reads_as_one_two_three()
    {
        // The 134-byte file of one REQUIRED INT32 column "x" = 1, 2, 3 (PLAIN, UNCOMPRESSED), built byte by byte from the spec.
        var file = Convert.FromHexString(
            "50415231" +
            "1500151815182c15061500150615060000" +
            "010000000200000003000000" +
            "1502192c4806736368656d6115020015022500180178001606191c191c26001c" +
            "1502192500061918017815001606163a163a26080000163a16062608163a1400" +
            "00281964656d6f2d7772697465722076657273696f6e20312e302e3000" +
            "5d00000050415231");

        var rows = await ParquetFiles.ReadAsync(file);

        Assert.Equal([1, 2, 3], rows.Select(r => (int)r[0]!));
    }

    [Fact]
    public async Task The_spec_example_file_reports_its_schema_and_writer()
    {
        var file = Convert.FromHexString(
            "50415231" + "1500151815182c15061500150615060000" + "010000000200000003000000" +
            "1502192c4806736368656d6115020015022500180178001606191c191c26001c" +
            "1502192500061918017815001606163a163a26080000163a16062608163a1400" +
            "00281964656d6f2d7772697465722076657273696f6e20312e302e3000" + "5d00000050415231");

        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));

        Assert.Equal("demo-writer version 1.0.0", reader.CreatedBy);
        var field = Assert.Single(reader.Schema.Fields);
        Assert.Equal(("x", Schema.ParquetType.Int32, true), (field.Name, field.Type, field.Required));
        Assert.Equal(3, reader.RowCount);
    }

    [Fact]
    public void The_rle_hybrid_decodes_the_specs_bit_packed_example()
    {
        // Encodings.md: values 0..7 at bit width 3, one bit-packed group: header 03, bytes 88 C6 FA.
        var values = new int[8];

        RleBitPackedHybrid.Decode(Convert.FromHexString("0388C6FA"), 3, values);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], values);
    }

    [Fact]
    public void A_long_repeat_becomes_one_rle_run()
    {
        var buffer = new ArrayBufferWriter<byte>();

        RleBitPackedHybrid.Encode(Enumerable.Repeat(1, 1000).ToArray(), 1, buffer);

        Assert.Equal(Convert.FromHexString("D00F01"), buffer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(32)]
    public void Any_mix_of_runs_and_noise_round_trips(int bitWidth)
    {
        var random = new Random(bitWidth);
        var max = bitWidth == 32 ? int.MaxValue : (1 << bitWidth) - 1;
        var values = new List<int>();
        while (values.Count < 5000)
        {
            var value = bitWidth == 0 ? 0 : random.Next(max) + (random.Next(2) * (bitWidth == 32 ? 0 : 1) & max);
            values.AddRange(Enumerable.Repeat(value, random.Next(3) == 0 ? random.Next(1, 40) : 1));
        }

        var buffer = new ArrayBufferWriter<byte>();
        RleBitPackedHybrid.Encode(values.ToArray(), bitWidth, buffer);
        var decoded = new int[values.Count];
        RleBitPackedHybrid.Decode(buffer.WrittenSpan, bitWidth, decoded);

        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Rle_data_that_ends_inside_a_run_is_a_format_error()
    {
        var values = new int[100];

        Assert.Throws<InvalidDataException>(() => RleBitPackedHybrid.Decode(Convert.FromHexString("C8"), 8, values));
    }
}
