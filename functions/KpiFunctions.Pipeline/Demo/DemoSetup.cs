using KpiFunctions.Core.Calendar;
using KpiFunctions.Pipeline.Reference;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Sources.Synthetic;

namespace KpiFunctions.Pipeline.Demo;

/// <summary>Registers a synthetic world's stores, their monthly targets and unit costs, so a demo run has everything it needs.</summary>
public static class DemoSetup
{
    /// <summary>Registers the stores, writes targets for every month from <paramref name="from"/> to <paramref name="to"/> and imports the unit costs.</summary>
    public static async Task SeedAsync(KpiStorage storage, SyntheticWorld world, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(world);
        await storage.EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        await new StoreRegistry(storage.Tables).ImportAsync(world.Stores, cancellationToken).ConfigureAwait(false);
        var targets = new List<Core.Domain.MonthlyTarget>();
        foreach (var store in world.Stores)
        {
            for (var month = StoreCalendar.MonthStart(from); month <= to; month = month.AddMonths(1))
            {
                targets.Add(world.Target(store.Id, month));
            }
        }

        await new TargetRepository(storage.Tables).SaveAsync(targets, cancellationToken).ConfigureAwait(false);

        // The world's unit costs go in the way a seller's do, as a cost file through the import.
        var asOf = DateOnly.FromDateTime(world.AsOf.UtcDateTime);
        var costs = UnitCostFile.Write(world.Stores.SelectMany(s => world.Costs(s.Id, asOf.AddMonths(-15), asOf)));
        await new UnitCostImport(storage).ImportAsync(UnitCostImport.Read(costs, "demo unit costs"), "demo unit costs", cancellationToken).ConfigureAwait(false);
    }
}
