using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Core.Alerts;

/// <summary>How serious an alert is.</summary>
public enum AlertSeverity
{
    /// <summary>Worth a look: the KPI is red, or unusually bad for the store (robust z of 3 or more).</summary>
    Warning,

    /// <summary>Act now: far out of the store's own range (robust z of 5 or more), or unusually bad and red at once.</summary>
    Critical,
}

/// <summary>One KPI of one store-day that looks wrong.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="KpiId">The KPI.</param>
/// <param name="Value">Its value.</param>
/// <param name="Baseline">Median of the same weekday over the recent weeks, or null when the history is too short.</param>
/// <param name="Mad">Median absolute deviation of that history, or null.</param>
/// <param name="Deviation">Robust z: (value − baseline) / spread (1.4826 × MAD, or 1.2533 × the mean absolute deviation when the MAD is 0); null without a baseline or when the history does not vary at all.</param>
/// <param name="Severity">How serious.</param>
/// <param name="Reason">Why it is an alert, in a sentence.</param>
public sealed record KpiAlert(string StoreId, DateOnly Date, string KpiId, decimal Value, decimal? Baseline, decimal? Mad, decimal? Deviation, AlertSeverity Severity, string Reason);

/// <summary>
/// Anomaly detection against a store's own history: the baseline of a store-day's KPI is the median of the same
/// weekday over the last <see cref="Weeks"/> weeks, its spread the median absolute deviation (MAD), both robust to
/// the odd promotion day. A value is unusual when its robust z, (value − median) / (1.4826 × MAD), is 3 or more in the
/// KPI's bad direction (1.4826 makes the MAD comparable to a standard deviation for normal data). A red RAG status
/// (on the thresholds in force: the store's own, else the catalog's) is an alert too. Good surprises are not alerts.
/// </summary>
public static class AnomalyDetector
{
    /// <summary>Weeks of same-weekday history the baseline looks back over.</summary>
    public const int Weeks = 6;

    /// <summary>Fewest same-weekday values a baseline needs.</summary>
    public const int MinHistory = 4;

    /// <summary>Robust z from which a bad move is a warning.</summary>
    public const decimal WarningZ = 3m;

    /// <summary>Robust z from which a bad move is critical.</summary>
    public const decimal CriticalZ = 5m;

    /// <summary>Scales the MAD to a standard deviation's size for normally distributed data.</summary>
    public const decimal MadScale = 1.4826m;

    /// <summary>The median of some values (the mean of the middle two for an even count).</summary>
    public static decimal Median(IReadOnlyList<decimal> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The median absolute deviation from the median.</summary>
    public static decimal Mad(IReadOnlyList<decimal> values)
    {
        var median = Median(values);
        return Median([.. values.Select(v => Math.Abs(v - median))]);
    }

    /// <summary>Scales the mean absolute deviation to a standard deviation's size (√(π/2)), the fallback when the MAD is 0.</summary>
    public const decimal MeanDeviationScale = 1.2533m;

    /// <summary>
    /// The spread a z is measured in: 1.4826 × MAD; when half or more of the history is one value (MAD 0, as for a
    /// refund rate that is usually 0, or orders of 5 nearly every week), 1.2533 × the mean absolute deviation from the
    /// median, so a real move still shows; null when every value is the same.
    /// </summary>
    public static decimal? Spread(IReadOnlyList<decimal> values, decimal median, decimal mad)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (mad > 0)
        {
            return MadScale * mad;
        }

        var mean = values.Average(v => Math.Abs(v - median));
        return mean > 0 ? MeanDeviationScale * mean : null;
    }

    /// <summary>
    /// The alert for one store-day's KPI, or null when nothing is wrong. <paramref name="sameWeekday"/> holds the
    /// KPI's values on the same weekday of earlier weeks (those with a value), <paramref name="red"/> whether the
    /// RAG status is red.
    /// </summary>
    public static KpiAlert? Check(string storeId, DateOnly date, KpiDefinition kpi, decimal value, IReadOnlyList<decimal> sameWeekday, bool red)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        ArgumentNullException.ThrowIfNull(sameWeekday);
        decimal? baseline = null, mad = null, z = null;
        if (sameWeekday.Count >= MinHistory)
        {
            baseline = Median(sameWeekday);
            mad = Mad(sameWeekday);
            if (Spread(sameWeekday, baseline.Value, mad.Value) is { } spread)
            {
                z = decimal.Round((value - baseline.Value) / spread, 4, MidpointRounding.ToEven);
            }
        }

        // Only a move in the bad direction counts; a history with no spread at all flags nothing by itself.
        decimal? bad = z is { } d ? (kpi.Direction == KpiDirection.HigherIsBetter ? -d : d) : null;
        var unusual = bad >= WarningZ;
        if (!unusual && !red)
        {
            return null;
        }

        // Stored like every KPI figure: 6 decimals (a median of an even count, or a MAD, can have more).
        baseline = baseline is { } b ? decimal.Round(b, 6, MidpointRounding.ToEven) : null;
        mad = mad is { } m ? decimal.Round(m, 6, MidpointRounding.ToEven) : null;
        var severity = bad >= CriticalZ || (unusual && red) ? AlertSeverity.Critical : AlertSeverity.Warning;
        var reason = unusual
            ? FormattableString.Invariant($"{kpi.Id} is {value} against a usual {baseline} on this weekday (robust z {z}){(red ? "; and red on its thresholds" : "")}")
            : FormattableString.Invariant($"{kpi.Id} is {value}: turned red on its thresholds");
        return new KpiAlert(storeId, date, kpi.Id, value, baseline, mad, z, severity, reason);
    }
}
