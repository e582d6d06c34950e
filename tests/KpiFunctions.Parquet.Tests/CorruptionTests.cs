using KpiFunctions.Parquet.Compression;
using KpiFunctions.Parquet.Reader;

namespace KpiFunctions.Parquet.Tests;

/// <summary>Truncated and bit-flipped files fail as format errors: never a hang, an out-of-memory or an index exception.</summary>
public class CorruptionTests
{
    public static TheoryData<string> Codecs => new() { nameof(ParquetCompression.Snappy), nameof(ParquetCompression.Gzip), nameof(ParquetCompression.None) };

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Every_truncation_fails_with_a_format_error(string codec)
    {
        var file = await SampleAsync(Enum.Parse<ParquetCompression>(codec));

        foreach (var length in Enumerable.Range(0, file.Length).Where(n => n < 64 || n % 7 == 0 || n > file.Length - 64))
        {
            var outcome = await ReadAllAsync(file[..length]);
            Assert.True(outcome is InvalidDataException, $"length {length} of {file.Length}: {Describe(outcome)}");
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Flipped_bytes_give_values_or_a_format_error_and_nothing_else(string codec)
    {
        var file = await SampleAsync(Enum.Parse<ParquetCompression>(codec));
        var random = new Random(12345);
        var formatErrors = 0;
        for (var trial = 0; trial < 600; trial++)
        {
            var bad = (byte[])file.Clone();
            var flips = 1 + random.Next(3);
            for (var f = 0; f < flips; f++)
            {
                bad[random.Next(bad.Length)] ^= (byte)(1 << random.Next(8));
            }

            var outcome = await ReadAllAsync(bad);
            Assert.True(outcome is null or InvalidDataException or NotSupportedException, $"trial {trial}: {Describe(outcome)}");
            formatErrors += outcome is null ? 0 : 1;
        }

        Assert.True(formatErrors > 100, $"only {formatErrors} of 600 corruptions were noticed");
    }

    private static async Task<byte[]> SampleAsync(ParquetCompression codec) =>
        await ParquetFiles.WriteAsync(TestData.Schema(required: false), TestData.Rows(400, required: false), ParquetFiles.With(codec) with { PageRowLimit = 100 });

    /// <summary>Reads everything; returns the exception (null when the file read). A read taking over 10 s counts as a hang.</summary>
    private static async Task<Exception?> ReadAllAsync(byte[] file)
    {
        var read = Task.Run(async () =>
        {
            try
            {
                await ParquetFiles.ReadAsync(file);
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        });
        var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));
        return finished == read ? await read : new TimeoutException("the read hung");
    }

    private static string Describe(Exception? ex) => ex is null ? "read without error" : $"{ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}";
}
