using System.Globalization;

namespace KpiFunctions.Core.Fx;

/// <summary>
/// Daily rates into one reporting currency. A day without a rate uses the latest earlier rate
/// for at most <see cref="MaxCarryForwardDays"/> days (flagged); past that the value is missing.
/// </summary>
public sealed class FxRateBook
{
    private readonly Dictionary<string, SortedList<DateOnly, decimal>> _rates = new(StringComparer.Ordinal);

    /// <summary>Creates a book of rates into <paramref name="reportingCurrency"/>.</summary>
    public FxRateBook(string reportingCurrency, IEnumerable<FxRate> rates, int maxCarryForwardDays = 7)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportingCurrency);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCarryForwardDays);
        ReportingCurrency = reportingCurrency;
        MaxCarryForwardDays = maxCarryForwardDays;
        foreach (var rate in rates)
        {
            if (rate.RateToReporting <= 0)
            {
                throw new ArgumentException(
                    $"FX rate {rate.Currency}->{reportingCurrency} on {rate.Date:yyyy-MM-dd} is {rate.RateToReporting}; rates must be positive.",
                    nameof(rates));
            }

            if (!_rates.TryGetValue(rate.Currency, out var series))
            {
                series = [];
                _rates.Add(rate.Currency, series);
            }

            series[rate.Date] = rate.RateToReporting;
        }
    }

    /// <summary>The currency every rate converts into.</summary>
    public string ReportingCurrency { get; }

    /// <summary>How many days an earlier rate may stand in for a missing one.</summary>
    public int MaxCarryForwardDays { get; }

    /// <summary>Finds the rate for a currency on a day.</summary>
    public FxLookup Lookup(string currency, DateOnly date)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        if (string.Equals(currency, ReportingCurrency, StringComparison.Ordinal))
        {
            return new FxLookup(1m, date, FxStatus.Same, null);
        }

        if (!_rates.TryGetValue(currency, out var series) || series.Count == 0)
        {
            return Missing($"no {currency}->{ReportingCurrency} rate at all");
        }

        var index = LastIndexAtOrBefore(series.Keys, date);
        if (index < 0)
        {
            return Missing(string.Create(CultureInfo.InvariantCulture,
                $"no {currency}->{ReportingCurrency} rate on or before {date:yyyy-MM-dd}"));
        }

        var rateDate = series.Keys[index];
        var gap = date.DayNumber - rateDate.DayNumber;
        if (gap == 0)
        {
            return new FxLookup(series.Values[index], rateDate, FxStatus.Exact, null);
        }

        if (gap <= MaxCarryForwardDays)
        {
            return new FxLookup(series.Values[index], rateDate, FxStatus.CarriedForward, string.Create(CultureInfo.InvariantCulture,
                $"{currency}->{ReportingCurrency} rate of {rateDate:yyyy-MM-dd} carried forward {gap} day(s)"));
        }

        return Missing(string.Create(CultureInfo.InvariantCulture,
            $"{currency}->{ReportingCurrency} rate missing for {gap} days (last {rateDate:yyyy-MM-dd}; limit {MaxCarryForwardDays})"));
    }

    private static FxLookup Missing(string reason) => new(null, null, FxStatus.Missing, reason);

    private static int LastIndexAtOrBefore(IList<DateOnly> keys, DateOnly date)
    {
        int lo = 0, hi = keys.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (keys[mid] <= date)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
