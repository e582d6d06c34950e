using System.Text;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Local;
using KpiFunctions.Pipeline.Demo;
using KpiFunctions.Pipeline.Local;
using KpiFunctions.Sources;
using KpiFunctions.Sources.Synthetic;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>A small embedded pipeline (a few demo stores) in its own temp folder.</summary>
internal sealed class Harness : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public string DataDirectory => _dir.Path;

    public Harness(int stores = 2)
    {
        Stores = DemoStores.Create(stores);
        World = new SyntheticWorld(5, Stores, Now, new BuyerIdHasher(Encoding.UTF8.GetBytes("harness-salt-0123456")));
        Time = new FixedTimeProvider(Now);

        // One clock for the test's world: queue delays and visibility move with it.
        Storage = KpiStorage.Embedded(_dir.Path, Time);
    }

    public IReadOnlyList<Store> Stores { get; }

    public SyntheticWorld World { get; }

    public KpiStorage Storage { get; init; }

    public FixedTimeProvider Time { get; }

    public PipelineOptions Options { get; init; } = new() { ResponseWindows = DemoStores.ResponseWindows, RetryFirstSeconds = 0.05, RetryBackoff = 1 };

    public Task SeedAsync(DateOnly from, DateOnly to) => DemoSetup.SeedAsync(Storage, World, from, to);

    public LocalPipelineRunner Runner(IStoreSource? source = null, IFxRateSource? fx = null) =>
        new(Storage, source ?? new SyntheticSource(World), fx ?? new SyntheticFxSource(World), Options, Time);

    public void Dispose()
    {
        (Storage.Tables as IDisposable)?.Dispose();
        _dir.Dispose();
    }
}
