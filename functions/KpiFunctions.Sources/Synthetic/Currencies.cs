namespace KpiFunctions.Sources.Synthetic;

/// <summary>Reference figures the generator prices and converts with (approximate, for realism only).</summary>
public static class Currencies
{
    private static readonly Dictionary<string, (decimal UsdPerUnit, int Decimals)> Known = new(StringComparer.Ordinal)
    {
        ["USD"] = (1m, 2),
        ["GBP"] = (1.27m, 2),
        ["EUR"] = (1.08m, 2),
        ["CNY"] = (0.139m, 2),
        ["MYR"] = (0.213m, 2),
        ["THB"] = (0.0285m, 2),
        ["VND"] = (0.0000393m, 0),
        ["IDR"] = (0.0000632m, 0),
        ["PHP"] = (0.0172m, 2),
        ["SGD"] = (0.742m, 2),
        ["MXN"] = (0.0551m, 2),
        ["BRL"] = (0.181m, 2),
        ["JPY"] = (0.0066m, 0),
    };

    /// <summary>Currencies the generator can price in and convert between.</summary>
    public static IReadOnlyCollection<string> Supported => Known.Keys;

    /// <summary>True when the generator knows the currency.</summary>
    public static bool IsSupported(string currency) => Known.ContainsKey(currency);

    internal static decimal UsdPerUnit(string currency) => Lookup(currency).UsdPerUnit;

    internal static int Decimals(string currency) => Lookup(currency).Decimals;

    private static (decimal UsdPerUnit, int Decimals) Lookup(string currency) =>
        Known.TryGetValue(currency, out var v)
            ? v
            : throw new NotSupportedException($"The synthetic source has no prices for currency '{currency}'; supported: {string.Join(", ", Known.Keys)}.");
}
