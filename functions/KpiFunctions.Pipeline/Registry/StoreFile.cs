using System.Text.Json;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Pipeline.Registry;

/// <summary>
/// Reads a stores file: a JSON array of objects with id, name, country, currency, timeZone, and optionally
/// enabled and tags (docs/stores.sample.json).
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
                var enabled = !item.TryGetProperty("enabled", out var en) || en.ValueKind != JsonValueKind.False;
                var tags = item.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
                    ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
                    : [];
                if (id is not null && name is not null && country is not null && currency is not null && zone is not null)
                {
                    stores.Add(new Store(id, name, country, currency, zone, enabled, tags));
                }
            }

            if (problems.Count > 0)
            {
                throw new InvalidDataException($"{sourceName}: {string.Join("; ", problems)}.");
            }

            return stores;
        }
    }
}
