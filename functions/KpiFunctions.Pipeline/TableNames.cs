namespace KpiFunctions.Pipeline;

/// <summary>The tables the pipeline uses.</summary>
public static class TableNames
{
    /// <summary>Run ledger: a header row and a row per store task.</summary>
    public const string Runs = "KpiRuns";

    /// <summary>KPI rows: partition = store-local date, row = store id.</summary>
    public const string Daily = "KpiDaily";

    /// <summary>Store registry.</summary>
    public const string Stores = "KpiStores";

    /// <summary>Monthly targets.</summary>
    public const string Targets = "KpiTargets";

    /// <summary>Daily FX rates into the reporting currency.</summary>
    public const string FxRates = "KpiFxRates";

    /// <summary>KPI alerts: partition = store-local date, row = store id | KPI id.</summary>
    public const string Alerts = "KpiAlerts";

    /// <summary>What became of each run's alert messages: partition = run id, row = webhook channel.</summary>
    public const string AlertDeliveries = "KpiAlertDeliveries";

    /// <summary>Change marks per dataset and month (<see cref="MonthChanges"/>): partition = dataset, row = yyyy-MM.</summary>
    public const string Changes = "KpiChanges";

    /// <summary>Every table, for creation at start-up.</summary>
    public static IReadOnlyList<string> All { get; } = [Runs, Daily, Stores, Targets, FxRates, Alerts, AlertDeliveries, Changes];
}
