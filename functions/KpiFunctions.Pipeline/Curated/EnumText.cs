using System.Text.Json;

namespace KpiFunctions.Pipeline.Curated;

/// <summary>Enums as UPPER_SNAKE text in curated files (the TikTok API's spelling, e.g. AWAITING_SHIPMENT).</summary>
public static class EnumText<TEnum>
    where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> ToText = Enum.GetValues<TEnum>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseUpper.ConvertName(v.ToString()));
    private static readonly Dictionary<string, TEnum> FromText = ToText.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    /// <summary>The value's text.</summary>
    public static string Format(TEnum value) => ToText[value];

    /// <summary>Parses the text, with an error listing the allowed values.</summary>
    public static TEnum Parse(string text, string source) =>
        FromText.TryGetValue(text, out var value)
            ? value
            : throw new InvalidDataException($"{source}: '{text}' is not a {typeof(TEnum).Name}; expected one of {string.Join(", ", FromText.Keys)}.");

    /// <summary>The allowed texts, for docs.</summary>
    public static string Allowed => string.Join(", ", ToText.Values);
}
