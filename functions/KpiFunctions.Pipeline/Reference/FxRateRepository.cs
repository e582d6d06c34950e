using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Fx;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Reference;

/// <summary>Daily FX rates in KpiFxRates (partition = reporting currency, row = "CUR|yyyy-MM-dd").</summary>
public sealed class FxRateRepository
{
    private readonly ITableStore _tables;

    /// <summary>Creates the repository.</summary>
    public FxRateRepository(ITableStore tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
    }

    /// <summary>Writes rates into a reporting currency.</summary>
    public async Task SaveAsync(string reportingCurrency, IReadOnlyList<FxRate> rates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rates);
        await _tables.SubmitInChunksAsync(TableNames.FxRates, rates.Select(r =>
            new TableTransactionAction(TableTransactionKind.Upsert, new TableEntity(reportingCurrency, RowKey(r.Currency, r.Date))
            {
                ["Currency"] = r.Currency,
                ["Date"] = StoreCalendar.Format(r.Date),
                // Rates enter with at most 12 decimals, the precision they are stored and reported with.
                ["Rate"] = decimal.Round(r.RateToReporting, 12, MidpointRounding.ToEven),
            })), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A rate book for the currencies and days given, reaching back far enough for carry-forward.</summary>
    public async Task<FxRateBook> LoadAsync(string reportingCurrency, IEnumerable<string> currencies, DateOnly from, DateOnly to, int maxCarryForwardDays, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(currencies);
        var rates = new List<FxRate>();
        foreach (var currency in currencies.Distinct(StringComparer.Ordinal))
        {
            if (currency == reportingCurrency)
            {
                continue;
            }

            var query = new TableQuery
            {
                PartitionKey = reportingCurrency,
                RowKeyFrom = RowKey(currency, from.AddDays(-maxCarryForwardDays)),
                RowKeyTo = RowKey(currency, to),
            };
            await foreach (var e in _tables.QueryAsync(TableNames.FxRates, query, cancellationToken).ConfigureAwait(false))
            {
                if (CalendarDate(e.GetString("Date")) is { } date && e.GetDecimal("Rate") is { } rate)
                {
                    rates.Add(new FxRate(currency, date, rate));
                }
            }
        }

        return new FxRateBook(reportingCurrency, rates, maxCarryForwardDays);
    }

    private static DateOnly? CalendarDate(string? text) => StoreCalendar.TryParse(text, out var d) ? d : null;

    private static string RowKey(string currency, DateOnly date) =>
        currency + "|" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
