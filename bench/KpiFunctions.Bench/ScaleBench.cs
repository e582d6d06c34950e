using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Bench;

/// <summary>
/// Scenario runner for issue 21's figures, all in one run: for each store count, <c>kpi run --demo</c> (the Release
/// CLI, in its own process, so its peak resident memory is its own) on a fresh embedded store, its wall time, peak RSS
/// (the kernel's high-water mark, VmHWM) and the CLI's own stage times; then DuckDB computing every store-day's base
/// measures from the same curated files (<c>bench/sql/base-measures.sql</c>), checked against the pipeline's measures,
/// and the ratios. Then, with the largest store count: a nightly run (<c>--nightly-days</c>) on the kept store of
/// <c>--days</c> of history; a backfill of <c>--backfill-days</c> on a fresh store (chunked as KPI_BACKFILL_CHUNK_DAYS
/// says); the same nightly run on it; the two nightly publish times and their ratio; and the alert retention in force
/// with the oldest alert kept. Usage: dotnet run -c Release --project bench/KpiFunctions.Bench -- scale
/// [--stores 12,60,120] [--days 30] [--parallel 2] [--backfill-days 365] [--nightly-days 3] [--no-backfill] [--keep]
/// (build the CLI first: dotnet build -c Release functions/KpiFunctions.Cli).
/// </summary>
internal static partial class ScaleBench
{
    private const long GiB = 1L << 30;

    public static async Task RunAsync(string[] args)
    {
        var stores = Option(args, "--stores", "12,60,120").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var days = int.Parse(Option(args, "--days", "30"), CultureInfo.InvariantCulture);
        var parallel = int.Parse(Option(args, "--parallel", "2"), CultureInfo.InvariantCulture);
        var keep = args.Contains("--keep");
        var backfillDays = args.Contains("--no-backfill") ? 0 : int.Parse(Option(args, "--backfill-days", "365"), CultureInfo.InvariantCulture);
        var nightlyDays = int.Parse(Option(args, "--nightly-days", "3"), CultureInfo.InvariantCulture);
        var options = PipelineOptions.FromSettings(Environment.GetEnvironmentVariable);
        var summary = new List<string>();
        var root = RepoRoot.Find();
        var kpi = Path.Combine(root, "functions/KpiFunctions.Cli/bin/Release/net10.0/kpi.dll");
        if (!File.Exists(kpi))
        {
            Console.Error.WriteLine($"No Release build of the CLI at {kpi}; run: dotnet build -c Release functions/KpiFunctions.Cli");
            Environment.Exit(2);
        }

        var sql = await File.ReadAllTextAsync(Path.Combine(root, "bench/sql/base-measures.sql"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {MemoryGiB():0} GiB, {Environment.OSVersion}, .NET {Environment.Version}; kpi run --demo --days {days} --parallel {parallel}; chunks of {options.BackfillChunkDays} days; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Console.WriteLine("| stores | store-days | wall | store-days/s | peak RSS | RSS / 1 GiB | fetch | compute | alerts | publish | DuckDB base measures | compute / DuckDB | measures agree |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var largest = stores.Max();
        string? history = null;
        foreach (var count in stores)
        {
            var dir = FreshDirectory($"kpi-scale-{count}x{days}");
            var run = await RunCliAsync(kpi, dir, count, days, parallel);
            var (duck, check) = await DuckDbAsync(dir, sql);
            var storeDays = count * days;
            var compute = run.Stages.GetValueOrDefault("compute");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {count} | {storeDays:N0} | {run.Wall.TotalSeconds:0.0} s | {storeDays / run.Wall.TotalSeconds:0.0} | {run.PeakRss / (double)(1 << 20):N0} MiB | {run.PeakRss / (double)GiB:0.00} | {Seconds(run.Stages, "fetch")} | {Seconds(run.Stages, "compute")} | {Seconds(run.Stages, "alerts")} | {Seconds(run.Stages, "publish")} | {duck.TotalSeconds:0.0} s | {compute / duck.TotalSeconds:0.00} | {check} |"));
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"| peak RSS, {count} stores × {days} days | {run.PeakRss / (double)(1 << 20):N0} MiB | 1 GiB | {run.PeakRss / (double)GiB:0.00} |"));
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"| compute vs DuckDB, {count} stores × {days} days | {compute:0.0} s vs {duck.TotalSeconds:0.0} s | ≤ 1.5 | {compute / duck.TotalSeconds:0.00} |"));
            if (count == largest && history is null)
            {
                history = dir; // the nightly run below goes on it
            }
            else
            {
                Remove(dir, keep);
            }
        }

