using System.Globalization;
using KpiFunctions.Core.Calendar;

namespace KpiFunctions.Core.Engine;

/// <summary>How store-days are grouped before KPIs are recomputed from their summed measures.</summary>
/// <param name="Name">Name for messages.</param>
/// <param name="KeyOf">The group a store-day belongs to.</param>
public sealed record KpiGrouping(string Name, Func<StoreDayMeasures, string> KeyOf)
{
    /// <summary>One group per store and day.</summary>
    public static KpiGrouping StoreDay { get; } = new("store-day", r => $"{r.StoreId}|{StoreCalendar.Format(r.Date)}");

    /// <summary>One group per store and ISO week.</summary>
    public static KpiGrouping StoreWeek { get; } = new("store-week", r => $"{r.StoreId}|{StoreCalendar.IsoWeekLabel(r.Date)}");

    /// <summary>One group per store and month.</summary>
    public static KpiGrouping StoreMonth { get; } = new("store-month", r => r.StoreId + "|" + Month(r.Date));

    /// <summary>One group per country and ISO week.</summary>
    public static KpiGrouping CountryWeek { get; } = new("country-week", r => $"{r.Country}|{StoreCalendar.IsoWeekLabel(r.Date)}");

    /// <summary>One group per country and month.</summary>
    public static KpiGrouping CountryMonth { get; } = new("country-month", r => r.Country + "|" + Month(r.Date));

    /// <summary>All stores, one group per day.</summary>
    public static KpiGrouping AllStoresDay { get; } = new("all-stores-day", r => $"all|{StoreCalendar.Format(r.Date)}");

    /// <summary>Everything in one group.</summary>
    public static KpiGrouping All { get; } = new("all", _ => "all");

    private static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
