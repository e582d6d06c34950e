using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Core.Scorecards;

/// <summary>
/// The creator and LIVE session scorecards, computed from curated records only (no storage, no clock), with the
/// catalog's rule for GMV (<see cref="Order.CountsAsGmv"/>).
/// </summary>
public static class Scorecard
{
    private const int PctDecimals = 4;
    private const int MoneyDecimals = 6;

    /// <summary>
    /// Every creator with an affiliate order placed in the week, ranked and graded within the store. A creator whose
    /// orders were all cancelled, unpaid or samples keeps a row with no GMV (tier D), so none is dropped.
    /// </summary>
    /// <param name="storeId">Store.</param>
    /// <param name="currency">The store's currency; every order and refund must be in it.</param>
    /// <param name="reportingCurrency">Currency <paramref name="fxRate"/> converts to.</param>
    /// <param name="weekStart">Monday of the week.</param>
    /// <param name="ordersByDay">The orders of the week's scored days, by store-local day placed; days outside the week are an error.</param>
    /// <param name="refunds">Completed refunds through <paramref name="refundsThrough"/> (any order; those of other orders are ignored).</param>
    /// <param name="refundsThrough">The last day whose refunds <paramref name="refunds"/> holds.</param>
    /// <param name="contentTypes">Content types by creator id (the creator dimension); a creator missing has none known.</param>
    /// <param name="fxRate">Reporting-currency units per store-currency unit for a day, or null without a rate.</param>
    /// <param name="rules">Tier thresholds; <see cref="CreatorTierRules.Default"/> when null.</param>
    public static IReadOnlyList<CreatorWeekScore> CreatorWeek(
        string storeId,
        string currency,
        string reportingCurrency,
        DateOnly weekStart,
        IReadOnlyDictionary<DateOnly, IReadOnlyList<Order>> ordersByDay,
        IEnumerable<Refund> refunds,
        DateOnly refundsThrough,
        IReadOnlyDictionary<string, string> contentTypes,
        Func<DateOnly, decimal?> fxRate,
        CreatorTierRules? rules = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeId);
        ArgumentNullException.ThrowIfNull(ordersByDay);
        ArgumentNullException.ThrowIfNull(refunds);
        ArgumentNullException.ThrowIfNull(contentTypes);
        ArgumentNullException.ThrowIfNull(fxRate);
        rules = (rules ?? CreatorTierRules.Default).Validated();
        CheckMonday(weekStart);

        var creators = new SortedDictionary<string, CreatorTotals>(StringComparer.Ordinal);
        var orderCreator = new Dictionary<string, CreatorTotals>(StringComparer.Ordinal);
        foreach (var (day, orders) in ordersByDay)
        {
            if (day < weekStart || day > weekStart.AddDays(6))
            {
                throw new ArgumentException(Invariant($"Orders of {StoreCalendar.Format(day)} are not in the week of {StoreCalendar.Format(weekStart)} (store {storeId})."), nameof(ordersByDay));
            }

            var rate = fxRate(day);
            foreach (var order in orders.Where(o => o.Channel == SalesChannel.Affiliate))
            {
                if (string.IsNullOrWhiteSpace(order.CreatorId))
                {
                    throw new InvalidDataException(Invariant($"Affiliate order {order.OrderId} of store {storeId} on {StoreCalendar.Format(day)} has no creator id; it cannot be scored (curated orders are validated to carry one: re-fetch that store-day)."));
                }

                CheckCurrency(storeId, currency, "order " + order.OrderId, order.Currency);
                if (!creators.TryGetValue(order.CreatorId, out var totals))
                {
                    totals = new CreatorTotals();
                    creators[order.CreatorId] = totals;
                }

                if (!order.CountsAsGmv)
                {
                    continue;
                }

                totals.Gmv += order.Subtotal;
                totals.Orders++;
                orderCreator[order.OrderId] = totals;
                totals.MissingRate ??= rate is null ? day : null;
                totals.GmvReporting += order.Subtotal * (rate ?? 0m);
                totals.MissingCommission ??= order.AffiliateCommission is null ? order.OrderId : null;
                totals.Commission += order.AffiliateCommission ?? 0m;
            }
        }

        foreach (var refund in refunds)
        {
            if (orderCreator.TryGetValue(refund.OrderId, out var totals))
            {
                CheckCurrency(storeId, currency, "refund " + refund.RefundId, refund.Currency);
                totals.Refunds += refund.Amount;
            }
        }

        var total = creators.Values.Sum(c => c.Gmv);
        var ranked = creators.OrderByDescending(c => c.Value.Gmv).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        var rows = new List<CreatorWeekScore>(ranked.Count);
        var before = 0m;
        foreach (var (creatorId, c) in ranked)
        {
            var reasons = new List<string>();
            var commission = c.MissingCommission is null ? c.Commission : (decimal?)null;
            if (c.MissingCommission is not null)
            {
                reasons.Add(Invariant($"commission: the source gives none for order {c.MissingCommission}"));
            }

            if (c.Orders == 0)
            {
                reasons.Add("refund rate and commission share: no GMV orders this week (cancelled, unpaid or sample orders only)");
            }

            if (c.MissingRate is { } noRate && c.Orders > 0)
            {
                reasons.Add(Invariant($"gmv_rpt: no FX rate for {StoreCalendar.Format(noRate)}"));
            }

            decimal? refundRate = c.Gmv > 0 ? Pct(c.Refunds, c.Gmv) : null;
            var shareBefore = total > 0 ? before / total * 100m : 0m;
            var (tier, tierReason) = rules.Classify(c.Gmv, c.Orders, refundRate, shareBefore);
            if (tierReason is not null)
            {
                reasons.Add(tierReason);
            }

            rows.Add(new CreatorWeekScore(
                storeId,
                weekStart,
                creatorId,
                contentTypes.GetValueOrDefault(creatorId) ?? "",
                ordersByDay.Count,
                currency,
                reportingCurrency,
                c.Gmv,
                c.MissingRate is null ? decimal.Round(c.GmvReporting, MoneyDecimals, MidpointRounding.ToEven) : null,
                c.Orders,
                commission,
                commission is { } paid && c.Gmv > 0 ? Pct(paid, c.Gmv) : null,
                c.Refunds,
                refundRate,
                refundsThrough,
                total > 0 ? Pct(c.Gmv, total) : null,
                rows.Count + 1,
                tier,
                reasons.Count == 0 ? null : string.Join("; ", reasons)));
            before += c.Gmv;
        }

