using System.Diagnostics;
using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.Bench;

/// <summary>
/// The compute step alone, side by side with DuckDB, on the data folder of a finished run (for instance one
/// <c>kpi run --demo --stores 12 --data-dir DIR</c> left): every registered store over the days KpiDaily holds,
/// computed again <c>--rounds</c> times in this process, each round followed by DuckDB's base measures over the same
/// curated files, with the ratio. Quicker to repeat than the whole scale runner when working on the step. Usage:
/// dotnet run -c Release --project bench/KpiFunctions.Bench -- compute --data-dir DIR [--rounds 3] [--parallel 2].
/// </summary>
internal static class ComputeBench
{
    public static async Task RunAsync(string[] args)
    {
        var dir = ScaleBench.Option(args, "--data-dir", "");
        if (dir.Length == 0 || !Directory.Exists(dir))
        {
            Console.Error.WriteLine("Give the data folder of a finished run: compute --data-dir DIR [--rounds 3] [--parallel 2]");
            Environment.Exit(2);
        }

        var rounds = int.Parse(ScaleBench.Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        var parallel = int.Parse(ScaleBench.Option(args, "--parallel", "2"), CultureInfo.InvariantCulture);
        var sql = await File.ReadAllTextAsync(Path.Combine(Tests.Shared.RepoRoot.Find(), "bench/sql/base-measures.sql"));
        var storage = KpiStorage.Embedded(dir);
        var options = PipelineOptions.FromSettings(Environment.GetEnvironmentVariable, parallel: parallel);
        var stores = (await new StoreRegistry(storage.Tables).ListAsync()).Select(s => s.Id).ToArray();
        var rows = await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(new DateOnly(2000, 1, 1), new DateOnly(2100, 1, 1), null);
        if (rows.Count == 0)
        {
            Console.Error.WriteLine($"{dir} has no KPI rows; run kpi run --demo --data-dir {dir} first.");
            Environment.Exit(2);
        }

        var from = rows.Min(r => r.Date);
        var to = rows.Max(r => r.Date);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stores.Length} stores, {from:yyyy-MM-dd} to {to:yyyy-MM-dd} ({rows.Count:N0} KPI rows), {parallel} at once, {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC (the CLI's is server: run with DOTNET_gcServer=1 to match it)"));
        Console.WriteLine("| round | compute | DuckDB base measures | compute / DuckDB | measures agree |\n|---|---|---|---|---|");
        for (var round = 1; round <= rounds; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            var paused = GC.GetTotalPauseDuration();
            var allocated = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            var result = await new ComputeKpisStep(storage, options).ComputeAsync(new ComputeRequest(from, to, stores));
            clock.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            jit = System.Runtime.JitInfo.GetCompilationTime() - jit;
            jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
            paused = GC.GetTotalPauseDuration() - paused;
            allocated = GC.GetTotalAllocatedBytes() - allocated;
            var (duck, check) = await ScaleBench.DuckDbAsync(dir, sql);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {round} | {clock.Elapsed.TotalSeconds:0.00} s ({result.KpiRows:N0} rows, {cpu.TotalSeconds / clock.Elapsed.TotalSeconds:0.0} cores busy, JIT {jit.TotalSeconds:0.00} s for {jitted:N0} methods, GC pauses {paused.TotalSeconds:0.00} s, {allocated / (1 << 20):N0} MiB allocated) | {duck.TotalSeconds:0.00} s | {clock.Elapsed.TotalSeconds / duck.TotalSeconds:0.00} | {check} |"));
        }
    }
}
