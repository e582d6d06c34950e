using System.Text.Json;
using System.Text.Json.Serialization;

namespace KpiFunctions.Core.Serialization;

/// <summary>The one JSON shape of domain records wherever they are written: snake_case names, enums as UPPER_CASE strings (the TikTok API's style).</summary>
public static class RecordJson
{
    /// <summary>Serializer options for records (read-only once built).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
