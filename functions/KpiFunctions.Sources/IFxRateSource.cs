using KpiFunctions.Core.Fx;

namespace KpiFunctions.Sources;

/// <summary>Where daily FX rates come from.</summary>
public interface IFxRateSource
{
    /// <summary>Rates from each currency into the reporting currency for the days given (days without a rate are simply absent).</summary>
    Task<IReadOnlyList<FxRate>> GetRatesAsync(string reportingCurrency, IReadOnlyCollection<string> currencies, DateOnly from, DateOnly to, CancellationToken cancellationToken = default);
}