        return rows;
    }

    /// <summary>The scorecards of one store-day's LIVE sessions, in start order.</summary>
    /// <param name="storeId">Store.</param>
    /// <param name="currency">The store's currency; every session's GMV must be in it.</param>
    /// <param name="reportingCurrency">Currency <paramref name="fxRate"/> converts to.</param>
    /// <param name="zone">The store's time zone, for the local start time.</param>
    /// <param name="date">Store-local day the sessions started.</param>
    /// <param name="sessions">The day's sessions.</param>
    /// <param name="fxRate">The day's rate to the reporting currency, or null without one.</param>
    /// <param name="noClicksReason">Why product clicks are unknown where a session has none (the source's reason); a default wording when null.</param>
    /// <param name="rules">Tier thresholds; <see cref="LiveTierRules.Default"/> when null.</param>
    public static IReadOnlyList<LiveSessionScore> LiveSessions(
        string storeId,
        string currency,
        string reportingCurrency,
        TimeZoneInfo zone,
        DateOnly date,
        IEnumerable<LiveSession> sessions,
        decimal? fxRate,
        string? noClicksReason = null,
        LiveTierRules? rules = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeId);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(sessions);
        rules = (rules ?? LiveTierRules.Default).Validated();
        var rows = new List<LiveSessionScore>();
        foreach (var s in sessions.OrderBy(s => s.StartUtc).ThenBy(s => s.SessionId, StringComparer.Ordinal))
        {
            CheckCurrency(storeId, currency, "LIVE session " + s.SessionId, s.Currency);
            var reasons = new List<string>();
            decimal? gpm = s.Views > 0 ? decimal.Round(s.Gmv / s.Views * 1000m, MoneyDecimals, MidpointRounding.ToEven) : null;
            if (s.Views <= 0)
            {
                reasons.Add("gpm and click rate: the session had no views");
            }

            decimal? avgWatch = s.Viewers > 0 ? decimal.Round((decimal)s.WatchSeconds / s.Viewers, PctDecimals, MidpointRounding.ToEven) : null;
            if (s.Viewers <= 0)
            {
                reasons.Add("average watch time: the session had no viewers");
            }

            decimal? clickRate = s.Views > 0 && s.ProductClicks is { } clicks ? Pct(clicks, s.Views) : null;
            if (s.ProductClicks is null)
            {
                reasons.Add("click rate: " + (noClicksReason ?? "the source gives no product clicks for the session, or the day was curated before they were kept (re-fetch it)"));
            }

            if (fxRate is null)
            {
                reasons.Add(Invariant($"gmv_rpt and gpm_rpt: no FX rate for {StoreCalendar.Format(date)}"));
            }

            var (tier, tierReason) = rules.Classify(s.Gmv, clickRate, avgWatch);
            if (tierReason is not null)
            {
                reasons.Add(tierReason);
            }

            rows.Add(new LiveSessionScore(
                storeId,
                date,
                s.SessionId,
                s.StartUtc,
                TimeZoneInfo.ConvertTime(s.StartUtc, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                s.DurationSeconds,
                s.Views,
                s.Viewers,
                s.WatchSeconds,
                s.ProductClicks,
                currency,
                reportingCurrency,
                s.Gmv,
                fxRate is { } rate ? decimal.Round(s.Gmv * rate, MoneyDecimals, MidpointRounding.ToEven) : null,
                gpm,
                gpm is { } g && fxRate is { } r ? decimal.Round(g * r, MoneyDecimals, MidpointRounding.ToEven) : null,
                avgWatch,
                clickRate,
                tier,
                reasons.Count == 0 ? null : string.Join("; ", reasons)));
        }

        return rows;
    }

    private static decimal Pct(decimal part, decimal whole) => decimal.Round(part / whole * 100m, PctDecimals, MidpointRounding.ToEven);

    private static void CheckMonday(DateOnly weekStart)
    {
        if (weekStart.DayOfWeek != DayOfWeek.Monday)
        {
            throw new ArgumentException(Invariant($"A week starts on a Monday; {StoreCalendar.Format(weekStart)} is a {weekStart.DayOfWeek}."), nameof(weekStart));
        }
    }

    private static void CheckCurrency(string storeId, string currency, string what, string actual)
    {
        if (!string.Equals(currency, actual, StringComparison.Ordinal))
        {
            throw new InvalidDataException(Invariant($"{what} of store {storeId} is in {actual}, not the store's {currency}; a scorecard adds amounts of one currency only (fix the store's currency or re-fetch)."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class CreatorTotals
    {
        public decimal Gmv { get; set; }

        public decimal GmvReporting { get; set; }

        public long Orders { get; set; }

        public decimal Commission { get; set; }

        public decimal Refunds { get; set; }

        public string? MissingCommission { get; set; }

        public DateOnly? MissingRate { get; set; }
    }
}
