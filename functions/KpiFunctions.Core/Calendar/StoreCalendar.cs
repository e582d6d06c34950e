using System.Globalization;

namespace KpiFunctions.Core.Calendar;

/// <summary>Store-local calendar days from IANA time zones.</summary>
public static class StoreCalendar
{
    /// <summary>Resolves an IANA zone id, with an error that says what to fix.</summary>
    public static TimeZoneInfo ResolveZone(string ianaId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ianaId);
        if (!TryResolveZone(ianaId, out var zone))
        {
            throw new ArgumentException(
                $"Time zone '{ianaId}' is not a known IANA zone; use an id such as 'Europe/London' or 'Asia/Bangkok'.",
                nameof(ianaId));
        }

        return zone;
    }

    /// <summary>Tries to resolve an IANA zone id.</summary>
    public static bool TryResolveZone(string ianaId, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(ianaId);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    /// <summary>The store-local calendar day an instant falls on.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    /// <summary>
    /// The UTC instants where a local day starts (inclusive) and ends (exclusive).
    /// A DST day is 23 or 25 hours long; where midnight itself does not exist the day starts at the first valid minute.
    /// </summary>
    public static (DateTimeOffset StartUtc, DateTimeOffset EndUtc) DayBounds(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return (StartOfDay(date, zone), StartOfDay(date.AddDays(1), zone));
    }

    /// <summary>Monday of the ISO week the date is in.</summary>
    public static DateOnly IsoWeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    /// <summary>ISO week label such as 2026-W09.</summary>
    public static string IsoWeekLabel(DateOnly date)
    {
        var dt = date.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(dt):D4}-W{ISOWeek.GetWeekOfYear(dt):D2}");
    }

    /// <summary>
    /// The Monday of an ISO week label such as 2026-W48; false for anything else, including a week the year does not
    /// have (W53 of a 52-week year).
    /// </summary>
    public static bool TryParseIsoWeek(string? label, out DateOnly monday)
    {
        monday = default;
        if (label is not { Length: 8 } || label[4] != '-' || label[5] != 'W'
            || !int.TryParse(label.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(label.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            || year < 1 || week < 1 || week > ISOWeek.GetWeeksInYear(year))
        {
            return false;
        }

        monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        return true;
    }

    /// <summary>First day of the date's month.</summary>
    public static DateOnly MonthStart(DateOnly date) => new(date.Year, date.Month, 1);

    /// <summary>Formats a date as yyyy-MM-dd, the form used in paths and keys.</summary>
    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Parses yyyy-MM-dd strictly.</summary>
    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        // An ambiguous midnight (clocks set back at 00:00) starts at its first occurrence: the larger offset.
        var offset = zone.IsAmbiguousTime(local)
            ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
