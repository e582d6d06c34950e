using System.Globalization;
using System.Text.Json;
using KpiFunctions.Orchestration;

namespace KpiFunctions.App;

/// <summary>Reads the body of POST /api/runs into a run's input, refusing what it cannot mean with what to fix.</summary>
public static class RunRequests
{
    /// <summary>
    /// None or <c>{}</c> for the nightly window; else <c>{"from": "yyyy-MM-dd", "to": "yyyy-MM-dd", "stores": ["id",
    /// ...]}</c> (a backfill; stores optional). Throws <see cref="ArgumentException"/> naming the field and the fix. The
    /// window itself (order, length, days not over yet, unknown stores) is checked by <c>RunPlanner.ResolveAsync</c>.
    /// </summary>
    public static RunInput Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return new RunInput();
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ArgumentException("The body is not JSON; send {\"from\": \"yyyy-MM-dd\", \"to\": \"yyyy-MM-dd\", \"stores\": [\"id\"]}, or nothing for the nightly window.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The body must be a JSON object with from, to and stores.");
        }

        // A misspelt field must not quietly turn a backfill into a full nightly run.
        foreach (var field in root.EnumerateObject())
        {
            if (field.Name is not ("from" or "to" or "stores"))
            {
                throw new ArgumentException($"Unknown field '{field.Name}'; a run request has from, to (yyyy-MM-dd) and stores (lower case).");
            }
        }

        DateOnly? Date(string name) => root.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(v.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d
                : throw new ArgumentException($"'{name}' is {v.GetRawText()}, not a date; use \"yyyy-MM-dd\".")
            : null;
        var from = Date("from");
        var to = Date("to");
        string[]? stores = null;
        if (root.TryGetProperty("stores", out var list))
        {
            stores = list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0 && list.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                ? [.. list.EnumerateArray().Select(e => e.GetString()!)]
                : throw new ArgumentException("'stores' must be a non-empty array of store ids (leave it out for every enabled store).");
        }

        return new RunInput(from ?? to, to ?? from, stores);
    }
}
