using System.Text.Json;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Pipeline.Registry;

/// <summary>
/// Reads a stores file: a JSON array of objects with id, name, country, currency, timeZone, and optionally
/// enabled, tags, thresholds (the store's own green and amber per KPI id) and stage (cold_start, growth or stable;
/// stable when absent) (docs/stores.sample.json).
/// </summary>
public static class StoreFile
{
    /// <summary>Parses the file's text; errors name the entry and field.</summary>
    public static IReadOnlyList<Store> Parse(string json, string sourceName = "stores file")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{sourceName} is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message}", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{sourceName} must hold a JSON array of stores, not a {doc.RootElement.ValueKind}.");
            }

            var stores = new List<Store>();
            var problems = new List<string>();
            var index = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"entry #{index} is a {item.ValueKind}, not an object");
                    continue;
                }

                string? Text(string name)
                {
                    if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
                    {
                        problems.Add($"entry #{index}: '{name}' is missing");
                        return null;
                    }

                    if (v.ValueKind != JsonValueKind.String)
                    {
                        problems.Add($"entry #{index}: '{name}' must be a string");
                        return null;
                    }

                    return v.GetString();
                }

                var id = Text("id");
                var name = Text("name");
                var country = Text("country");
                var currency = Text("currency");
                var zone = Text("timeZone");
                var enabled = true;
                if (item.TryGetProperty("enabled", out var en) && en.ValueKind != JsonValueKind.Null)
                {
                    // A flag is a JSON boolean: "false", "no" or 0 would otherwise read as enabled.
                    if (en.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        enabled = en.GetBoolean();
                    }
                    else
                    {
                        problems.Add($"entry #{index}: 'enabled' must be true or false (a JSON boolean, without quotes), not {en.GetRawText()}");
                    }
                }

                var tags = item.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
                    ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
                    : [];
                var thresholds = Thresholds(item, index, problems);
                var stage = Stage(item, index, problems);
                if (id is not null && name is not null && country is not null && currency is not null && zone is not null)
                {
                    stores.Add(new Store(id, name, country, currency, zone, enabled, tags, thresholds, stage));
                }
            }

            if (problems.Count > 0)
            {
                throw new InvalidDataException($"{sourceName}: {string.Join("; ", problems)}.");
            }

            return stores;
        }
    }

    /// <summary>The optional "stage": a catalog stage id; the default stage when absent or null.</summary>
    private static string Stage(JsonElement item, int index, List<string> problems)
    {
        if (!item.TryGetProperty("stage", out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return StageDefinition.DefaultId;
        }

        var known = KpiCatalog.Default.Stages.Select(s => s.Id).ToArray();
        if (v.ValueKind != JsonValueKind.String || KpiCatalog.Default.Stage(v.GetString()!) is null)
        {
            problems.Add($"entry #{index}: 'stage' must be one of {string.Join(", ", known)} (or left out for {StageDefinition.DefaultId}), not {v.GetRawText()}");
            return StageDefinition.DefaultId;
        }

        return v.GetString()!;
    }

    /// <summary>The optional "thresholds": { "kpi_id": { "green": n, "amber": n } } of an entry.</summary>
    private static Dictionary<string, RagThresholds>? Thresholds(JsonElement item, int index, List<string> problems)
    {
        if (!item.TryGetProperty("thresholds", out var all) || all.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (all.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"entry #{index}: 'thresholds' must be an object of KPI ids, e.g. {{\"refund_rate\": {{\"green\": 5, \"amber\": 8}}}}");
            return null;
        }

        var thresholds = new Dictionary<string, RagThresholds>(StringComparer.Ordinal);
        foreach (var kpi in all.EnumerateObject())
        {
            decimal? Number(string name) =>
                kpi.Value.ValueKind == JsonValueKind.Object && kpi.Value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null;
            if (Number("green") is { } green && Number("amber") is { } amber)
            {
                thresholds[kpi.Name] = new RagThresholds(green, amber);
            }
            else
            {
                problems.Add($"entry #{index}: thresholds.{kpi.Name} needs numbers 'green' and 'amber'");
            }
        }

        return thresholds;
    }
}
