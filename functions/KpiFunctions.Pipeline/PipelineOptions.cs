using System.Globalization;

namespace KpiFunctions.Pipeline;

/// <summary>Settings of the pipeline (environment names in brackets; see local.settings.sample.json).</summary>
public sealed record PipelineOptions
{
    /// <summary>Currency every store's money is also reported in [KPI_REPORTING_CURRENCY].</summary>
    public string ReportingCurrency { get; init; } = "USD";

    /// <summary>Days before yesterday the nightly run fetches again, for late updates [KPI_LOOKBACK_DAYS].</summary>
    public int LookbackDays { get; init; } = 3;

    /// <summary>How many days an FX rate may be carried forward [KPI_FX_MAX_CARRY_DAYS].</summary>
    public int FxMaxCarryForwardDays { get; init; } = 7;

    /// <summary>Most stores the in-process runner may fetch at once.</summary>
    public const int ParallelStoresLimit = 64;

    /// <summary>Stores fetched at once by the in-process runner [KPI_MAX_PARALLEL_STORES].</summary>
    public int MaxParallelStores { get; init; } = 4;

    /// <summary>Attempts per store before it is marked failed [KPI_MAX_ATTEMPTS].</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Seconds before a failed store's first retry [KPI_RETRY_FIRST_SECONDS].</summary>
    public double RetryFirstSeconds { get; init; } = 30;

    /// <summary>Factor each later retry's wait grows by [KPI_RETRY_BACKOFF].</summary>
    public double RetryBackoff { get; init; } = 2;

    /// <summary>Days a superseded version of the semantic dataset is kept for readers that started on it [KPI_SEMANTIC_RETENTION_DAYS].</summary>
    public int SemanticRetentionDays { get; init; } = 7;

    /// <summary>Days back from today (UTC) that alerts are kept; older ones are deleted after each run's alert step [KPI_ALERT_RETENTION_DAYS].</summary>
    public int AlertRetentionDays { get; init; } = 400;

    /// <summary>
    /// Most days a run fetches, computes and alerts on at a time: a longer window goes chunk after chunk (each also
    /// ending with its month), so a long backfill needs one chunk's memory [KPI_BACKFILL_CHUNK_DAYS].
    /// </summary>
    public int BackfillChunkDays { get; init; } = 31;

    /// <summary>Largest gap, in percent, between the pipeline's and the platform's own GMV or order count before a store-day is flagged [KPI_RECONCILE_TOLERANCE_PCT].</summary>
    public decimal ReconcileTolerancePct { get; init; } = 0.5m;

    /// <summary>Customer-service response window per country in hours, 12 or 24; unlisted countries use 24 [KPI_RESPONSE_WINDOWS, e.g. "MY=12,TH=12"].</summary>
    public IReadOnlyDictionary<string, int> ResponseWindows { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The response window of a country.</summary>
    public int ResponseWindowFor(string country) => ResponseWindows.TryGetValue(country, out var hours) ? hours : 24;

    /// <summary>
    /// The options from settings (environment variables or app settings, by name); errors name the setting.
    /// <paramref name="defaultResponseWindows"/> applies when KPI_RESPONSE_WINDOWS is unset (the demo's).
    /// </summary>
    public static PipelineOptions FromSettings(Func<string, string?> setting, IReadOnlyDictionary<string, int>? defaultResponseWindows = null, string? currency = null, int? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(setting);
        string? Get(string name) => setting(name) is { Length: > 0 } v ? v.Trim() : null;
        int Int(string name, int fallback) => Get(name) is { } text
            ? int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{name}='{text}' is not a whole number; write one such as 3, or leave it unset for {fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)}.")
            : fallback;

        double Number(string name, double fallback) => Get(name) is { } text
            ? double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{name}='{text}' is not a number; write one with a '.' for decimals, such as 2.5, or leave it unset for {fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)}.")
            : fallback;

