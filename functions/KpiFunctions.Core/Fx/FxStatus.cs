namespace KpiFunctions.Core.Fx;

/// <summary>How a conversion rate was found.</summary>
public enum FxStatus
{
    /// <summary>The currency is the reporting currency: rate 1.</summary>
    Same,
    /// <summary>A rate for the day itself.</summary>
    Exact,
    /// <summary>An earlier day's rate, carried forward within the allowed gap.</summary>
    CarriedForward,
    /// <summary>No usable rate: the reporting value is null.</summary>
    Missing,
}
