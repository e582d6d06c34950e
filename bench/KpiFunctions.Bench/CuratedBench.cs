using System.Diagnostics;
using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Kpis;

namespace KpiFunctions.Bench;

/// <summary>
/// Scenario runner for the pipeline's own Parquet path, where files are small (a store-day each) and per-file costs
/// count: every file of a few curated datasets of a finished run (e.g. <c>kpi run --demo --data-dir DIR</c>) read
/// through the dataset's table and written back, three rounds, with the times and bytes of each.
/// Usage: dotnet run -c Release -- curated DIR (the folder holding blobs/).
/// </summary>
internal static class CuratedBench
{
    public static async Task RunAsync(string[] args)
    {
        var blobs = Path.Combine(args.Length > 0 ? args[0] : ".kpi-data", "blobs");
        Console.WriteLine("| dataset | files | rows | read (best of 3) | write (best of 3) | bytes written | bytes found |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        await RunAsync(blobs, CuratedTables.Orders);
        await RunAsync(blobs, CuratedTables.OrderLines);
        await RunAsync(blobs, KpiStoreDayTable.Create(KpiCatalog.Default));
        await RunAsync(blobs, DetailFacts.ProductDays);
        await RunAsync(blobs, CuratedTables.TrafficDaily);
    }

    private static async Task RunAsync<T>(string blobs, CuratedTable<T> table)
    {
        var files = Directory.GetFiles(Path.Combine(blobs, "curated", table.Name), "*.parquet", SearchOption.AllDirectories);
        var found = files.Select(File.ReadAllBytes).ToArray();
        var rows = new List<IReadOnlyList<T>>();
        TimeSpan read = TimeSpan.MaxValue, write = TimeSpan.MaxValue;
        long written = 0;
        for (var round = 0; round < 3; round++)
        {
            rows.Clear();
            var clock = Stopwatch.StartNew();
            foreach (var bytes in found)
            {
                using var stream = new MemoryStream(bytes);
                rows.Add(await table.ReadAsync(stream, table.Name));
            }

            read = Min(read, clock.Elapsed);
            clock.Restart();
            written = 0;
            foreach (var set in rows)
            {
                written += (await table.WriteAsync(set)).Length;
            }

            write = Min(write, clock.Elapsed);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {table.Name} | {files.Length:N0} | {rows.Sum(r => r.Count):N0} | {read.TotalMilliseconds:N0} ms | {write.TotalMilliseconds:N0} ms | {written:N0} | {found.Sum(b => (long)b.Length):N0} |"));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
