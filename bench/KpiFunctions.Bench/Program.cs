using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KpiFunctions.Bench;
using KpiFunctions.Parquet.Reader;
using KpiFunctions.Parquet.Schema;
using KpiFunctions.Parquet.Writer;

if (args is ["tiktok", ..])
{
    await TikTokBench.RunAsync(args[1..]);
    return;
}

if (args is ["storage", ..])
{
    await StorageBench.RunAsync(args[1..]);
    return;
}

// Scenario runner: write and read N order_lines-shaped rows with our library and with DuckDB (threads=1, SNAPPY)
// on this machine, in one run, and print the figures and ratios. Usage: dotnet run -c Release -- [rows] [work dir]
var rows = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
var work = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "kpi-bench");
Directory.CreateDirectory(work);
var ours = Path.Combine(work, "ours.parquet");
var duck = Path.Combine(work, "duckdb.parquet");
var tools = FindTools();
var options = new ParquetWriterOptions();

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; rows: {rows:N0}; row group buffer: {options.RowGroupSizeBytes / (1024 * 1024)} MiB");

// Warm up both sides once on a small file (JIT of our write and read paths, DuckDB's load), as
// BenchmarkDotNet would, so the first measured run is not tier-0 code.
await WriteOursAsync(Path.Combine(work, "warm.parquet"), 200_000, options, null);
await ReadOursAsync(Path.Combine(work, "warm.parquet"));
Duck($"COPY ({OrderLinesData.Sql(200_000)}) TO '{Path.Combine(work, "warm-duck.parquet")}' (FORMAT parquet, COMPRESSION snappy)");

var sampler = new PeakSampler(collect: false);
var writeOurs = await WriteOursAsync(ours, rows, options, sampler);

// A second, untimed write measures live memory: the sampler forces a collection before each reading, so garbage
// the collector has not reclaimed yet does not count.
var live = new PeakSampler(collect: true);
await WriteOursAsync(Path.Combine(work, "ours-live.parquet"), rows, options, live);
var writeDuck = Duck($"COPY ({OrderLinesData.Sql(rows)}) TO '{duck}' (FORMAT parquet, COMPRESSION snappy)");
// Reads are short, so each side reads three times and the best time counts (a 2-core VM is noisy).
const int ReadRepeats = 3;
var readOurs = await ReadOursAsync(ours);
for (var i = 1; i < ReadRepeats; i++)
{
    var again = await ReadOursAsync(ours);
    readOurs = again.Elapsed < readOurs.Elapsed ? again : readOurs;
}

string SumSql(string file) =>
    $"SELECT sum(strlen(store_id) + strlen(order_id) + strlen(line_id) + strlen(sku_id) + strlen(product_id) + strlen(product_name)) AS chars, sum(quantity) AS q, sum(sale_price) AS s, sum(original_price) AS o FROM read_parquet('{file}')";
var readDuck = Enumerable.Range(0, ReadRepeats).Select(_ => Duck(SumSql(ours))).Min();
var readDuckOwn = Enumerable.Range(0, ReadRepeats).Select(_ => Duck(SumSql(duck))).Min();
var sizeOurs = new FileInfo(ours).Length;
var sizeDuck = new FileInfo(duck).Length;

Console.WriteLine();
Console.WriteLine("| what | ours | DuckDB (1 thread) | ratio ours/DuckDB | bar |");
Console.WriteLine("|---|---|---|---|---|");
Line("write", writeOurs, writeDuck, 1.5);
Line("full read (all columns), best of 3", readOurs.Elapsed, readDuckOwn, 1.5);
Console.WriteLine($"| file size | {sizeOurs / 1e6:N1} MB | {sizeDuck / 1e6:N1} MB | {(double)sizeOurs / sizeDuck:N2} | within 15 % ({Pass(Math.Abs(((double)sizeOurs / sizeDuck) - 1) <= 0.15)}) |");
Console.WriteLine($"| peak live managed memory while writing, above baseline | {live.PeakAboveBaseline / 1e6:N0} MB | | {(double)live.PeakAboveBaseline / options.RowGroupSizeBytes:N2} × row-group buffer | < 2× ({Pass(live.PeakAboveBaseline < 2 * options.RowGroupSizeBytes)}) |");
Console.WriteLine($"| peak managed heap while writing, garbage included | {sampler.PeakAboveBaseline / 1e6:N0} MB | | {(double)sampler.PeakAboveBaseline / options.RowGroupSizeBytes:N2} × row-group buffer | (for reference) |");
Console.WriteLine($"| DuckDB reading our file | | {readDuck.TotalMilliseconds:N0} ms | | |");
Console.WriteLine();
Console.WriteLine($"check: our read {readOurs.Checksum}, DuckDB over our file and over its own agree on sums: {Json(readDuck)} / {Json(readDuckOwn)}");

void Line(string what, TimeSpan o, TimeSpan d, double bar)
{
    var ratio = o.TotalMilliseconds / d.TotalMilliseconds;
    Console.WriteLine($"| {what} | {o.TotalMilliseconds:N0} ms, {rows / o.TotalSeconds / 1e6:N2} M rows/s, {sizeOurs / o.TotalSeconds / 1e6:N0} MB/s | {d.TotalMilliseconds:N0} ms, {rows / d.TotalSeconds / 1e6:N2} M rows/s | {ratio:N2} | ≤ {bar} ({Pass(ratio <= bar)}) |");
}

