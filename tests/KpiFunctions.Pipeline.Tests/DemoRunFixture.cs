using System.Text;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Local;
using KpiFunctions.Pipeline.Demo;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Local;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>
/// One demo run of twelve stores over twelve days (crossing the end of European and US summer time and a month
/// end, fetched from the 1st of the first month), run twice to check that a re-run writes the same KPIs.
/// </summary>
public sealed class DemoRunFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 5, 12, 0, 0, TimeSpan.Zero);
    public static readonly byte[] Salt = Encoding.UTF8.GetBytes("fixture-salt-7f3a9c1e5b");
    private readonly TempDirectory _dir = new();

    public SyntheticWorld World { get; private set; } = null!;

    public KpiStorage Storage { get; private set; } = null!;

    public PipelineOptions Options { get; } = new() { ReportingCurrency = "USD", ResponseWindows = DemoStores.ResponseWindows, MaxParallelStores = 3 };

    public DateOnly From { get; private set; }

    public DateOnly To { get; private set; }

    public DateOnly FetchFrom { get; private set; }

    public RunSummary First { get; private set; } = null!;

    public RunSummary Second { get; private set; } = null!;

    public IReadOnlyList<KpiDailyRow> FirstRows { get; private set; } = null!;

    public IReadOnlyList<KpiDailyRow> SecondRows { get; private set; } = null!;

    public Dictionary<string, byte[]> FirstKpiFiles { get; private set; } = null!;

    public Dictionary<string, byte[]> SecondKpiFiles { get; private set; } = null!;

    public string DataDirectory => _dir.Path;

    public async Task InitializeAsync()
    {
        var stores = DemoStores.Create(12);
        World = new SyntheticWorld(11, stores, Now, new BuyerIdHasher(Salt));
        Storage = KpiStorage.Embedded(_dir.Path);
        (_, To) = KpiFunctions.Pipeline.Activities.RunPlanner.NightlyWindow(Now, stores, 0);
        From = To.AddDays(-11);
        FetchFrom = StoreCalendar.MonthStart(From);
        await DemoSetup.SeedAsync(Storage, World, FetchFrom, To);

        var request = new RunRequest(From, To, [.. stores.Select(s => s.Id)], FetchFrom);
        First = await Runner(minutesLater: 1).RunAsync(request);
        FirstRows = await Rows();
        FirstKpiFiles = await KpiFiles();
        Second = await Runner(minutesLater: 2).RunAsync(request);
        SecondRows = await Rows();
        SecondKpiFiles = await KpiFiles();
    }

    public Task DisposeAsync()
    {
        (Storage.Tables as IDisposable)?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private LocalPipelineRunner Runner(int minutesLater) =>
        new(Storage, new SyntheticSource(World), new SyntheticFxSource(World), Options, new FixedTimeProvider(Now.AddMinutes(minutesLater)));

    private Task<IReadOnlyList<KpiDailyRow>> Rows() => new KpiDailyRepository(Storage.Tables, KpiCatalog.Default).QueryAsync(From, To);

    private async Task<Dictionary<string, byte[]>> KpiFiles()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var item in Storage.Blobs.ListAsync("curated/kpi_store_day/"))
        {
            await using var stream = await Storage.Blobs.OpenReadAsync(item.Path);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            files[item.Path] = copy.ToArray();
        }

        return files;
    }
}
