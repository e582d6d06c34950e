using System.Globalization;

namespace KpiFunctions.Bench;

/// <summary>
/// Scenario runner: write and read the same N order_lines-shaped rows with Parquet.Net (the pipeline's settings) and
/// DuckDB (one thread, SNAPPY) in one run on this machine, and print the figures and ratios; the sums each side reads
/// back must agree. Usage: dotnet run -c Release -- [rows] [work dir]
/// </summary>
internal static class ParquetBench
{
    // Reads are short, so each side reads three times and the best time counts (a 2-core VM is noisy).
    private const int ReadRepeats = 3;

    public static async Task RunAsync(string[] args)
    {
        var rows = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var work = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "kpi-bench");
        Directory.CreateDirectory(work);
        var net = Path.Combine(work, "parquet-net.parquet");
        var duckFile = Path.Combine(work, "duckdb.parquet");
        using var duck = new DuckDbSide();

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; rows: {rows:N0}");

        // Every side warms up once on a small file (JIT of the write and read paths, DuckDB's extension load), as
        // BenchmarkDotNet would, so the first measured run is not tier-0 code.
        await ParquetNetSide.WriteAsync(Path.Combine(work, "warm-net.parquet"), 200_000, null);
        await ParquetNetSide.ReadAsync(Path.Combine(work, "warm-net.parquet"));
        duck.Write(Path.Combine(work, "warm-duck.parquet"), 200_000);
        duck.Read(Path.Combine(work, "warm-duck.parquet"));

        var writeNet = await ParquetNetSide.WriteAsync(net, rows, null);
        var writeDuck = duck.Write(duckFile, rows);

        // A second, untimed Parquet.Net write measures live memory: the sampler forces a collection before each reading.
        var live = new PeakSampler(collect: true);
        await ParquetNetSide.WriteAsync(Path.Combine(work, "net-live.parquet"), rows, live);

        var readNet = await BestAsync(() => ParquetNetSide.ReadAsync(net));
        var readDuck = Enumerable.Range(0, ReadRepeats).Select(_ => duck.Read(duckFile)).Min();
        var duckOwn = duck.LastRow;
        var duckOnNet = Enumerable.Range(0, ReadRepeats).Select(_ => duck.Read(net)).Min();
        var duckOnNetRow = duck.LastRow;
        var (sizeNet, sizeDuck) = (new FileInfo(net).Length, new FileInfo(duckFile).Length);

        Console.WriteLine();
        Console.WriteLine("| what | Parquet.Net | DuckDB (1 thread) | Parquet.Net / DuckDB |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| write | {Ms(writeNet)} | {Ms(writeDuck)} | {Ratio(writeNet, writeDuck)} |");
        Console.WriteLine($"| full read (all columns), best of {ReadRepeats} | {Ms(readNet.Elapsed)} | {Ms(readDuck)} | {Ratio(readNet.Elapsed, readDuck)} |");
        Console.WriteLine($"| file size | {sizeNet / 1e6:N1} MB | {sizeDuck / 1e6:N1} MB | {(double)sizeNet / sizeDuck:N2} |");
        Console.WriteLine($"| DuckDB reading the file, best of {ReadRepeats} | {Ms(duckOnNet)} | {Ms(readDuck)} | {Ratio(duckOnNet, readDuck)} |");
        Console.WriteLine($"| peak live managed memory writing, above baseline | {live.PeakAboveBaseline / 1e6:N0} MB | | |");
        Console.WriteLine();
        Console.WriteLine($"check: Parquet.Net read {readNet.Checksum}");
        Console.WriteLine($"       DuckDB over Parquet.Net's file {duckOnNetRow}; over its own {duckOwn}");
    }

    private static async Task<(TimeSpan Elapsed, string Checksum)> BestAsync(Func<Task<(TimeSpan Elapsed, string Checksum)>> read)
    {
        var best = await read();
        for (var i = 1; i < ReadRepeats; i++)
        {
            var again = await read();
            best = again.Elapsed < best.Elapsed ? again : best;
        }

        return best;
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    private static string Ratio(TimeSpan a, TimeSpan b) => (a.TotalMilliseconds / b.TotalMilliseconds).ToString("N2", CultureInfo.InvariantCulture);
}