static string Pass(bool ok) => ok ? "met" : "NOT met";

string? lastJson = null;
string Json(TimeSpan _) => lastJson ?? "";

TimeSpan Duck(string sql)
{
    var start = new ProcessStartInfo("node") { WorkingDirectory = tools, RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add("parquet.mjs");
    start.ArgumentList.Add("duckdb-time");
    start.ArgumentList.Add(sql);
    using var p = Process.Start(start)!;
    var output = p.StandardOutput.ReadToEnd();
    var error = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0)
    {
        throw new InvalidOperationException("DuckDB failed: " + error);
    }

    using var doc = JsonDocument.Parse(output);
    lastJson = doc.RootElement.GetProperty("rows").GetRawText();
    return TimeSpan.FromMilliseconds(doc.RootElement.GetProperty("ms").GetDouble());
}

static async Task<TimeSpan> WriteOursAsync(string path, long rows, ParquetWriterOptions options, PeakSampler? sampler)
{
    var schema = new ParquetSchema(
        new ParquetField("store_id", ParquetType.String), new ParquetField("order_id", ParquetType.String), new ParquetField("line_id", ParquetType.String),
        new ParquetField("sku_id", ParquetType.String), new ParquetField("product_id", ParquetType.String), new ParquetField("product_name", ParquetType.String),
        new ParquetField("quantity", ParquetType.Int32), ParquetField.Decimal("sale_price", 18, 4), ParquetField.Decimal("original_price", 18, 4));
    GC.Collect();
    sampler?.Start();
    var clock = Stopwatch.StartNew();
    await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
    await using (var w = new ParquetWriter(file, schema, options))
    {
        var c0 = w.Column<string>(0); var c1 = w.Column<string>(1); var c2 = w.Column<string>(2); var c3 = w.Column<string>(3);
        var c4 = w.Column<string>(4); var c5 = w.Column<string>(5); var c6 = w.Column<int>(6); var c7 = w.Column<decimal>(7); var c8 = w.Column<decimal>(8);
        for (long i = 0; i < rows; i++)
        {
            c0.Write(OrderLinesData.StoreId(i)); c1.Write(OrderLinesData.OrderId(i)); c2.Write(OrderLinesData.LineId(i));
            c3.Write(OrderLinesData.SkuId(i)); c4.Write(OrderLinesData.ProductId(i)); c5.Write(OrderLinesData.ProductName(i));
            c6.Write(OrderLinesData.Quantity(i)); c7.Write(OrderLinesData.SalePrice(i)); c8.Write(OrderLinesData.OriginalPrice(i));
            if ((i & 1023) == 0 && w.RowGroupFull)
            {
                await w.FlushAsync();
            }
        }
    }

    clock.Stop();
    sampler?.Stop();
    return clock.Elapsed;
}

static async Task<(TimeSpan Elapsed, string Checksum)> ReadOursAsync(string path)
{
    GC.Collect();
    var clock = Stopwatch.StartNew();
    long chars = 0, quantity = 0;
    decimal sale = 0, original = 0;
    await using (var reader = await ParquetReader.OpenAsync(File.OpenRead(path)))
    {
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            var columns = await reader.ReadRowGroupAsync(g);
            // Strings are read as UTF-8 (as DuckDB keeps them); GetValues<string>() would make .NET strings on top.
            for (var c = 0; c < 6; c++)
            {
                for (var r = 0; r < columns[c].Count; r++)
                {
                    chars += columns[c].GetUtf8(r).Length;
                }
            }

            foreach (var q in columns[6].GetValues<int>())
            {
                quantity += q;
            }

            // Decimals summed as unscaled integers, as DuckDB sums them; converted once at the end.
            long saleUnscaled = 0, originalUnscaled = 0;
            foreach (var v in columns[7].UnscaledValues)
            {
                saleUnscaled += v;
            }

            foreach (var v in columns[8].UnscaledValues)
            {
                originalUnscaled += v;
            }

            sale += saleUnscaled / 10_000m;
            original += originalUnscaled / 10_000m;
        }
    }

    clock.Stop();
    return (clock.Elapsed, string.Create(CultureInfo.InvariantCulture, $"chars {chars}, q {quantity}, s {sale}, o {original}"));
}

static string FindTools()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "tools");
        if (File.Exists(Path.Combine(candidate, "parquet.mjs")))
        {
            return candidate;
        }
    }

    throw new InvalidOperationException("tools/parquet.mjs not found; run from the repository (and 'npm install' in tools/).");
}

/// <summary>Samples the managed heap every few milliseconds and keeps the peak above the starting level.</summary>
internal sealed class PeakSampler(bool collect)
{
    private long _baseline;
    private long _peak;
    private volatile bool _running;
    private Thread? _thread;

    public long PeakAboveBaseline => Math.Max(0, _peak - _baseline);

    public void Start()
    {
        _baseline = GC.GetTotalMemory(collect);
        _peak = _baseline;
        _running = true;
        _thread = new Thread(() =>
        {
            while (_running)
            {
                _peak = Math.Max(_peak, GC.GetTotalMemory(collect));
                Thread.Sleep(collect ? 50 : 5);
            }
        })
        { IsBackground = true };
        _thread.Start();
    }

    public void Stop()
    {
        _running = false;
        _thread?.Join();
    }
}