        var nightly = await RunCliAsync(kpi, history!, largest, nightlyDays, parallel);
        Remove(history!, keep);
        var publishShort = nightly.Stages.GetValueOrDefault("publish");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nNightly run ({largest} stores, --days {nightlyDays}) after {days} days of history: wall {nightly.Wall.TotalSeconds:0.0} s, publish {publishShort:0.00} s, peak RSS {nightly.PeakRss / (double)(1 << 20):N0} MiB"));
        if (backfillDays > 0)
        {
            var dir = FreshDirectory($"kpi-scale-{largest}x{backfillDays}");
            var backfill = await RunCliAsync(kpi, dir, largest, backfillDays, parallel);
            var storeDays = largest * backfillDays;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backfill {largest} stores × {backfillDays} days in chunks of {options.BackfillChunkDays}: wall {backfill.Wall.TotalSeconds:0} s, {storeDays / backfill.Wall.TotalSeconds:0.0} store-days/s, peak RSS {backfill.PeakRss / (double)(1 << 20):N0} MiB, publish {Seconds(backfill.Stages, "publish")}"));
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"| backfill {largest} × {backfillDays}: wall | {backfill.Wall.TotalSeconds:0} s ({storeDays / backfill.Wall.TotalSeconds:0.0} store-days/s) | completes | – |"));
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"| backfill {largest} × {backfillDays}: peak RSS | {backfill.PeakRss / (double)(1 << 20):N0} MiB | 1 GiB | {backfill.PeakRss / (double)GiB:0.00} |"));

            var after = await RunCliAsync(kpi, dir, largest, nightlyDays, parallel);
            var publishLong = after.Stages.GetValueOrDefault("publish");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Nightly run ({largest} stores, --days {nightlyDays}) after {backfillDays} days of history: wall {after.Wall.TotalSeconds:0.0} s, publish {publishLong:0.00} s, peak RSS {after.PeakRss / (double)(1 << 20):N0} MiB"));
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"| nightly publish after {backfillDays} vs {days} days of history | {publishLong:0.00} s vs {publishShort:0.00} s | ≈ 1 | {publishLong / publishShort:0.00} |"));

            var alerts = await Pipeline.Alerts.AlertsStep.ListAsync(KpiStorage.Embedded(dir).Tables);
            var keptFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-options.AlertRetentionDays);
            summary.Add(string.Create(CultureInfo.InvariantCulture,
                $"| alert retention (KPI_ALERT_RETENTION_DAYS) | {options.AlertRetentionDays} days: {alerts.Count:N0} alerts kept, oldest {(alerts.Count == 0 ? "none" : alerts.Min(a => a.Date).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))} | none before {keptFrom:yyyy-MM-dd} | {(alerts.All(a => a.Date >= keptFrom) ? "held" : "NOT held")} |"));
            history = dir; // removed after the figures are printed: a year of files takes minutes to delete
        }
        else
        {
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"| alert retention (KPI_ALERT_RETENTION_DAYS) | {options.AlertRetentionDays} days | – | – |"));
        }

        Console.WriteLine("\nIssue 21's figures:\n\n| figure | measured | target | ratio |\n|---|---|---|---|");
        summary.ForEach(Console.WriteLine);
        if (backfillDays > 0)
        {
            Remove(history!, keep);
        }
    }

    private static string FreshDirectory(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{name}-{Environment.ProcessId}");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        return dir;
    }

    private static void Remove(string dir, bool keep)
    {
        if (!keep)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The machine's memory, from /proc/meminfo (0 where there is none).</summary>
    private static double MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024d / GiB;
    }

    private static string Seconds(Dictionary<string, double> stages, string name) =>
        stages.TryGetValue(name, out var s) ? s.ToString("0.0 's'", CultureInfo.InvariantCulture) : "–";

    internal static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static async Task<CliRun> RunCliAsync(string kpi, string dir, int stores, int days, int parallel)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["NO_COLOR"] = "1", ["TERM"] = "dumb" },
        };
        foreach (var a in new[] { kpi, "run", "--demo", "--stores", stores.ToString(CultureInfo.InvariantCulture), "--days", days.ToString(CultureInfo.InvariantCulture), "--parallel", parallel.ToString(CultureInfo.InvariantCulture), "--data-dir", dir })
        {
            start.ArgumentList.Add(a);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            // VmHWM is the process's peak resident set so far; the last reading before exit is its peak.
            peak = Math.Max(peak, HighWaterMark(process.Id));
            await Task.Delay(100);
        }

        await process.WaitForExitAsync();
        clock.Stop();
        var text = await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kpi run exited {process.ExitCode}: {text[Math.Max(0, text.Length - 2000)..]}{await errors}");
        }

        var stages = new Dictionary<string, double>(StringComparer.Ordinal);
        if (StageLine().Match(text) is { Success: true } line)
        {
            foreach (Match m in StagePart().Matches(line.Groups[1].Value))
            {
                stages[m.Groups[1].Value] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return new CliRun(clock.Elapsed, peak, stages);
    }

    private static long HighWaterMark(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process ended between the check and the read.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

    /// <summary>Times the SQL script over the run's curated files (DuckDB on every core) and checks its measures against the KPI table's.</summary>
    internal static async Task<(TimeSpan Elapsed, string Check)> DuckDbAsync(string dir, string sql)
    {
        var blobs = Path.Combine(dir, "blobs").Replace("'", "''", StringComparison.Ordinal);
        var ours = new Dictionary<(string, DateOnly), Dictionary<string, decimal?>>();
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql.Replace("{blobs}", blobs, StringComparison.Ordinal);
            var clock = Stopwatch.StartNew();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var measures = new Dictionary<string, decimal?>(StringComparer.Ordinal);
                for (var i = 2; i < reader.FieldCount; i++)
                {
                    measures[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                    {
                        System.Numerics.BigInteger big => (decimal)big, // sums of BIGINT are HUGEINT
                        var v => Convert.ToDecimal(v, CultureInfo.InvariantCulture),
                    };
                }

                ours[(reader.GetString(0), DateOnly.FromDateTime(reader.GetDateTime(1)))] = measures;
            }

            clock.Stop();
            var rows = await new KpiDailyRepository(KpiStorage.Embedded(dir).Tables, KpiCatalog.Default).QueryAsync(new DateOnly(2000, 1, 1), new DateOnly(2100, 1, 1), null);
            string[] compared = ["gmv", "gmv_orders", "paid_orders", "cancelled_orders", "buyer_days", "units", "cogs", "platform_fees", "affiliate_commission", "refund_amount", "returned_orders", "live_gmv", "ad_spend", "ads_attributed_gmv", "chats", "reviews"];
            var mismatches = new List<string>();
            foreach (var row in rows)
            {
                if (!ours.TryGetValue((row.StoreId, row.Date), out var duck))
                {
                    mismatches.Add($"{row.StoreId} {row.Date:yyyy-MM-dd}: no row from DuckDB");
                    continue;
                }

                foreach (var id in compared)
                {
                    if (row.Measures.GetValueOrDefault(id) != duck.GetValueOrDefault(id))
                    {
                        mismatches.Add($"{row.StoreId} {row.Date:yyyy-MM-dd} {id}: pipeline {row.Measures.GetValueOrDefault(id)}, DuckDB {duck.GetValueOrDefault(id)}");
                    }
                }
            }

            if (mismatches.Count > 0)
            {
                Console.Error.WriteLine($"{mismatches.Count} measure(s) differ, e.g.:\n  " + string.Join("\n  ", mismatches.Take(10)));
            }

            return (clock.Elapsed, mismatches.Count == 0 ? $"yes ({rows.Count:N0} store-days × {compared.Length})" : $"NO ({mismatches.Count} differ)");
        }
    }

    [GeneratedRegex(@"Time: (.*?) \(run")]
    private static partial Regex StageLine();

    [GeneratedRegex(@"(fetch|compute|alerts|publish) ([0-9.]+) s")]
    private static partial Regex StagePart();

    private sealed record CliRun(TimeSpan Wall, long PeakRss, Dictionary<string, double> Stages);
}
