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
/// Scenario runner for issue 21's figures: for each store count, <c>kpi run --demo</c> (the Release CLI, in its own
/// process, so its peak resident memory is its own) on a fresh embedded store, its wall time, peak RSS (the kernel's
/// high-water mark, VmHWM) and the CLI's own stage times; then DuckDB computing every store-day's base measures from
/// the same curated files (<c>bench/sql/base-measures.sql</c>), checked against the pipeline's measures, and the ratios.
/// Usage: dotnet run -c Release --project bench/KpiFunctions.Bench -- scale [--stores 12,60,120] [--days 30] [--parallel 2] [--keep]
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
        var root = RepoRoot.Find();
        var kpi = Path.Combine(root, "functions/KpiFunctions.Cli/bin/Release/net10.0/kpi.dll");
        if (!File.Exists(kpi))
        {
            Console.Error.WriteLine($"No Release build of the CLI at {kpi}; run: dotnet build -c Release functions/KpiFunctions.Cli");
            Environment.Exit(2);
        }

        var sql = await File.ReadAllTextAsync(Path.Combine(root, "bench/sql/base-measures.sql"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; kpi run --demo --days {days} --parallel {parallel}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Console.WriteLine("| stores | store-days | wall | store-days/s | peak RSS | RSS / 1 GiB | fetch | compute | alerts | publish | DuckDB base measures | compute / DuckDB | measures agree |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var count in stores)
        {
            var dir = Path.Combine(Path.GetTempPath(), $"kpi-scale-{count}x{days}-{Environment.ProcessId}");
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }

            var run = await RunCliAsync(kpi, dir, count, days, parallel);
            var (duck, check) = await DuckDbAsync(dir, sql);
            var storeDays = count * days;
            var compute = run.Stages.GetValueOrDefault("compute");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {count} | {storeDays:N0} | {run.Wall.TotalSeconds:0.0} s | {storeDays / run.Wall.TotalSeconds:0.0} | {run.PeakRss / (double)(1 << 20):N0} MiB | {run.PeakRss / (double)GiB:0.00} | {Seconds(run.Stages, "fetch")} | {Seconds(run.Stages, "compute")} | {Seconds(run.Stages, "alerts")} | {Seconds(run.Stages, "publish")} | {duck.TotalSeconds:0.0} s | {compute / duck.TotalSeconds:0.00} | {check} |"));
            if (!keep)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static string Seconds(Dictionary<string, double> stages, string name) =>
        stages.TryGetValue(name, out var s) ? s.ToString("0.0 's'", CultureInfo.InvariantCulture) : "–";

    private static string Option(string[] args, string name, string fallback)
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
    private static async Task<(TimeSpan Elapsed, string Check)> DuckDbAsync(string dir, string sql)
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