        var windows = Get("KPI_RESPONSE_WINDOWS");
        var options = new PipelineOptions
        {
            ReportingCurrency = (currency ?? Get("KPI_REPORTING_CURRENCY") ?? "USD").ToUpperInvariant(),
            LookbackDays = Int("KPI_LOOKBACK_DAYS", 3),
            FxMaxCarryForwardDays = Int("KPI_FX_MAX_CARRY_DAYS", 7),
            MaxParallelStores = parallel ?? Int("KPI_MAX_PARALLEL_STORES", 4),
            MaxAttempts = Int("KPI_MAX_ATTEMPTS", 3),
            RetryFirstSeconds = Number("KPI_RETRY_FIRST_SECONDS", 30),
            RetryBackoff = Number("KPI_RETRY_BACKOFF", 2),
            SemanticRetentionDays = Int("KPI_SEMANTIC_RETENTION_DAYS", 7),
            AlertRetentionDays = Int("KPI_ALERT_RETENTION_DAYS", 400),
            BackfillChunkDays = Int("KPI_BACKFILL_CHUNK_DAYS", 31),
            ReconcileTolerancePct = Get("KPI_RECONCILE_TOLERANCE_PCT") is { } tolerance
                ? decimal.TryParse(tolerance, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var pct) ? pct : throw new ArgumentException($"KPI_RECONCILE_TOLERANCE_PCT='{tolerance}' is not a number of percent.")
                : 0.5m,
            ResponseWindows = windows is null && defaultResponseWindows is not null ? defaultResponseWindows : ParseResponseWindows(windows),
        };
        options.Validate();
        return options;
    }

    /// <summary>Parses "MY=12,TH=12" into a map, with an error naming the bad entry.</summary>
    public static IReadOnlyDictionary<string, int> ParseResponseWindows(string? text)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return map;
        }

        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var hours) || hours is not (12 or 24))
            {
                throw new ArgumentException($"Response window entry '{entry}' must look like 'MY=12' (a country code and 12 or 24 hours).", nameof(text));
            }

            map[parts[0].ToUpperInvariant()] = hours;
        }

        return map;
    }

    /// <summary>Throws with every problem at once when a setting is out of range.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (ReportingCurrency is not { Length: 3 } || !ReportingCurrency.All(char.IsAsciiLetterUpper))
        {
            problems.Add($"reporting currency '{ReportingCurrency}' (KPI_REPORTING_CURRENCY) must be an ISO 4217 code such as USD or CNY");
        }

        if (ReconcileTolerancePct is < 0 or > 100)
        {
            problems.Add($"reconciliation tolerance of {ReconcileTolerancePct} % (KPI_RECONCILE_TOLERANCE_PCT) must be 0-100");
        }

        if (LookbackDays is < 0 or > 60)
        {
            problems.Add($"lookback of {LookbackDays} days (KPI_LOOKBACK_DAYS) must be 0-60");
        }

        if (SemanticRetentionDays is < 1 or > 365)
        {
            problems.Add($"semantic retention of {SemanticRetentionDays} days (KPI_SEMANTIC_RETENTION_DAYS) must be 1-365");
        }

        if (AlertRetentionDays is < 7 or > 3650)
        {
            problems.Add($"alert retention of {AlertRetentionDays} days (KPI_ALERT_RETENTION_DAYS) must be 7-3650");
        }

        if (BackfillChunkDays is < 1 or > 400)
        {
            problems.Add($"backfill chunk of {BackfillChunkDays} days (KPI_BACKFILL_CHUNK_DAYS) must be 1-400");
        }

        if (FxMaxCarryForwardDays is < 0 or > 31)
        {
            problems.Add($"FX carry-forward of {FxMaxCarryForwardDays} days (KPI_FX_MAX_CARRY_DAYS) must be 0-31");
        }

        if (MaxParallelStores is < 1 or > ParallelStoresLimit)
        {
            problems.Add($"parallel stores {MaxParallelStores} (KPI_MAX_PARALLEL_STORES) must be 1-{ParallelStoresLimit}");
        }

        if (MaxAttempts is < 1 or > 10)
        {
            problems.Add($"attempts {MaxAttempts} (KPI_MAX_ATTEMPTS) must be 1-10");
        }

        if (RetryFirstSeconds is not (> 0 and <= 3600))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"first retry after {RetryFirstSeconds} s (KPI_RETRY_FIRST_SECONDS) must be above 0 and at most 3600"));
        }

        if (RetryBackoff is not (>= 1 and <= 10))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"retry back-off {RetryBackoff} (KPI_RETRY_BACKOFF, a factor) must be 1-10"));
        }

        foreach (var (country, hours) in ResponseWindows)
        {
            if (hours is not (12 or 24))
            {
                problems.Add($"response window for {country} is {hours} h (KPI_RESPONSE_WINDOWS); only 12 and 24 are supported");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid pipeline settings: " + string.Join("; ", problems) + ".");
        }
    }
}
