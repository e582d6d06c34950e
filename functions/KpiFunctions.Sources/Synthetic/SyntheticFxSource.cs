using KpiFunctions.Core.Fx;

namespace KpiFunctions.Sources.Synthetic;

/// <summary>The synthetic world's weekday-only FX rates as a rate source.</summary>
public sealed class SyntheticFxSource : IFxRateSource
{
    private readonly SyntheticWorld _world;

    /// <summary>Creates the source over a world.</summary>
    public SyntheticFxSource(SyntheticWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
    }

    /// <summary>The reporting currencies it has rates into, whatever the world's seed and stores.</summary>
    public static IReadOnlyCollection<string> ReportingCurrencies => Currencies.Supported;

    /// <inheritdoc />
    public Task<IReadOnlyList<FxRate>> GetRatesAsync(string reportingCurrency, IReadOnlyCollection<string> currencies, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(currencies);
        var wanted = currencies.ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<FxRate> rates = [.. _world.FxRates(reportingCurrency, from, to).Where(r => wanted.Contains(r.Currency))];
        return Task.FromResult(rates);
    }
}
