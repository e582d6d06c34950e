namespace KpiFunctions.Core.Engine;

/// <summary>Which currency money is summed in.</summary>
public enum CurrencyBasis
{
    /// <summary>The stores' own currency; only for groups of one currency.</summary>
    Local,
    /// <summary>The reporting currency, each store-day at its own rate.</summary>
    Reporting,
}
